"""Issue 13: each finding of the hardening review, as a test that failed before its fix (Flask test client).

The slow-client test (nginx in front of gunicorn) is in tests/test_proxy.py.
"""

from __future__ import annotations

import io
import json
import re

import pytest

from service import create_app
from service.config import REPO_ROOT


def build(seed_corpus, tmp_path, **settings):
    base = {"TESTING": True, "CORPUS_DIR": str(seed_corpus), "INDEX_PATH": str(tmp_path / "index" / "seeds.npz")}
    return create_app({**base, **settings})


# --- 7 and 8: every malformed body is a 4xx ---------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/chat", "/api/v1/search", "/api/v1/feedback"])
def test_deeply_nested_json_is_refused_before_parsing(client, path):
    body = "[" * 1000 + "]" * 1000
    resp = client.post(path, data=body, content_type="application/json")
    assert resp.status_code == 422 and resp.get_json()["error"] == "too_deep"
    nested = '{"message": "hi", "x": ' + '{"a": ' * 1000 + "1" + "}" * 1000 + "}"
    resp = client.post(path, data=nested, content_type="application/json")
    assert resp.status_code == 422 and resp.get_json()["error"] == "too_deep"


def test_brackets_inside_strings_do_not_count_as_nesting(client):
    resp = client.post("/api/v1/chat", json={"message": "what is [[[[[[[[[[[[[[[[[[[[[[[[[[[[ chemo"})
    assert resp.status_code == 200


@pytest.mark.parametrize("body", [b"null", b"1", b"true", b'"text"', b"[]"])
def test_null_and_other_wrong_shapes_are_422(client, body):
    resp = client.post("/api/v1/chat", data=body, content_type="application/json")
    assert resp.status_code == 422 and resp.get_json()["error"] == "invalid_request"


def test_chunked_body_over_the_limit_is_413(client):
    # A chunked request has no Content-Length; the server (gunicorn) terminates the stream.
    body = b'{"message": "' + b"a " * 40_000 + b'"}'
    resp = client.post(
        "/api/v1/chat",
        input_stream=io.BytesIO(body),
        content_type="application/json",
        environ_overrides={"wsgi.input_terminated": True},
        headers={"Transfer-Encoding": "chunked"},
    )
    assert resp.status_code == 413 and resp.get_json()["error"] == "request_entity_too_large"


@pytest.mark.parametrize("cid", ["abcdefgh\n", "abcdefgh\r\n", "\nabcdefgh"])
def test_conversation_ids_with_newlines_are_refused(client, cid):
    resp = client.post("/api/v1/chat", json={"message": "What is Reblozyl?", "conversation_id": cid})
    assert resp.status_code == 422 and resp.get_json()["error"] == "invalid_conversation_id"
    assert client.delete("/api/v1/conversations/abcdefgh%0A").status_code in (404, 422)


# --- 3: conversation ownership, separate key spaces, stored state validated on read ------------------------------


def chat(client, message, **extra):
    return client.post("/api/v1/chat", json={"message": message, **extra})


def test_api_conversation_ids_carry_proof_of_ownership(client, app):
    first = chat(client, "What is Reblozyl?").get_json()
    cid = first["conversation_id"]
    assert re.fullmatch(r"[0-9a-f]{32}-[0-9a-f]{24}", cid)
    follow = chat(client, "what are its side effects?", conversation_id=cid).get_json()
    assert follow["conversation_id"] == cid and follow["kind"] == "answer"
    # A made-up id, or a real id with a changed digest, is not that conversation: a new one starts.
    forged = cid[:-1] + ("0" if cid[-1] != "0" else "1")
    for other in (forged, "abcdefgh", "0" * 32 + "-" + "0" * 24):
        reply = chat(client, "what are its side effects?", conversation_id=other).get_json()
        assert reply["conversation_id"] not in (other, cid)
        assert client.delete(f"/api/v1/conversations/{other}").status_code == 404
    assert app.extensions["conversations"].get(cid)["topic"] == "reblozyl"  # untouched by the forgeries


