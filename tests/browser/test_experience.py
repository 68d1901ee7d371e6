"""Issue 14 in real headless Chromium: the patient's place, the conversation, waiting, sources, reading sizes,
print and copy, starter questions, the widget's keyboard behaviour and the nurse view's answer and feedback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from .conftest import DESKTOP, NURSE_PASSWORD, NURSE_USER, PHONE, REPO
from .test_browser import QUESTION, ask

FOLLOW_UP = "What are the side effects?"
STARTERS = [item["question"] for item in yaml.safe_load((REPO / "service/data/starter_questions.yaml").read_text())]


def box(page, selector: str) -> dict:
    """The element's box in the viewport, the viewport height and the top of the sticky question box."""
    return page.evaluate(
        """(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
           const ask = document.getElementById('ask').getBoundingClientRect();
           return {top: r.top, bottom: r.bottom, height: window.innerHeight, askTop: ask.top,
                   askBottom: ask.bottom}; }""",
        selector,
    )


def ask_without_js(page, question: str) -> None:
    page.fill("#message", question)
    with page.expect_navigation():
        page.press("#message", "Enter")


# --- the answer's first line at the top of the view ----------------------------------------------


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_each_new_answer_starts_at_the_top_of_the_view(servers, new_page, screenshots, viewport, js):
    page = new_page(viewport, js=js)
    page.goto(servers.service + "/")
    for n, question in enumerate([QUESTION, FOLLOW_UP]):
        if js:
            ask(page, question)
        else:
            ask_without_js(page, question)
        assert page.locator("#log > li.turn").count() == n + 1
        where = box(page, f"#answer-{n}")
        # The reply's first line is at the top of the view (its card starts within 40 px of the top edge) ...
        assert 0 <= where["top"] <= 40, where
        assert page.locator(f"#answer-{n} .msg-label").is_visible()
        # ... and the question box is still on screen, at the bottom (sticky).
        assert where["askBottom"] <= where["height"] + 1 and where["askTop"] < where["height"], where
    assert page.locator("#message").is_visible()
    name = f"patient-answer-top-{'phone' if viewport is PHONE else 'desktop'}-{'js' if js else 'nojs'}.png"
    page.screenshot(path=str(screenshots / name))
    if js:
        assert page.console_errors == []


# --- the conversation survives a reload in the same tab, and only there ----------------------------


def test_conversation_survives_a_reload_in_the_same_tab_only(servers, new_page, screenshots):
    page = new_page()
    page.goto(servers.service + "/")
    ask(page, QUESTION)
    with page.expect_response(lambda r: r.url.endswith("/api/v1/feedback")):
        page.locator("#log > li.turn").first.get_by_role("button", name="Helpful", exact=True).click()
    stored = page.evaluate("() => JSON.parse(sessionStorage.getItem('cqa-chat-page'))")
    assert stored["turns"][0]["question"] == QUESTION and stored["conversationId"]
    page.reload()
    turns = page.locator("#log > li.turn")
    turns.first.locator("article").wait_for()
    assert turns.count() == 1
    assert turns.first.locator(".msg--user .msg-text").inner_text() == QUESTION
    assert turns.first.locator(".sentence").count() >= 1
    assert turns.first.locator(".feedback-done").inner_text() == "Thank you for your feedback."
    assert not page.locator("#intro").is_visible()
    page.screenshot(path=str(screenshots / "patient-reloaded.png"))
    # A follow-up after the reload continues the same conversation.
    with page.expect_request(lambda r: r.url.endswith("/api/v1/chat")) as request:
        ask(page, FOLLOW_UP)
    assert json.loads(request.value.post_data)["conversation_id"] == stored["conversationId"]
    # Nothing in localStorage; another tab starts empty.
    assert page.evaluate("() => localStorage.length") == 0
    other = page.context.new_page()
    other.goto(servers.service + "/")
    assert other.evaluate("() => sessionStorage.getItem('cqa-chat-page')") is None
    # Clearing forgets it in this tab too.
    with page.expect_navigation():
        page.get_by_role("button", name="Clear conversation").click()
    assert page.evaluate("() => sessionStorage.getItem('cqa-chat-page')") is None
    page.reload()
    assert page.locator("#log > li.turn").count() == 0
    assert page.locator("#intro").is_visible()


# --- waiting and the rate limit ------------------------------------------------------------------


