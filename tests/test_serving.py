"""Production behaviour of the app: limits, security headers, logs, health, metrics, state with Redis outages."""

from __future__ import annotations

import json
import logging

import pytest

from service import create_app
from service.web.middleware import JsonFormatter, tokens_match


def build(seed_corpus, tmp_path, **settings):
    base = {"TESTING": True, "CORPUS_DIR": str(seed_corpus), "INDEX_PATH": str(tmp_path / "index" / "seeds.npz")}
    return create_app({**base, **settings})


def chat(client, message, **extra):
    return client.post("/api/v1/chat", json={"message": message, **extra})


# --- limits and bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, status, error",
    [
        (b'{"message": "\xff\xfe"}', 400, "invalid_utf8"),
        (b'{"message": "caf\xc3"}', 400, "invalid_utf8"),
        (b'{"message": "\\ud800 lone surrogate"}', 422, "invalid_message"),
        (b'{"message": "bell\\u0007"}', 422, "invalid_message"),
        (b'{"message": "c1 control \\u0085"}', 422, "invalid_message"),
        (('{"message": "' + "a" * 200 + ' cancer"}').encode(), 422, "word_too_long"),
        (b'{"message": ["a"]}', 422, "invalid_message"),
        (b'{"message": null}', 422, "invalid_message"),
        (b'{"message": "hi", "conversation_id": 7}', 422, "invalid_conversation_id"),
        (b'"just a string"', 422, "invalid_request"),
        (b"", 400, "invalid_json"),
        (b"{", 400, "invalid_json"),
    ],
)
def test_bad_input_gets_a_clear_json_4xx(client, data, status, error):
    resp = client.post("/api/v1/chat", data=data, content_type="application/json")
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.get_json()["error"] == error
    assert "Traceback" not in resp.get_data(as_text=True)


def test_body_larger_than_the_limit_is_413_json(seed_corpus, tmp_path):
    app = build(seed_corpus, tmp_path, MAX_CONTENT_LENGTH=1024)
    resp = app.test_client().post("/api/v1/chat", json={"message": "x " * 2000})
    assert resp.status_code == 413 and resp.get_json()["error"] == "request_entity_too_large"


def test_rate_limit_is_per_client_and_answers_429_json(seed_corpus, tmp_path):
    app = build(seed_corpus, tmp_path, RATE_LIMIT_CHAT="2/minute")
    client = app.test_client()
    first = [chat(client, "What is Reblozyl?", environ_base={}) for _ in range(2)]
    assert [r.status_code for r in first] == [200, 200]
    limited = chat(client, "What is Reblozyl?")
    assert limited.status_code == 429 and limited.get_json()["error"] == "too_many_requests"
    assert int(limited.headers["Retry-After"]) > 0
    other = client.post("/api/v1/chat", json={"message": "hi"}, environ_base={"REMOTE_ADDR": "127.0.0.9"})
    assert other.status_code == 200  # another client has its own budget
    assert client.get("/healthz").status_code == 200  # health is never rate limited


def test_rate_limit_counters_are_shared_through_redis(seed_corpus, tmp_path, redis_server):
    """Two servers (two apps) on one Redis share one client's budget."""
    one = build(seed_corpus, tmp_path, REDIS_URL=redis_server.url, RATE_LIMIT_CHAT="3/minute").test_client()
    two = build(seed_corpus, tmp_path, REDIS_URL=redis_server.url, RATE_LIMIT_CHAT="3/minute").test_client()
    statuses = [c.post("/api/v1/chat", json={"message": "hi"}).status_code for c in (one, two, one, two)]
    assert statuses == [200, 200, 200, 429]


# --- security ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/api/v1/chat", "/healthz", "/nope", "/api/v1/nope"])
def test_security_headers_on_every_response(client, path):
    resp = client.get(path)
    csp = resp.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "no-referrer"
    assert "Strict-Transport-Security" not in resp.headers  # plain HTTP: no HSTS
    assert "Access-Control-Allow-Origin" not in resp.headers


def test_hsts_only_behind_tls_and_frame_ancestors_from_config(seed_corpus, tmp_path):
    app = build(seed_corpus, tmp_path, TRUSTED_PROXIES=1, EMBED_ORIGINS="https://portal.example.org")
    client = app.test_client()
    resp = client.get("/healthz", headers={"X-Forwarded-Proto": "https"})
    assert resp.headers["Strict-Transport-Security"].startswith("max-age=")
    assert resp.headers["Content-Security-Policy"].endswith("frame-ancestors 'none'")  # only /embed is framed
    embed = client.get("/embed", headers={"X-Forwarded-Proto": "https"})
    assert "frame-ancestors https://portal.example.org" in embed.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in embed.headers
    assert "Strict-Transport-Security" not in client.get("/healthz").headers