def test_page_conversation_is_not_reachable_through_the_api(client, app):
    ask_form(client, "What is Reblozyl?")
    session = read_session(client)
    assert "cid" in session
    page_key = f"page.{session['cid']}"
    assert app.extensions["conversations"].get(page_key)["topic"] == "reblozyl"
    for attempt in (session["cid"], f"page-{session['cid']}", page_key):
        resp = chat(client, "what are its side effects?", conversation_id=attempt)
        assert resp.status_code in (200, 422)
        if resp.status_code == 200:
            assert resp.get_json()["conversation_id"] != attempt
        assert client.delete(f"/api/v1/conversations/{attempt}").status_code in (404, 422)
    assert app.extensions["conversations"].get(page_key)["topic"] == "reblozyl"


def test_conversation_ids_never_appear_in_html(client, app):
    ask_form(client, "What is Reblozyl?")
    cid = read_session(client)["cid"]
    html = client.get("/").get_data(as_text=True)
    assert cid not in html and "data-conversation-id" not in html


@pytest.mark.parametrize(
    "bad",
    [
        {"turns": "lots"},
        {"turns": []},
        {"history": 5},
        {"history": [1, 2]},
        {"topic": ["x"]},
        {"topic": None},
        {"turns": [{"question": "q", "reply": {}}]},
        {"unknown": 1},
    ],
)
def test_bad_stored_state_is_reset_never_a_500(client, app, bad):
    cid = chat(client, "What is Reblozyl?").get_json()["conversation_id"]
    app.extensions["conversations"].inner.put(cid, bad, 60)
    resp = chat(client, "what are its side effects?", conversation_id=cid)
    assert resp.status_code == 200
    assert app.extensions["conversations"].get(cid)["turns"] == 1  # started afresh, then saved in good shape
    # The page path too: bad state under the page's key.
    ask_form(client, "What is Reblozyl?")
    app.extensions["conversations"].inner.put(f"page.{read_session(client)['cid']}", bad, 60)
    assert ask_form(client, "what are its side effects?").status_code == 200
    assert client.get("/").status_code == 200


def test_a_transcript_cookie_of_the_wrong_shape_is_forgotten(client):
    ask_form(client, "What is Reblozyl?")
    with client.session_transaction() as sess:
        sess["turns"] = [{"q": "x"}, "nonsense"]
    assert client.get("/").status_code == 200
    assert ask_form(client, "What is Reblozyl?").status_code == 200


# helpers for the no-JavaScript page


def ask_form(client, message):
    return client.post("/", data={"message": message, "csrf_token": csrf(client)}, follow_redirects=True)


def csrf(client, path="/"):
    page = client.get(path)
    return re.search(rb'name="csrf_token" value="([^"]+)"', page.data).group(1).decode()


def read_session(client) -> dict:
    with client.session_transaction() as sess:
        return dict(sess)


# --- 4: what is stored about patients: the keys and values written to Redis, one conversation per mode -----------


def redis_dump(url: str) -> dict[str, object]:
    """Every key and value in Redis, except flask-limiter's counters, which are checked here: a number per
    client address and window (LIMITS:LIMITER/cqa/<address>/<scope>/<limit>), expiring with the window."""
    import redis

    client = redis.Redis.from_url(url)
    out: dict[str, object] = {}
    for key in client.keys("*"):
        if key.startswith(b"LIMITS:LIMITER/"):
            assert re.fullmatch(rb"LIMITS:LIMITER/cqa/127\.0\.0\.1/\w+/\d+/\d+/\w+", key), key
            assert client.get(key).isdigit() and 0 < client.ttl(key) <= 60
            continue
        kind = client.type(key).decode()
        if kind == "string":
            out[key.decode()] = client.get(key).decode()
        elif kind == "list":
            out[key.decode()] = [v.decode() for v in client.lrange(key, 0, -1)]
        else:
            out[key.decode()] = kind
        assert client.ttl(key) > 0, key  # everything expires
    return out


QUESTION = "What is Reblozyl used for? My mother was given it for anemia."
FOLLOW_UP = "what are its side effects?"