def test_busy_state_and_a_plain_words_rate_limit(servers, new_page, screenshots):
    page = new_page(PHONE)
    held = []
    page.route("**/api/v1/chat", lambda route: held.append(route))  # answered below, when the test says so
    page.goto(servers.service + "/")
    page.fill("#message", QUESTION)
    state = page.evaluate(
        """async () => { document.getElementById('ask').requestSubmit();
          const now = {busy: document.getElementById('log').getAttribute('aria-busy'),
                       disabled: document.getElementById('ask-button').disabled,
                       progressHidden: document.getElementById('progress').textContent === ''};
          await new Promise(r => setTimeout(r, 100));
          now.progressHiddenAt100ms = document.getElementById('progress').textContent === '';
          return now; }"""
    )
    assert state == {"busy": "true", "disabled": True, "progressHidden": True, "progressHiddenAt100ms": True}
    page.locator("#progress").wait_for(state="visible")  # after 300 ms
    assert "Looking for an answer" in page.locator("#progress").inner_text()
    assert page.locator("#progress").bounding_box()["y"] < PHONE["height"]
    page.screenshot(path=str(screenshots / "patient-busy.png"))
    assert len(held) == 1
    held[0].fulfill(
        status=429,
        headers={"Retry-After": "1"},
        content_type="application/json",
        body=json.dumps({"error": "too_many_requests", "message": "5 per 1 second"}),
    )
    error = page.locator("#error")
    error.wait_for()
    assert error.inner_text() == "You're sending questions quickly; please wait a few seconds and try again."
    assert error.is_visible() and error.bounding_box()["y"] < PHONE["height"]
    assert page.get_attribute("#log", "aria-busy") == "false"
    assert not page.locator("#ask-button").is_disabled()
    assert not page.locator("#progress").is_visible()
    page.screenshot(path=str(screenshots / "patient-rate-limited.png"))


# --- citations -------------------------------------------------------------------------------------


def test_a_source_opens_in_view_on_a_phone_with_the_cited_passage(servers, new_page, screenshots):
    page = new_page(PHONE)
    page.goto(servers.service + "/")
    with page.expect_response(lambda r: r.url.endswith("/api/v1/chat")) as response:
        ask(page, QUESTION)
    citations = response.value.json()["citations"]
    page.locator("#answer-0 a.cite").first.click()
    source = page.locator("#src-0-1")
    assert source.get_attribute("open") is not None
    where = box(page, "#src-0-1 summary")
    assert 0 <= where["top"] and where["bottom"] <= where["askTop"], where  # in view, above the question box
    passage = source.locator(".source-passage")
    assert passage.is_visible()
    assert passage.inner_text().split() == citations[0]["snippet"].split()
    assert box(page, "#src-0-1 .source-passage")["top"] < where["askTop"]
    page.screenshot(path=str(screenshots / "patient-phone-source.png"))


def test_without_javascript_a_followed_number_opens_its_source(servers, new_page, screenshots):
    page = new_page(PHONE, js=False)
    page.goto(servers.service + "/")
    ask_without_js(page, QUESTION)
    assert page.locator("#src-0-1").get_attribute("open") is None
    with page.expect_navigation():
        page.locator("#answer-0 a.cite").first.click()
    source = page.locator("#src-0-1")
    assert source.get_attribute("open") is not None
    assert page.evaluate("() => document.querySelector(':target').id") == "src-0-1"
    assert page.locator("#src-0-1 .source-passage").is_visible()
    where = box(page, "#src-0-1 summary")
    assert 0 <= where["top"] and where["bottom"] <= where["askTop"], where
    page.screenshot(path=str(screenshots / "patient-nojs-source.png"))


# --- readable sizes ---------------------------------------------------------------------------------

SMALL_TEXT = """() => {
  const small = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!node.textContent.trim() || !el || el.closest('.visually-hidden, [hidden], template, script')) continue;
    if (!el.getClientRects().length) continue;  // not rendered
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < 16) small.push([el.tagName + '.' + el.className, node.textContent.trim().slice(0, 30), size]);
  }
  return small;
}"""


@pytest.mark.parametrize("path", ["/", "/embed"])
def test_everything_a_patient_reads_on_a_phone_is_at_least_16px(servers, new_page, path):
    page = new_page(PHONE)
    page.goto(servers.service + path)
    assert page.evaluate(SMALL_TEXT) == []  # the empty page: intro, starter questions, help, footer
    ask(page, QUESTION)
    page.locator("#answer-0 details.source summary").first.click()
    page.locator("#answer-0 button.copy").click()
    assert page.evaluate(SMALL_TEXT) == []


