-- wrk script for POST /api/v1/chat: rotates through patient questions and checks EVERY response body:
-- status 200, a known answer kind, and no citation whose audience is not "patient" (an audience leak).
-- Results of all threads are printed by done() as one JSON line starting with "RESULT ".

local questions = {
  "What are the symptoms of chronic lymphocytic leukemia?",
  "What is Reblozyl used for?",
  "How is breast cancer treated?",
  "What are the side effects of chemotherapy?",
  "How can I manage nausea during treatment?",
  "What is radiation therapy?",
  "What does stage 3 colon cancer mean?",
  "Is prostate cancer hereditary?",
  "What is immunotherapy and how does it work?",
  "How do I cope with fatigue from cancer treatment?",
  "What are the risk factors for lung cancer?",
  "What is a bone marrow transplant?",
  "Can I work during chemotherapy?",
  "What should I eat during cancer treatment?",
  "What is hospice care?",
  "How is melanoma diagnosed?",
  "What are clinical trials?",
  "What is lymphedema?",
  "How is ovarian cancer found early?",
  "What does HER2 positive mean?",
  "What is the Pap test?",
  "What causes mouth sores during treatment?",
  "What is neutropenia?",
  "How do I talk to my children about my cancer?",
  "What is targeted therapy?",
  "What are the signs of pancreatic cancer?",
  "What is a biopsy?",
  "How long does recovery from surgery take?",
  "What is multiple myeloma?",
  "What is hair loss from chemo like?",
  "How is thyroid cancer treated?",
  "What is palliative care?",
}

local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  -- optional think time per connection (ms) between a response and the next request: a paced run
  pause_ms = tonumber(args[1]) or 0
  n = 0
  responses = 0
  non200 = 0
  leaks = 0
  citations = 0
  badkind = 0
  answers = 0
  no_answers = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  n = n + 1
  local q = questions[((n + id * 7) % #questions) + 1]
  return wrk.format(nil, "/api/v1/chat", nil, '{"message": "' .. q .. '"}')
end

function delay()
  return pause_ms
end

local kinds = { answer = true, no_answer = true, urgent = true, crisis = true, advice = true,
                scope = true, smalltalk = true, clarify = true }

function response(status, headers, body)
  responses = responses + 1
  if status ~= 200 then
    non200 = non200 + 1
    return
  end
  local kind = body:match('"kind"%s*:%s*"([%a_]+)"')
  if not kinds[kind] then badkind = badkind + 1 end
  if kind == "answer" then answers = answers + 1 elseif kind == "no_answer" then no_answers = no_answers + 1 end
  for audience in body:gmatch('"audience"%s*:%s*"([%a_]*)"') do
    citations = citations + 1
    if audience ~= "patient" then leaks = leaks + 1 end
  end
end

function done(summary, latency, requests)
  local t = { responses = 0, non200 = 0, leaks = 0, citations = 0, badkind = 0, answers = 0, no_answers = 0 }
  for _, thread in ipairs(threads) do
    for k, _ in pairs(t) do t[k] = t[k] + thread:get(k) end
  end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "bytes": %d, "socket_errors": {"connect": %d, "read": %d, ' ..
    '"write": %d, "timeout": %d}, "status_errors": %d, "responses_checked": %d, "non200": %d, ' ..
    '"audience_leaks": %d, "citations_checked": %d, "bad_kind": %d, "answers": %d, "no_answers": %d, ' ..
    '"latency_us": {"p50": %d, "p90": %d, "p95": %d, "p99": %d, "max": %d, "mean": %.1f}}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.timeout, e.status,
    t.responses, t.non200, t.leaks, t.citations, t.badkind, t.answers, t.no_answers,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean))
end