def test_redis_holds_only_topic_state_for_an_api_conversation(seed_corpus, tmp_path, redis_server):
    app = build(seed_corpus, tmp_path, REDIS_URL=redis_server.url)
    client = app.test_client()
    cid = chat(client, QUESTION).get_json()["conversation_id"]
    reply = chat(client, FOLLOW_UP, conversation_id=cid).get_json()
    stored = redis_dump(redis_server.url)
    assert list(stored) == [f"cqa:conv:{cid}"]
    state = json.loads(stored[f"cqa:conv:{cid}"])
    assert set(state) == {"topic", "topic_title", "intent", "population", "turns", "history"}
    assert state["turns"] == 2 and state["history"][-1] == reply["kind"]
    # The topic is the content words of the question that named it (README "Privacy": what state holds);
    # never the message itself, the follow-up or the reply.
    assert set(state["topic"].split()) <= set(re.findall(r"\w+", QUESTION.lower()))
    text = json.dumps(stored)
    assert QUESTION not in text and FOLLOW_UP not in text and "side effects?" not in text
    assert all(s["text"] not in text for s in reply["sentences"])


def test_redis_holds_no_transcript_for_a_no_javascript_conversation(seed_corpus, tmp_path, redis_server):
    app = build(seed_corpus, tmp_path, REDIS_URL=redis_server.url)
    client = app.test_client()
    ask_form(client, QUESTION)
    page = ask_form(client, FOLLOW_UP).get_data(as_text=True)
    assert "Reblozyl used for?" in page  # the transcript is shown, from the patient's own cookie
    cid = read_session(client)["cid"]
    stored = redis_dump(redis_server.url)
    assert list(stored) == [f"cqa:conv:page.{cid}"]
    state = json.loads(stored[f"cqa:conv:page.{cid}"])
    assert set(state) == {"topic", "topic_title", "intent", "population", "turns", "history"} and state["turns"] == 2
    assert set(state["topic"].split()) <= set(re.findall(r"\w+", QUESTION.lower()))
    text = json.dumps(stored)
    assert QUESTION not in text and "side effects?" not in text and "My mother" not in text
    # Feedback adds the record (no question unless shared) and a keyed digest marking "this client rated it".
    client.post("/feedback", data={"turn": "0", "rating": "down", "csrf_token": csrf(client)})
    stored = redis_dump(redis_server.url)
    assert sorted(k.split(":")[1] for k in stored) == ["conv", "fb-seen", "feedback"]
    (record,) = [json.loads(v) for v in stored["cqa:feedback"]]
    assert record["question"] is None and QUESTION not in json.dumps(stored)
    assert re.fullmatch(r"cqa:fb-seen:[0-9a-f]{32}", next(k for k in stored if "fb-seen" in k))