# --- print and copy ---------------------------------------------------------------------------------


def test_print_shows_the_conversation_with_sources_and_addresses_without_forms(servers, new_page, screenshots):
    page = new_page()
    page.goto(servers.service + "/")
    ask(page, QUESTION)
    page.emulate_media(media="print")
    for form in ("#ask", "#clear", "form.feedback", "form.suggestions", "#answer-0 button.copy"):
        assert not page.locator(form).first.is_visible(), form
    assert page.locator("#answer-0 .sentence").first.is_visible()
    sources = page.locator("#answer-0 details.source")
    assert sources.count() >= 1
    for i in range(sources.count()):
        assert sources.nth(i).get_attribute("open") is None  # closed on screen, yet printed in full
        assert sources.nth(i).locator(".source-passage").is_visible()
        link = sources.nth(i).locator("a.source-link")
        if link.count():
            after = link.evaluate("a => getComputedStyle(a, '::after').content")
            assert link.get_attribute("href") in after
    page.screenshot(path=str(screenshots / "patient-print.png"), full_page=True)
    page.emulate_media(media="screen")
    assert page.locator("#ask").is_visible()


def test_copy_button_copies_the_answer_with_numbered_sources(servers, new_page):
    page = new_page(permissions=["clipboard-read", "clipboard-write"])
    page.goto(servers.service + "/")
    with page.expect_response(lambda r: r.url.endswith("/api/v1/chat")) as response:
        ask(page, QUESTION)
    reply = response.value.json()
    page.locator("#answer-0").get_by_role("button", name="Copy answer").click()
    page.locator("#answer-0 .copy-done").wait_for()
    assert page.locator("#answer-0 .copy-done").inner_text() == "Copied."
    text = page.evaluate("() => navigator.clipboard.readText()")
    first = reply["sentences"][0]
    assert f"{' '.join(first['text'].split())} [{first['citation']}]" in " ".join(text.split())
    assert "\nSources:\n" in text
    for c in reply["citations"]:
        line = next(line for line in text.splitlines() if line.startswith(f"[{c['n']}] "))
        assert c["title"] in line and c["url"] in line and "Last reviewed: 2025-12-30" in line
    assert reply["disclaimer"].split()[:5] == text.splitlines()[-1].split()[:5]
    assert page.console_errors == []


# --- starter questions ------------------------------------------------------------------------------


def test_starter_questions_on_the_empty_page(servers, new_page, screenshots):
    assert 4 <= len(STARTERS) <= 6
    page = new_page(PHONE)
    page.goto(servers.service + "/")
    buttons = page.locator("#intro button.starter")
    assert buttons.all_inner_texts() == STARTERS
    page.screenshot(path=str(screenshots / "patient-starters.png"))
    with page.expect_response(lambda r: r.url.endswith("/api/v1/chat")):
        buttons.nth(1).click()
    page.locator("#answer-0").wait_for()
    assert page.locator("#log .msg--user .msg-text").first.inner_text() == STARTERS[1]
    assert not page.locator("#intro").is_visible()
    # Without JavaScript a starter question is a form post like any other question.
    plain = new_page(js=False)
    plain.goto(servers.service + "/")
    with plain.expect_navigation():
        plain.locator("#intro button.starter").first.click()
    assert plain.locator("#log .msg--user .msg-text").first.inner_text() == STARTERS[0]
    assert not plain.locator("#intro").is_visible()


# --- the widget ---------------------------------------------------------------------------------------


def host_focus(page) -> str:
    return page.evaluate("() => document.activeElement.id || document.activeElement.tagName")