def test_cors_is_closed_by_default_and_open_only_to_configured_origins(client, seed_corpus, tmp_path):
    resp = client.options(
        "/api/v1/chat", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    )
    assert "Access-Control-Allow-Origin" not in resp.headers
    app = build(seed_corpus, tmp_path, CORS_ORIGINS="https://portal.example.org")
    c = app.test_client()
    ok = c.options(
        "/api/v1/chat", headers={"Origin": "https://portal.example.org", "Access-Control-Request-Method": "POST"}
    )
    assert ok.headers["Access-Control-Allow-Origin"] == "https://portal.example.org"
    assert "POST" in ok.headers["Access-Control-Allow-Methods"]
    other = c.post("/api/v1/chat", json={"message": "hi"}, headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers


def test_staff_token_check():
    tokens = ["a" * 32, "b" * 32]
    assert tokens_match("b" * 32, tokens)
    assert not tokens_match("b" * 31, tokens)
    assert not tokens_match("", tokens) and not tokens_match(None, tokens)
    assert not tokens_match("a" * 32, [])


def test_access_log_is_structured_and_has_no_message_text(client, caplog):
    caplog.set_level(logging.INFO, logger="service.access")
    chat(client, "What is Reblozyl used for, privately?", conversation_id="conv-abcdef12")
    records = [r for r in caplog.records if r.name == "service.access"]
    assert records, "one access line per request"
    line = JsonFormatter().format(records[-1])
    fields = json.loads(line)
    assert fields["route"] == "/api/v1/chat" and fields["status"] == 200 and fields["kind"] == "answer"
    assert len(fields["request_id"]) >= 8 and fields["latency_ms"] >= 0
    assert "Reblozyl" not in line and "privately" not in line and "conv-abcdef12" not in line


def test_message_text_is_logged_only_when_opted_in(seed_corpus, tmp_path, caplog):
    app = build(seed_corpus, tmp_path, LOG_MESSAGES=True)
    caplog.set_level(logging.INFO, logger="service.access")
    chat(app.test_client(), "debug this question")
    fields = [r.fields for r in caplog.records if r.name == "service.access"]
    assert fields[-1]["message"] == "debug this question"


def test_request_id_is_echoed_or_made(client):
    assert client.get("/healthz", headers={"X-Request-ID": "abc12345-xyz"}).headers["X-Request-ID"] == "abc12345-xyz"
    made = client.get("/healthz", headers={"X-Request-ID": "bad id <script>"}).headers["X-Request-ID"]
    assert made != "bad id <script>" and len(made) == 32


# --- operations ----------------------------------------------------------------------------------------------


def test_healthz_and_readyz(client, app):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz").get_json()
    assert ready["status"] == "ready"
    assert ready["index"]["fingerprint"] == app.extensions["index"].fingerprint
    assert ready["index"]["passages"] == len(app.extensions["index"].passages)
    assert ready["index"]["age_seconds"] >= 0 and ready["index"]["built_at"]
    assert ready["store"] == {"backend": "memory", "ok": True}


def test_metrics_count_requests_by_route_and_kind(client):
    chat(client, "What is Reblozyl used for?")
    chat(client, "")
    text = client.get("/metrics").get_data(as_text=True)
    assert 'cqa_requests_total{kind="answer",method="POST",route="/api/v1/chat",status="200"}' in text
    assert 'route="/api/v1/chat",status="422"' in text
    assert 'cqa_request_duration_seconds_bucket{kind="answer",le="0.1",route="/api/v1/chat"}' in text
    assert "cqa_index_passages{audience=" in text and "cqa_index_file_bytes" in text
    assert "cqa_store_errors_total" in text


def test_delete_conversation(client, app):
    store = app.extensions["conversations"]
    cid = chat(client, "What is Reblozyl?").get_json()["conversation_id"]  # issued with its ownership digest
    assert store.get(cid)["topic"] == "reblozyl"
    assert client.delete(f"/api/v1/conversations/{cid}").status_code == 204
    assert store.get(cid) is None
    store.put("conv-delete-me", {"turns": 1}, 60)
    assert client.delete("/api/v1/conversations/conv-delete-me").status_code == 404  # not an issued id
    assert store.get("conv-delete-me") is not None
    assert client.delete("/api/v1/conversations/bad id").status_code == 422


# --- Redis outage mid-conversation -----------------------------------------------------------------------------


def test_redis_killed_and_restarted_mid_conversation(seed_corpus, tmp_path, redis_server):
    app = build(seed_corpus, tmp_path, REDIS_URL=redis_server.url, STORE_RETRY_SECONDS=0.0)
    client, store = app.test_client(), app.extensions["conversations"]
    first = chat(client, "What is Reblozyl?").get_json()
    cid = first["conversation_id"]
    assert store.get(cid)["topic"] == "reblozyl"  # the responder saved the topic in Redis
    assert chat(client, "what is it used for?", conversation_id=cid).get_json()["kind"] == "answer"
    assert client.get("/readyz").get_json()["store"] == {"backend": "redis", "ok": True}

    redis_server.stop()
    during = chat(client, "What is Reblozyl used for?", conversation_id=cid)
    assert during.status_code == 200 and during.get_json()["kind"] == "answer"  # answers still work
    assert store.get(cid) is None
    lost = chat(client, "what are the treatments?", conversation_id=cid)
    assert lost.status_code == 200 and lost.get_json()["kind"] == "clarify"  # degraded: no context
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.get_json()["status"] == "degraded"
    assert ready.get_json()["store"]["ok"] is False
    assert client.delete(f"/api/v1/conversations/{cid}").status_code == 503
    assert 'cqa_store_errors_total{op="get",store="conversations"}' in client.get("/metrics").get_data(as_text=True)

    redis_server.start()  # same port, empty data (no persistence)
    assert client.get("/readyz").get_json()["status"] == "ready"
    store.put(cid, {"topic": "luspatercept"}, 60)
    assert store.get(cid) == {"topic": "luspatercept"}  # recovered
    assert chat(client, "What are its side effects?", conversation_id=cid).status_code == 200


def test_starts_and_answers_when_redis_is_down_from_the_start(seed_corpus, tmp_path):
    from .ops_fixtures import free_port

    url = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    app = build(seed_corpus, tmp_path, REDIS_URL=url, STORE_TIMEOUT_SECONDS=0.1)
    client = app.test_client()
    resp = chat(client, "What is Reblozyl used for?")
    assert resp.status_code == 200 and resp.get_json()["kind"] == "answer"
    ready = client.get("/readyz").get_json()
    assert ready["status"] == "degraded" and ready["store"] == {"backend": "redis", "ok": False}