def test_shipped_redis_config_caps_memory_with_eviction(tmp_path):
    import shutil
    import subprocess

    import redis

    from .ops_fixtures import REPO, free_port, wait_until

    binary = shutil.which("redis-server")
    if not binary:
        pytest.skip("redis-server is not installed (./run test installs it with apt-get)")
    port = free_port()
    proc = subprocess.Popen(
        [binary, str(REPO / "deploy" / "redis.conf"), "--port", str(port), "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        client = redis.Redis(port=port, socket_timeout=1)

        def up() -> bool:
            try:
                return bool(client.ping())
            except redis.exceptions.ConnectionError:
                return False

        assert wait_until(up)
        assert client.config_get("maxmemory")["maxmemory"] == str(256 * 1024 * 1024)
        assert client.config_get("maxmemory-policy")["maxmemory-policy"] == "volatile-ttl"
    finally:
        proc.kill()
        proc.wait(timeout=10)


# --- 5: rate limits on every patient write; feedback counted once per answer and client -----------------------


@pytest.mark.parametrize("path", ["/", "/clear", "/feedback"])
def test_form_writes_are_rate_limited(seed_corpus, tmp_path, path):
    app = build(seed_corpus, tmp_path, RATE_LIMIT_ENABLED=True, RATE_LIMIT_CHAT="3/minute", RATE_LIMIT_WRITE="3/minute")
    client = app.test_client()
    token = csrf(client)
    statuses = [
        client.post(path, data={"message": "What is Reblozyl?", "turn": "0", "csrf_token": token}).status_code
        for _ in range(5)
    ]
    assert statuses[:3] != [429] * 3 and statuses[3:] == [429, 429]
    assert client.get("/").status_code == 200  # reading the page is not a write


def test_form_and_api_questions_share_one_limit(seed_corpus, tmp_path):
    app = build(seed_corpus, tmp_path, RATE_LIMIT_ENABLED=True, RATE_LIMIT_CHAT="3/minute")
    client = app.test_client()
    token = csrf(client)
    assert client.post("/", data={"message": "What is Reblozyl?", "csrf_token": token}).status_code == 303
    assert [chat(client, "What is Reblozyl?").status_code for _ in range(3)] == [200, 200, 429]


def test_api_feedback_is_rate_limited_and_counted_once_per_answer_and_client(seed_corpus, tmp_path):
    app = build(seed_corpus, tmp_path, RATE_LIMIT_ENABLED=True, RATE_LIMIT_WRITE="5/minute")
    client = app.test_client()
    ids = [c["passage_id"] for c in chat(client, "What is Reblozyl used for?").get_json()["citations"]]
    body = {"rating": "down", "passage_ids": ids}
    statuses = [client.post("/api/v1/feedback", json=body).status_code for _ in range(7)]
    assert statuses == [201, 200, 200, 200, 200, 429, 429]
    assert len(app.extensions["feedback"].recent()) == 1
    other = client.post(
        "/api/v1/feedback", json={"rating": "down", "passage_ids": ids}, environ_base={"REMOTE_ADDR": "10.9.9.9"}
    )
    assert other.status_code == 201 and len(app.extensions["feedback"].recent()) == 2


def test_replayed_cookie_votes_once(client, app):
    ask_form(client, "What is Reblozyl used for?")
    token = csrf(client)
    with client.session_transaction() as sess:
        saved = dict(sess)
    for _ in range(5):  # each time the same cookie, in which the turn shows no rating yet
        with client.session_transaction() as sess:
            sess.clear()
            sess.update(saved)
        client.post("/feedback", data={"turn": "0", "rating": "down", "csrf_token": token})
    assert len(app.extensions["feedback"].recent()) == 1


# --- 8: form answers in metrics with their real kind ---------------------------------------------------------------


def test_form_answers_are_counted_with_their_kind(client):
    ask_form(client, "What is Reblozyl used for?")
    text = client.get("/metrics").get_data(as_text=True)
    assert 'cqa_requests_total{kind="answer",method="POST",route="/",status="303"}' in text


# --- 2: staff sign-in throttling; hashing is not a lever against patient traffic ---------------------------------

PASSWORD = "correct horse battery staple"


@pytest.fixture
def staff_app(seed_corpus, tmp_path):
    from werkzeug.security import generate_password_hash

    return build(
        seed_corpus,
        tmp_path,
        RATE_LIMIT_ENABLED=False,
        STAFF_ACCOUNTS={"nina": generate_password_hash(PASSWORD), "omar": generate_password_hash(PASSWORD)},
    )


def sign_in(client, username="nina", password=PASSWORD, addr="127.0.0.1"):
    token = csrf(client, "/nurse/login")
    return client.post(
        "/nurse/login",
        data={"username": username, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": addr},
    )


@pytest.fixture
def hash_calls(monkeypatch):
    """Counts password hashes, and the most that ran at the same time."""
    import threading
    import time as _time

    from service.web import security

    real = security.check_password_hash
    stats = {"calls": 0, "running": 0, "most": 0}
    lock = threading.Lock()

    def counted(stored, password):
        with lock:
            stats["calls"] += 1
            stats["running"] += 1
            stats["most"] = max(stats["most"], stats["running"])
        try:
            _time.sleep(0.02)
            return real(stored, password)
        finally:
            with lock:
                stats["running"] -= 1

    monkeypatch.setattr(security, "check_password_hash", counted)
    return stats


def test_account_is_locked_after_repeated_failures_and_locked_attempts_are_not_hashed(staff_app, hash_calls):
    client = staff_app.test_client()
    # Failures from different addresses: the account limit (5) applies whoever is guessing.
    statuses = [sign_in(client, password=f"wrong {i}", addr=f"10.0.0.{i}").status_code for i in range(5)]
    assert statuses == [401] * 5 and hash_calls["calls"] == 5
    locked = sign_in(client, addr="10.0.1.1")  # even the right password, while locked
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    assert b"Too many attempts" in locked.data
    for i in range(20):
        assert sign_in(client, password=f"again {i}", addr="10.0.2.2").status_code == 429
    assert hash_calls["calls"] == 5  # refused before hashing
    assert client.get("/nurse").status_code == 302  # not signed in
    # Other accounts are not affected.
    assert sign_in(client, username="omar", addr="10.0.3.3").status_code == 303


def test_lockout_expires_and_backs_off(staff_app, monkeypatch):
    from service.store import counters as counters_module

    now = [1000.0]
    staff_app.extensions["counters"] = counters_module.MemoryCounters(clock=lambda: now[0])
    client = staff_app.test_client()
    for i in range(5):
        sign_in(client, password="wrong", addr=f"10.0.0.{i}")
    assert sign_in(client).status_code == 429
    now[0] += 61  # the first lockout is 60 s
    assert sign_in(client, password="wrong").status_code == 401  # the 6th failure: locked for 120 s
    now[0] += 61
    assert sign_in(client).status_code == 429
    now[0] += 60
    assert sign_in(client).status_code == 303


def test_client_is_locked_after_guessing_many_accounts(staff_app, hash_calls):
    client = staff_app.test_client()
    for i in range(20):
        assert sign_in(client, username=f"user{i}", password="x", addr="10.5.5.5").status_code == 401
    assert sign_in(client, username="omar", addr="10.5.5.5").status_code == 429
    assert hash_calls["calls"] == 20
    assert sign_in(client, username="omar", addr="10.6.6.6").status_code == 303  # another client may


def test_sign_in_flood_hashes_one_at_a_time_and_patients_still_get_answers(staff_app, hash_calls):
    """8 clients flood the sign-in form at once while a patient asks questions."""
    import threading
    import time as _time

    errors: list[str] = []

    def flood(n: int) -> None:
        client = staff_app.test_client()
        for i in range(12):
            status = sign_in(client, username=f"guess{n}-{i}", password="x", addr=f"10.7.{n}.1").status_code
            if status not in (401, 429, 503):
                errors.append(str(status))

    threads = [threading.Thread(target=flood, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    patient = staff_app.test_client()
    worst = 0.0
    while any(t.is_alive() for t in threads):
        started = _time.perf_counter()
        assert chat(patient, "What is Reblozyl used for?").status_code == 200
        worst = max(worst, _time.perf_counter() - started)
    for t in threads:
        t.join()
    assert not errors
    assert hash_calls["most"] == 1  # never two password hashes at once
    assert worst < 2.0


def test_failed_sign_ins_are_in_metrics(staff_app):
    client = staff_app.test_client()
    sign_in(client, password="wrong")
    text = client.get("/metrics").get_data(as_text=True)
    assert 'cqa_staff_signins_total{result="failed"}' in text


# --- 6: staff sessions: Secure cookie, server-side sign-out, idle timeout and absolute lifetime ------------------


def test_session_cookie_secure_is_configurable(seed_corpus, tmp_path):
    app = build(seed_corpus, tmp_path, SESSION_COOKIE_SECURE=True)
    assert "Secure" in app.test_client().get("/").headers["Set-Cookie"]
    from service.config import from_environment

    assert from_environment({"CQA_SESSION_COOKIE_SECURE": "true"})["SESSION_COOKIE_SECURE"] is True
    assert "CQA_SESSION_COOKIE_SECURE" in (REPO_ROOT / "gunicorn.conf.py").read_text()


def test_sign_out_ends_the_session_on_the_server(staff_app):
    client = staff_app.test_client()
    assert sign_in(client).status_code == 303
    assert client.get("/nurse").status_code == 200
    copied = read_session(client)  # an attacker's copy of the cookie
    client.post("/nurse/logout", data={"csrf_token": csrf(client, "/nurse")})
    thief = staff_app.test_client()
    with thief.session_transaction() as sess:
        sess.update(copied)
    assert thief.get("/nurse?q=liver").status_code == 302


def test_staff_session_idle_timeout_and_absolute_lifetime(staff_app, monkeypatch):
    from service.web import nurse

    now = [10_000.0]
    monkeypatch.setattr(nurse.time, "time", lambda: now[0])
    staff_app.config.update(STAFF_IDLE_SECONDS=600, STAFF_SESSION_MAX_SECONDS=3600)
    client = staff_app.test_client()
    sign_in(client)
    now[0] += 601
    assert client.get("/nurse").status_code == 302  # idle too long
    sign_in(client)
    for _ in range(7):  # busy, never idle, but past the absolute lifetime at the end
        now[0] += 500
        expected = 200 if now[0] - 10_601 <= 3600 else 302
        assert client.get("/nurse").status_code == expected


# --- 8: operations endpoints restricted; forwarded headers only from configured proxies -------------------------

OPS_TOKEN = "ops-token-" + "y" * 24
REMOTE = {"REMOTE_ADDR": "203.0.113.5"}


@pytest.fixture
def ops_app(seed_corpus, tmp_path):
    import hashlib

    return build(seed_corpus, tmp_path, OPS_TOKEN_HASHES=hashlib.sha256(OPS_TOKEN.encode()).hexdigest())


def test_metrics_and_readiness_detail_need_loopback_or_an_ops_token(ops_app):
    client = ops_app.test_client()
    assert client.get("/healthz", environ_base=REMOTE).status_code == 200
    assert client.get("/metrics", environ_base=REMOTE).status_code == 403
    ready = client.get("/readyz", environ_base=REMOTE)
    assert ready.status_code == 200 and ready.get_json() == {"status": "ready"}  # no fingerprint, no counts
    wrong = {"Authorization": "Bearer nope"}
    assert client.get("/metrics", environ_base=REMOTE, headers=wrong).status_code == 403
    auth = {"Authorization": f"Bearer {OPS_TOKEN}"}
    assert client.get("/metrics", environ_base=REMOTE, headers=auth).status_code == 200
    assert "fingerprint" in client.get("/readyz", environ_base=REMOTE, headers=auth).get_json()["index"]
    assert client.get("/metrics").status_code == 200  # the machine itself (loopback)


def test_forwarded_headers_are_trusted_only_from_configured_proxies(seed_corpus, tmp_path):
    app = build(seed_corpus, tmp_path, TRUSTED_PROXIES=1)
    client = app.test_client()
    spoof = {"X-Forwarded-For": "127.0.0.1", "X-Forwarded-Proto": "https"}
    # A client that is not the proxy cannot claim to be local, or to have come over TLS.
    resp = client.get("/metrics", environ_base=REMOTE, headers=spoof)
    assert resp.status_code == 403 and "Strict-Transport-Security" not in resp.headers
    # Through the proxy (127.0.0.1), its headers are believed: the real client is remote.
    via_proxy = {"X-Forwarded-For": "203.0.113.5", "X-Forwarded-Proto": "https"}
    resp = client.get("/metrics", headers=via_proxy)
    assert resp.status_code == 403 and "Strict-Transport-Security" in resp.headers
    # Without TRUSTED_PROXIES nobody's forwarded headers count, not even from 127.0.0.1.
    plain = build(seed_corpus, tmp_path, TRUSTED_PROXIES=0).test_client()
    assert "Strict-Transport-Security" not in plain.get("/healthz", headers=via_proxy).headers