def test_widget_keyboard_clear_and_emergency_bar(servers, new_page, screenshots):
    page = new_page()
    held = []

    def hold(route):
        held.append(route)

    # The launcher stays hidden until the chat inside the frame says "ready".
    page.route(servers.service + "/embed*", hold)
    page.goto(servers.portal + "/index.html", wait_until="domcontentloaded")  # "load" waits for the held frame
    launcher = page.locator("#cqa-launcher")
    page.wait_for_function("() => document.getElementById('cqa-launcher') !== null")
    assert len(held) == 1 and not launcher.is_visible()
    held[0].continue_()
    page.unroute(servers.service + "/embed*")
    launcher.wait_for(state="visible")

    launcher.click()
    frame = page.frame_locator("#cqa-frame")
    chat = page.frame(url=lambda u: "/embed" in u)
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'cqa-frame'")
    chat.wait_for_function("() => document.activeElement && document.activeElement.id === 'message'")
    # The emergency bar (inside the banner landmark) has both numbers.
    bar = frame.locator("header .emergency-bar")
    assert bar.locator("a[href='tel:911']").count() == 1 and bar.locator("a[href='tel:988']").count() == 1
    # Focus is trapped in the open panel: Tab and Shift+Tab cycle inside the chat.
    seen = set()
    for key in ["Tab"] * 14 + ["Shift+Tab"] * 14:
        page.keyboard.press(key)
        assert host_focus(page) == "cqa-frame", key
        seen.add(chat.evaluate("() => document.activeElement.id || document.activeElement.textContent.trim()"))
    assert {"message", "close"} <= seen or "Close the chat" in " ".join(seen)
    # Ask, then clear: the intro and starter questions come back.
    frame.locator("#message").fill(QUESTION)
    with page.expect_response(lambda r: r.url.endswith("/api/v1/chat")):
        frame.locator("#message").press("Enter")
    frame.locator("#answer-0").wait_for()
    assert not frame.locator("#intro").is_visible()
    frame.get_by_role("button", name="Clear conversation").click()
    assert frame.locator("#log > li").count() == 0
    assert frame.locator("#intro").is_visible() and frame.locator("#intro button.starter").count() == len(STARTERS)
    page.screenshot(path=str(screenshots / "widget-cleared.png"))
    # Escape anywhere in the panel closes it and gives focus back to the launcher.
    frame.locator("#intro button.starter").first.focus()
    page.keyboard.press("Escape")
    page.locator("#cqa-panel").wait_for(state="hidden")
    assert launcher.get_attribute("aria-expanded") == "false" and host_focus(page) == "cqa-launcher"
    launcher.click()
    page.locator("#cqa-panel").wait_for(state="visible")
    frame.get_by_role("button", name="Clear conversation").focus()
    page.keyboard.press("Escape")
    page.locator("#cqa-panel").wait_for(state="hidden")
    launcher.focus()
    page.keyboard.press("Enter")
    page.locator("#cqa-panel").wait_for(state="visible")
    # (opening moves focus to the message box; wait for it, or it can land after the focus below and take the Tab)
    chat.wait_for_function("() => document.activeElement && document.activeElement.id === 'message'")
    launcher.focus()  # the host side of the open widget: Tab goes back into the chat, not out of the page
    for key in ("Tab", "Shift+Tab"):
        page.keyboard.press(key)
        chat.wait_for_function("() => document.activeElement && document.activeElement.id === 'message'")
        assert host_focus(page) == "cqa-frame"
        launcher.focus()
    page.keyboard.press("Escape")
    page.locator("#cqa-panel").wait_for(state="hidden")
    assert page.console_errors == []


def test_refused_origin_shows_nothing(servers, new_page, screenshots):
    page = new_page()
    with page.expect_console_message(lambda m: "frame-ancestors" in m.text):
        page.goto(servers.stranger + "/index.html")
    page.wait_for_timeout(300)
    assert not page.locator("#cqa-launcher").is_visible() and not page.locator("#cqa-panel").is_visible()
    page.screenshot(path=str(screenshots / "widget-refused.png"))


# --- nurse view -------------------------------------------------------------------------------------


def sign_in(page, servers, password: str = NURSE_PASSWORD) -> None:
    page.goto(servers.service + "/nurse/login")
    page.fill("#username", NURSE_USER)
    page.fill("#password", password)
    page.get_by_role("button", name="Sign in").click()


