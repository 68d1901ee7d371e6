import pytest

KEYS = {"conversation_id", "kind", "text", "sentences", "citations", "disclaimer", "suggestions", "related", "intro"}
CITATION_KEYS = {"n", "passage_id", "title", "url", "section", "source", "last_reviewed", "audience", "snippet",
                 "related"}


def chat(client, message, **extra):
    return client.post("/api/v1/chat", json={"message": message, **extra})


def test_reblozyl_question_cites_the_luspatercept_page_first(client):
    body = chat(client, "What is Reblozyl used for?").get_json()
    assert set(body) == KEYS and body["kind"] == "answer"
    first = body["citations"][0]
    assert set(first) == CITATION_KEYS
    assert first["url"] == "https://www.cancer.gov/about-cancer/treatment/drugs/luspatercept-aamt"
    for s in body["sentences"]:
        cited = next(c for c in body["citations"] if c["n"] == s["citation"])
        assert s["text"] in cited["snippet"]


def test_liver_question_in_patient_mode_cites_nothing_from_livertox(client):
    body = chat(client, "Does luspatercept cause liver damage?").get_json()
    assert all(c["audience"] == "patient" and "LiverTox" not in c["source"] for c in body["citations"])
    assert "hepatotoxic" not in body["text"].lower() and "ALT" not in body["text"]
    # Only the clinical monograph covers liver injury: say so without showing it.
    assert body["kind"] == "no_answer" and "professional material" in body["text"]


@pytest.mark.parametrize(
    "payload, status, error",
    [
        ({"message": ""}, 422, "empty_message"),
        ({"message": "   "}, 422, "empty_message"),
        ({"message": 42}, 422, "invalid_message"),
        ({}, 422, "invalid_message"),
        ({"message": "hi\x00there"}, 422, "invalid_message"),
        ({"message": "x" * 5000}, 413, "message_too_long"),
        ({"message": "ok", "conversation_id": "../../etc"}, 422, "invalid_conversation_id"),
        ([1, 2], 422, "invalid_request"),
    ],
)
def test_bad_requests_get_clear_json_errors(client, payload, status, error):
    resp = client.post("/api/v1/chat", json=payload)
    assert resp.status_code == status
    assert resp.get_json()["error"] == error


def test_malformed_json_and_wrong_content_type(client):
    resp = client.post("/api/v1/chat", data="{not json", content_type="application/json")
    assert resp.status_code == 400 and resp.get_json()["error"] == "invalid_json"
    resp = client.post("/api/v1/chat", data="message=hi")
    assert resp.status_code == 415
    resp = client.post("/api/v1/chat", data=b"\xff\xfe{", content_type="application/json")
    assert resp.status_code == 400


def test_unknown_api_route_and_method_are_json(client):
    assert client.get("/api/v1/nope").get_json()["error"] == "not_found"
    resp = client.get("/api/v1/chat")
    assert resp.status_code == 405 and resp.is_json


def _csrf(client) -> str:
    import re

    page = client.get("/")
    return re.search(rb'name="csrf_token" value="([^"]+)"', page.data).group(1).decode()


def test_chat_page_form_post_works_without_javascript(client):
    token = _csrf(client)
    page = client.post("/", data={"message": "What is Reblozyl used for?", "csrf_token": token}, follow_redirects=True)
    assert page.status_code == 200
    assert b"Luspatercept-aamt" in page.data


def test_page_escapes_user_text(client):
    token = _csrf(client)
    page = client.post("/", data={"message": "<script>alert(1)</script>", "csrf_token": token}, follow_redirects=True)
    assert b"<script>alert(1)</script>" not in page.data
    assert b"&lt;script&gt;" in page.data
