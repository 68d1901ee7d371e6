"""Issue 13: each finding of the hardening review, as a test that failed before its fix (Flask test client).

The slow-client test (nginx in front of gunicorn) is in tests/test_proxy.py.
"""

from __future__ import annotations

import io

import pytest

from service import create_app


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