def test_nurse_gets_the_patient_answer_beside_the_passages(servers, new_page, screenshots):
    page = new_page(permissions=["clipboard-read", "clipboard-write"])
    sign_in(page, servers, password="wrong password")
    assert page.locator(".error").is_visible()
    assert page.input_value("#username") == NURSE_USER, "the username stays after a failed sign-in"
    assert page.input_value("#password") == ""
    page.screenshot(path=str(screenshots / "nurse-login-failed.png"))
    page.fill("#password", NURSE_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.fill("#q", QUESTION)
    page.get_by_role("button", name="Search").click()
    answer = page.locator("#handover")
    assert answer.locator("h2").inner_text() == "The answer a patient would get"
    patient = page.request.post(servers.service + "/api/v1/chat", data={"message": QUESTION}).json()
    shown = [" ".join(t.split()) for t in answer.locator(".sentence").all_inner_texts()]
    assert shown == [" ".join(s["text"].split()) for s in patient["sentences"]]  # the same composed answer
    assert answer.locator(".source-passage").count() == len(patient["citations"])
    assert all(c["audience"] == "patient" for c in patient["citations"])
    assert page.locator("li.result").count() >= 1
    page.screenshot(path=str(screenshots / "nurse-answer.png"))
    answer.get_by_role("button", name="Copy answer").click()
    text = page.evaluate("() => navigator.clipboard.readText()")
    assert patient["citations"][0]["url"] in text and "[1]" in text and "Sources:" in text
    page.emulate_media(media="print")
    assert answer.is_visible() and not page.locator("form.search").is_visible()
    assert not answer.get_by_role("button", name="Print answer").is_visible()
    page.evaluate(
        "() => { document.body.classList.add('print-one'); "
        "document.getElementById('handover').classList.add('print-this'); }"
    )
    assert not page.locator("li.result").first.is_visible() and not page.locator("#results-heading").is_visible()
    assert answer.locator(".sentence").first.is_visible() and answer.locator(".source-passage").first.is_visible()
    page.screenshot(path=str(screenshots / "nurse-print.png"), full_page=True)
    page.emulate_media(media="screen")
    assert answer.get_by_role("button", name="Print answer").is_visible()


def test_nurse_sees_total_matches_audience_mix_and_terms_without_a_match(servers, new_page, screenshots):
    page = new_page()
    sign_in(page, servers)
    api = page.request.post(
        servers.service + "/api/v1/search",
        data={"query": "luspatercept cancer liver", "audience": "all", "k": 50},
        headers={"Authorization": "Bearer browser-test-token"},
    ).json()["results"]
    assert len(api) < 50  # every match fits in one API call, so the API gives the true total
    page.goto(servers.service + "/nurse?q=luspatercept+cancer+liver&audience=all")
    heading = page.locator("#results-heading").inner_text()
    assert heading.startswith(f"{len(api)} matching passages"), heading
    shown = page.locator("li.result").count()
    assert shown == min(20, len(api)) and (len(api) <= 20 or f"the best {shown} shown" in heading)
    patient = sum(1 for r in api if r["audience"] == "patient")
    mix = page.locator("#mix").inner_text()
    assert f"In all matches: {patient} patient, {len(api) - patient} clinician." in mix
    notes = page.locator("#term-notes li").all_inner_texts()
    # "cancer" appears only in the NCI patient page, "liver" only in the LiverTox monograph (seed library).
    assert "“cancer”: no match in clinician material" in notes
    assert "“liver”: no match in patient material" in notes
    assert not [n for n in notes if "luspatercept" in n]
    page.screenshot(path=str(screenshots / "nurse-mix.png"), full_page=True)
    page.goto(servers.service + "/nurse?q=luspatercept+cancer&audience=clinician")
    assert page.locator("#term-notes li").all_inner_texts() == ["“cancer”: no match in clinician material"]
    assert all(b == "Clinician" for b in page.locator("li.result .badge").all_inner_texts())


def test_nurse_feedback_page_lists_reasons_dates_and_shared_questions(servers, new_page, screenshots, tmp_path):
    # Two patients (two client addresses, as nginx forwards them): a rating is counted once per answer and
    # client, and the other browser tests have already rated these answers from 127.0.0.1.
    patient = new_page(extra_http_headers={"X-Forwarded-For": "203.0.113.1"})
    patient.goto(servers.service + "/")
    unique = "What is Reblozyl used for, feedback test?"
    ask(patient, unique)
    turn = patient.locator("#log > li.turn").first
    turn.locator("select[name=reason]").select_option("hard_to_understand")
    turn.locator("input[name=share]").check()
    with patient.expect_response(lambda r: r.url.endswith("/api/v1/feedback")) as rated:
        turn.get_by_role("button", name="Not helpful").click()
    assert rated.value.status == 201  # counted
    other = new_page(extra_http_headers={"X-Forwarded-For": "203.0.113.2"})
    other.goto(servers.service + "/")
    ask(other, QUESTION)
    with other.expect_response(lambda r: r.url.endswith("/api/v1/feedback")) as rated:
        other.locator("#log > li.turn").first.get_by_role("button", name="Helpful", exact=True).click()
    assert rated.value.status == 201

    nurse = new_page()
    sign_in(nurse, servers)
    nurse.goto(servers.service + "/nurse/feedback")
    rows = nurse.locator("table.feedback-records tbody tr")
    texts = rows.all_inner_texts()
    mine = [i for i, t in enumerate(texts) if unique in t]
    assert len(mine) == 1
    first = texts[mine[0]]
    assert "Not helpful" in first and "Hard to understand" in first and "Luspatercept" in first
    assert rows.nth(mine[0]).locator("time").inner_text().endswith("UTC")
    # Newest first: the later "Helpful" rating without a shared question comes before it.
    assert mine[0] >= 1 and "Helpful" in texts[mine[0] - 1] and "not shared" in texts[mine[0] - 1]
    nurse.screenshot(path=str(screenshots / "nurse-feedback.png"), full_page=True)
    with nurse.expect_download() as download:
        nurse.get_by_role("link", name="Download as CSV").click()
    path = Path(tmp_path / "feedback.csv")
    download.value.save_as(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "date_utc,rating,reason,kind,shared_question,passage_ids,passage_titles"
    csv_mine = [i for i, line in enumerate(lines) if unique in line]
    assert len(csv_mine) == 1 and "Hard to understand" in lines[csv_mine[0]] and csv_mine[0] == mine[0] + 1


def test_the_script_ignores_unknown_fields_and_shows_optional_related_reading(servers, new_page):
    from .test_browser import canned_reply, serve_canned

    with_related = canned_reply("answer")
    with_related["related"] = [
        {"title": "Anemia and Cancer", "url": "https://www.cancer.gov/anemia"},
        {"title": "<b>no link</b>", "url": "javascript:alert(1)"},
    ]
    with_related["confidence"] = {"a": "field this page does not know"}
    page = new_page()
    serve_canned(page, [with_related, canned_reply("answer")])  # the second has no "related" at all
    page.goto(servers.service + "/")
    ask(page, "first")
    related = page.locator("#answer-0 ul.related li")
    assert [" ".join(t.split()) for t in related.all_inner_texts()] == [
        "Anemia and Cancer (opens in a new tab)",
        "<b>no link</b>",
    ]
    assert related.nth(0).locator("a").get_attribute("href") == "https://www.cancer.gov/anemia"
    assert related.nth(1).locator("a").count() == 0
    ask(page, "second")
    assert page.locator("#answer-1 ul.related").count() == 0
    assert page.console_errors == []


def test_dark_mode_contrast_of_urgent_crisis_and_error_states(servers, axe_page, axe_script, screenshots):
    from .test_browser import canned_reply, run_axe

    replies = [canned_reply("urgent"), canned_reply("crisis")]
    seen = []

    def handle(route):
        seen.append(route)
        if len(seen) <= len(replies):
            route.fulfill(status=200, content_type="application/json", body=json.dumps(replies[len(seen) - 1]))
        else:
            body = json.dumps({"error": "too_many_requests", "message": "5 per 1 second"})
            route.fulfill(status=429, content_type="application/json", body=body)

    page = axe_page
    page.set_viewport_size(PHONE)
    page.emulate_media(color_scheme="dark")
    page.route("**/api/v1/chat", handle)
    page.goto(servers.service + "/")
    ask(page, "canned urgent")
    ask(page, "canned crisis")
    page.fill("#message", "one more")
    page.press("#message", "Enter")
    page.locator("#error").wait_for()
    page.locator("#answer-0 details.source summary").click()
    assert run_axe(page, axe_script) == []
    page.locator("#answer-0").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "patient-dark-urgent.png"))


def test_errors_are_told_in_plain_words(servers, new_page):
    page = new_page()
    answers = [
        (413, {"error": "message_too_long", "message": "'message' is longer than 1000 characters."}),
        (500, {"error": "internal_error", "message": "Something went wrong on our side."}),
        (None, None),  # the network fails
    ]

    def handle(route):
        status, body = answers.pop(0)
        if status is None:
            route.abort()
        else:
            route.fulfill(status=status, content_type="application/json", body=json.dumps(body))

    page.route("**/api/v1/chat", handle)
    page.goto(servers.service + "/")
    expected = [
        "Your question is too long. Please make it shorter.",
        "Something went wrong on our side. Please try again in a moment.",
        "The service could not be reached. Please check your connection and try again.",
    ]
    for text in expected:
        page.fill("#message", "a question")
        page.press("#message", "Enter")
        page.wait_for_function("(t) => (document.getElementById('error') || {}).textContent === t", arg=text)
        assert not page.locator("#ask-button").is_disabled()
    assert "'message'" not in page.locator("main").inner_text()
