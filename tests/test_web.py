"""Pages, embedding, nurse view, search API, feedback and the safety of what is shown (Flask test client)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from markupsafe import Markup
from werkzeug.security import generate_password_hash

from service import create_app
from service.config import TestConfig
from service.search.analyzer import Analyzer
from service.store.feedback import FeedbackRecord
from service.store.memory import MemoryFeedbackStore
from service.web.highlight import highlight, query_terms
from service.web.security import safe_url

PASSWORD = "correct horse battery staple"
TOKEN = "test-token-" + "x" * 20
PORTAL = "https://portal.example.org"


@pytest.fixture
def staff_app(seed_corpus: Path, tmp_path: Path):
    class Cfg(TestConfig):
        CORPUS_DIR = str(seed_corpus)
        INDEX_PATH = str(tmp_path / "index" / "seeds.npz")
        STAFF_ACCOUNTS = {"nina": generate_password_hash(PASSWORD)}
        STAFF_TOKEN_HASHES = hashlib.sha256(TOKEN.encode()).hexdigest()
        EMBED_ORIGINS = PORTAL

    return create_app(Cfg)


@pytest.fixture
def staff_client(staff_app):
    return staff_app.test_client()


def csrf(client, path: str = "/") -> str:
    page = client.get(path)
    return re.search(rb'name="csrf_token" value="([^"]+)"', page.data).group(1).decode()


def sign_in(client, username: str = "nina", password: str = PASSWORD):
    token = csrf(client, "/nurse/login")
    return client.post("/nurse/login", data={"username": username, "password": password, "csrf_token": token})


def ask(client, message: str):
    return client.post("/", data={"message": message, "csrf_token": csrf(client)}, follow_redirects=True)


# --- headers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/embed", "/nurse/login", "/widget.js", "/static/app.css", "/api/v1/nope"])
def test_every_response_has_a_strict_csp(client, path):
    csp = client.get(path).headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "style-src 'self';" in csp and "object-src 'none'" in csp
    assert "unsafe-inline" not in csp and "http" not in csp.replace("https://portal", "")


def test_pages_have_no_inline_script_or_style(staff_client):
    sign_in(staff_client)
    for path in ["/", "/embed", "/nurse", "/nurse?q=liver", "/nurse/login"]:
        html = staff_client.get(path).get_data(as_text=True)
        assert "style=" not in html, path
        for tag in re.findall(r"<script[^>]*>", html):
            assert "src=" in tag, (path, tag)
        assert not re.search(r"<script[^>]*>\s*[^<\s]", html), path


def test_embedding_is_refused_by_default_and_allowed_for_configured_origins(client, staff_client):
    assert client.get("/embed").headers["Content-Security-Policy"].endswith("frame-ancestors 'none'")
    assert client.get("/").headers["X-Frame-Options"] == "DENY"
    csp = staff_client.get("/embed").headers["Content-Security-Policy"]
    assert csp.endswith(f"frame-ancestors {PORTAL}")
    assert "X-Frame-Options" not in staff_client.get("/embed").headers
    # the chat page itself is never frameable, even with embedding configured
    assert staff_client.get("/").headers["Content-Security-Policy"].endswith("frame-ancestors 'none'")


def test_malformed_embed_origins_are_ignored(seed_corpus, tmp_path):
    app = create_app(
        {
            "CORPUS_DIR": str(seed_corpus),
            "INDEX_PATH": str(tmp_path / "i.npz"),
            "SECRET_KEY": "k",
            "EMBED_ORIGINS": "https://ok.example, *, javascript:alert(1), https://x.example/path",
        }
    )
    csp = app.test_client().get("/embed").headers["Content-Security-Policy"]
    assert csp.endswith("frame-ancestors https://ok.example")


# --- chat page ----------------------------------------------------------------------------------


def test_form_posts_need_the_csrf_token(client):
    assert client.post("/", data={"message": "What is Reblozyl used for?"}).status_code == 400
    assert client.post("/", data={"message": "hi", "csrf_token": "forged"}).status_code == 400
    assert client.post("/clear", data={}).status_code == 400
    assert client.post("/feedback", data={"turn": "0", "rating": "up"}).status_code == 400
    assert client.post("/nurse/login", data={"username": "a", "password": "b"}).status_code == 400


def test_chat_page_shows_cited_sentences_with_sources(client):
    html = ask(client, "What is Reblozyl used for?").get_data(as_text=True)
    # without JavaScript the number renders its source open: /?source=0-1#src-0-1
    assert 'href="/?source=0-1#src-0-1"' in html and 'id="src-0-1"' in html
    assert 'href="https://www.cancer.gov/about-cancer/treatment/drugs/luspatercept-aamt" target="_blank"' in html
    assert "Last reviewed</dt><dd>2025-12-30" in html
    assert 'aria-live="polite"' in html and '<label for="message">' in html.replace(' class="ask-label"', "")


def test_clear_conversation_forgets_the_transcript(client):
    assert "Reblozyl used for" in ask(client, "What is Reblozyl used for?").get_data(as_text=True)
    page = client.post("/clear", data={"csrf_token": csrf(client)}, follow_redirects=True)
    assert "Reblozyl used for" not in page.get_data(as_text=True)


def test_invalid_question_is_shown_as_an_error(client):
    page = client.post("/", data={"message": "   ", "csrf_token": csrf(client)})
    assert page.status_code == 422 and 'role="alert"' in page.get_data(as_text=True)


def test_patient_surfaces_never_return_clinician_material(client):
    # parameters a patient could add are ignored: the chat always answers from patient material
    for message in ("luspatercept liver injury hepatotoxicity", "What is luspatercept?"):
        body = client.post("/api/v1/chat", json={"message": message, "audience": "all"}).get_json()
        assert all(c["audience"] == "patient" for c in body["citations"])
        assert "LiverTox" not in str(body)
    assert body["citations"]
    html = client.post(
        "/?audience=all",
        data={"message": "luspatercept liver injury hepatotoxicity", "audience": "all", "csrf_token": csrf(client)},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "LiverTox" not in html
    assert client.get("/nurse", follow_redirects=False).status_code == 302
    assert client.get("/nurse?q=liver&audience=clinician").headers["Location"].startswith("/nurse/login")


# --- search API ---------------------------------------------------------------------------------


def search(client, token: str | None = None, **body):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post("/api/v1/search", json=body, headers=headers)


def test_search_without_token_returns_patient_material_only(staff_client):
    resp = search(staff_client, query="luspatercept liver")
    assert resp.status_code == 200
    results = resp.get_json()["results"]
    assert results and all(r["audience"] == "patient" for r in results)
    for audience in ("clinician", "all"):
        assert search(staff_client, query="liver", audience=audience).status_code == 401
        assert search(staff_client, "wrong-token", query="liver", audience=audience).status_code == 401


def test_search_with_token_reaches_clinician_material(staff_client):
    resp = search(staff_client, TOKEN, query="liver injury", audience="clinician", k=3)
    results = resp.get_json()["results"]
    assert resp.status_code == 200 and len(results) == 3
    assert all(r["audience"] == "clinician" and r["source"] == "LiverTox (NIDDK)" for r in results)
    assert [r["rank"] for r in results] == [1, 2, 3]
    assert results[0]["score"] >= results[-1]["score"]


@pytest.mark.parametrize(
    "body, error",
    [
        ({"query": "x", "audience": "everyone"}, "invalid_audience"),
        ({"query": "x", "k": 0}, "invalid_k"),
        ({"query": "x", "k": 500}, "invalid_k"),
        ({"query": "x", "k": True}, "invalid_k"),
        ({"query": ""}, "empty_message"),
    ],
)
def test_search_validates_its_body(staff_client, body, error):
    resp = search(staff_client, TOKEN, **body)
    assert resp.status_code == 422 and resp.get_json()["error"] == error


# --- nurse view ---------------------------------------------------------------------------------


def test_nurse_sign_in_checks_the_hashed_password(staff_client):
    assert sign_in(staff_client, password="wrong").status_code == 401
    assert sign_in(staff_client, username="nobody").status_code == 401
    assert staff_client.get("/nurse").status_code == 302
    resp = sign_in(staff_client)
    assert resp.status_code == 303 and resp.headers["Location"] == "/nurse"


def test_sign_in_redirects_only_to_the_nurse_view(staff_client):
    token = csrf(staff_client, "/nurse/login")
    for target, expected in [
        ("https://evil.example/", "/nurse"),
        ("//evil.example", "/nurse"),
        ("/nurse?q=x", "/nurse?q=x"),
    ]:
        staff_client.post("/nurse/logout", data={"csrf_token": token})
        token = csrf(staff_client, "/nurse/login")
        resp = staff_client.post(
            "/nurse/login", data={"username": "nina", "password": PASSWORD, "csrf_token": token, "next": target}
        )
        assert resp.headers["Location"] == expected
        token = csrf(staff_client, "/nurse")


def test_nurse_search_labels_audience_and_highlights(staff_client):
    sign_in(staff_client)
    html = staff_client.get("/nurse?q=liver+injury&audience=all").get_data(as_text=True)
    assert 'class="badge badge--clinician">Clinician' in html
    assert "LiverTox (NIDDK)" in html
    assert "<mark>liver</mark>" in html.lower()
    link = re.search(r'href="(/nurse/passage/[0-9a-f]+)\?q=', html).group(1)
    assert staff_client.get(link).status_code == 200
    assert staff_client.get("/nurse/passage/doesnotexist").status_code == 404


# --- feedback -----------------------------------------------------------------------------------


def test_form_feedback_is_stored_without_the_question_unless_shared(staff_app, staff_client):
    ask(staff_client, "What is Reblozyl used for?")
    token = csrf(staff_client)
    staff_client.post(
        "/feedback", data={"turn": "0", "rating": "down", "reason": "hard_to_understand", "csrf_token": token}
    )
    store = staff_app.extensions["feedback"]
    (record,) = store.recent()
    assert record["rating"] == "down" and record["question"] is None and record["reason"] == "hard_to_understand"
    # a second vote on the same answer is ignored
    staff_client.post("/feedback", data={"turn": "0", "rating": "up", "csrf_token": token})
    assert len(store.recent()) == 1
    ask(staff_client, "What is Reblozyl used for?")
    # the same answer again: counted once per answer and client (issue 13), so here from another address
    data = {"turn": "1", "rating": "up", "share": "1", "csrf_token": csrf(staff_client)}
    staff_client.post("/feedback", data=data, environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert store.recent()[0]["question"] == "What is Reblozyl used for?"  # newest first
    ask(staff_client, "What is Reblozyl used for?")
    staff_client.post("/feedback", data={"turn": "2", "rating": "up", "csrf_token": csrf(staff_client)})
    assert len(store.recent()) == 2  # the first client's second rating of the same answer is not counted
    first = record["passage_ids"][0]
    assert store.counts_by_passage()[first] == {"up": 1, "down": 1}
    sign_in(staff_client)
    assert "1 helpful, 1 not helpful" in staff_client.get(f"/nurse/passage/{first}").get_data(as_text=True)
    assert "<td>1</td><td>1</td>" in staff_client.get("/nurse/feedback").get_data(as_text=True)


def test_feedback_api(staff_app, staff_client):
    cited = staff_client.post("/api/v1/chat", json={"message": "What is Reblozyl used for?"}).get_json()["citations"]
    ids = [c["passage_id"] for c in cited]
    resp = staff_client.post("/api/v1/feedback", json={"rating": "up", "passage_ids": ids, "question": "secret"})
    assert resp.status_code == 201
    assert staff_app.extensions["feedback"].recent()[0]["question"] is None
    body = {"rating": "up", "passage_ids": ids[:1], "share_question": True, "question": "mine"}
    # another client (one rating per answer and client, issue 13)
    staff_client.post("/api/v1/feedback", json=body, environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert staff_app.extensions["feedback"].recent()[0]["question"] == "mine"
    assert staff_app.extensions["feedback"].counts_by_passage()[ids[0]] == {"up": 2, "down": 0}
    clinician_id = next(p.id for p in staff_app.extensions["index"].passages if p.audience == "clinician")
    for body, error in [
        ({"rating": "meh", "passage_ids": ids}, "invalid_rating"),
        ({"rating": "up", "passage_ids": []}, "invalid_passage_ids"),
        ({"rating": "up", "passage_ids": ["nope"]}, "unknown_passage"),
        ({"rating": "up", "passage_ids": [clinician_id]}, "unknown_passage"),
        ({"rating": "up", "passage_ids": ids, "reason": "rude"}, "invalid_reason"),
    ]:
        resp = staff_client.post("/api/v1/feedback", json=body)
        assert resp.status_code == 422 and resp.get_json()["error"] == error


def test_memory_feedback_store_is_bounded():
    store = MemoryFeedbackStore(retention_seconds=3600, cap=2)
    for rating in ("up", "down", "down"):
        store.add(FeedbackRecord(rating=rating, passage_ids=("p1", "p2")).to_dict())
    assert store.counts_by_passage() == {"p1": {"up": 0, "down": 2}, "p2": {"up": 0, "down": 2}}
    with pytest.raises(ValueError):
        FeedbackRecord(rating="sideways", passage_ids=("p1",))


# --- escaping and links -------------------------------------------------------------------------


def test_highlight_escapes_before_marking():
    analyzer = Analyzer()
    text = 'Liver <script>alert("x")</script> & livers <b>injury</b>'
    out = highlight(text, query_terms(analyzer, "liver injuries <script>"), analyzer)
    assert isinstance(out, Markup)
    assert "<script>" not in out and "<b>" not in out
    assert "<mark>Liver</mark>" in out and "<mark>livers</mark>" in out and "<mark>injury</mark>" in out
    assert "&lt;" in out and "&amp;" in out
    # the query's own markup cannot inject marks or tags
    assert str(highlight("plain", query_terms(analyzer, "<mark>plain</mark>"), analyzer)) == "<mark>plain</mark>"


@pytest.mark.parametrize(
    "url, ok",
    [
        ("https://www.cancer.gov/x", True),
        ("http://example.org", True),
        ("javascript:alert(1)", False),
        ("JAVASCRIPT:alert(1)", False),
        ("data:text/html,hi", False),
        ("/relative/path", False),
        ("//evil.example/x", False),
        (None, False),
    ],
)
def test_safe_url(url, ok):
    assert (safe_url(url) is not None) is ok


def test_unsafe_citation_urls_are_not_linked(client, app):
    from service.answer.response import Citation, Reply

    responder = app.extensions["responder"]

    def fake(message, conversation_id=None, audience="patient"):
        reply = Reply(kind="answer", text="t", conversation_id=conversation_id or "x" * 8)
        reply.citations.append(
            Citation(1, "p", "<b>T</b>", "javascript:alert(1)", "S", "NCI", None, "patient", "<i>s</i>")
        )
        return reply

    responder.respond = fake
    # The no-JavaScript transcript keeps passage ids; citation details come from the index when shown.
    from types import SimpleNamespace

    passage = SimpleNamespace(
        id="p", title="<b>T</b>", url="javascript:alert(1)", section="S", source="NCI", last_reviewed=None,
        audience="patient", text="<i>s</i>",
    )
    app.extensions["passages_by_id"] = (app.extensions["index"], {"p": passage})
    html = ask(client, "anything").get_data(as_text=True)
    assert "javascript:" not in html and "<b>T</b>" not in html and "&lt;b&gt;T&lt;/b&gt;" in html


# --- reply kinds and suggestions, rendered from the JSON shape (the composer lives on main) ---------


def canned(kind: str, suggestions: tuple[str, ...] = ()):
    from service.answer.response import Reply

    def respond(message, conversation_id=None, audience="patient"):
        assert audience == "patient"
        return Reply(
            kind=kind,
            text=f"canned {kind} reply",
            conversation_id=conversation_id or "c" * 16,
            disclaimer="Not medical advice.",
            suggestions=list(suggestions),
        )

    return respond


@pytest.mark.parametrize(
    "kind, number, box",
    [("urgent", "911", "callout--urgent"), ("crisis", "988", "callout--crisis")],
)
def test_urgent_and_crisis_replies_show_the_number_prominently(app, client, kind, number, box):
    app.extensions["responder"].respond = canned(kind)
    html = ask(client, "help").get_data(as_text=True)
    assert f"reply--{kind}" in html and box in html
    block = html[html.index(box) :]
    assert '<p class="callout-number">' in block and f'href="tel:{number}"' in block
    assert "canned " + kind + " reply" in html


def test_answer_kind_has_no_emergency_box(app, client):
    app.extensions["responder"].respond = canned("answer")
    html = ask(client, "help").get_data(as_text=True)
    assert "callout--" not in html


def test_suggestions_are_buttons_that_ask_without_javascript(app, client):
    app.extensions["responder"].respond = canned("answer", ("What are the side effects?", 'Say "<hi>"'))
    html = ask(client, "first").get_data(as_text=True)
    assert 'name="message" value="What are the side effects?">What are the side effects?</button>' in html
    assert 'value="Say &#34;&lt;hi&gt;&#34;"' in html
    page = client.post(
        "/", data={"message": "What are the side effects?", "csrf_token": csrf(client)}, follow_redirects=True
    )
    assert page.get_data(as_text=True).count('class="turn"') == 2


def test_embed_asks_only_through_its_script(client):
    # a plain form post from inside a frame would land on /, which may never be framed
    embed = client.get("/embed").get_data(as_text=True)
    assert re.search(r'<button[^>]*id="ask-button"[^>]*disabled', embed)
    assert not re.search(r'<button[^>]*id="ask-button"[^>]*disabled', client.get("/").get_data(as_text=True))


@pytest.mark.parametrize(
    "body, error",
    [
        ({"rating": "up", "passage_ids": ["x"], "reason": {"a": 1}}, "invalid_reason"),  # found by schemathesis
        ({"rating": ["up"], "passage_ids": ["x"]}, "invalid_rating"),
        ({"rating": "up", "passage_ids": "PATIENT", "kind": {"k": 1}}, "invalid_kind"),
    ],
)
def test_feedback_api_rejects_unhashable_values_with_422(app, client, body, error):
    if body["passage_ids"] == "PATIENT":
        patient_id = next(p.id for p in app.extensions["index"].passages if p.audience == "patient")
        body = {**body, "passage_ids": [patient_id]}
    resp = client.post("/api/v1/feedback", json=body)
    assert resp.status_code == 422 and resp.get_json()["error"] == error


def test_search_api_rejects_an_unhashable_audience(client):
    resp = client.post("/api/v1/search", json={"query": "fatigue", "audience": {"all": True}})
    assert resp.status_code == 422 and resp.get_json()["error"] == "invalid_audience"


# --- nurse view: the patient's answer, totals, notes, feedback records (issue 14) -------------------


def test_nurse_search_shows_the_patient_answer_and_forgets_its_conversation(staff_app, staff_client):
    sign_in(staff_client)
    html = staff_client.get("/nurse?q=What+is+Reblozyl+used+for%3F&audience=all").get_data(as_text=True)
    assert "The answer a patient would get" in html and 'class="source-passage"' in html
    assert "data-copy hidden" in html and "data-print hidden" in html  # shown by copy.js only
    # the nurse's one-off question leaves no conversation state behind
    conversations = staff_app.extensions["conversations"]
    assert not [k for k in getattr(conversations.inner, "_items", {}) if not k.startswith("page-")]


def test_failed_sign_in_keeps_the_username_only(staff_client):
    resp = sign_in(staff_client, password="wrong")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 401 and 'value="nina"' in html and "wrong" not in html


def test_feedback_csv_is_newest_first_and_safe_for_spreadsheets(staff_app, staff_client):
    cited = staff_client.post("/api/v1/chat", json={"message": "What is Reblozyl used for?"}).get_json()["citations"]
    ids = [c["passage_id"] for c in cited]
    store = staff_app.extensions["feedback"]
    # Two patients (two client addresses: one rating per answer and client is counted) rate the same answer.
    for question, address in (("=HYPERLINK(1)", "127.0.0.2"), ("second", "127.0.0.3")):
        body = {"rating": "down", "reason": "other", "passage_ids": ids, "share_question": True, "question": question}
        resp = staff_client.post("/api/v1/feedback", json=body, environ_base={"REMOTE_ADDR": address})
        assert resp.status_code == 201
    assert [r["question"] for r in store.recent()] == ["second", "=HYPERLINK(1)"]
    assert staff_client.get("/nurse/feedback.csv").status_code == 302  # staff only
    sign_in(staff_client)
    resp = staff_client.get("/nurse/feedback.csv")
    assert resp.mimetype == "text/csv" and "attachment" in resp.headers["Content-Disposition"]
    assert resp.headers["Cache-Control"] == "no-store"
    lines = resp.get_data(as_text=True).splitlines()
    assert lines[0] == "date_utc,rating,reason,kind,shared_question,passage_ids,passage_titles"
    assert ",down,Something else,answer,second," in lines[1]
    assert ",'=HYPERLINK(1)," in lines[2]
    html = staff_client.get("/nurse/feedback").get_data(as_text=True)
    assert html.index(">second<") < html.index(">=HYPERLINK(1)<") and "Something else" in html


def test_nurse_view_degrades_when_the_stores_are_down(staff_app, staff_client, monkeypatch):
    from service.store.base import StoreUnavailable

    def down(*args, **kwargs):
        raise StoreUnavailable("down")

    sign_in(staff_client)
    monkeypatch.setattr(staff_app.extensions["conversations"].inner, "delete", down)
    html = staff_client.get("/nurse?q=What+is+Reblozyl+used+for%3F").get_data(as_text=True)
    assert "The answer a patient would get" in html  # the one-off conversation could not be deleted: no matter
    monkeypatch.setattr(staff_app.extensions["feedback"], "recent", down)
    monkeypatch.setattr(staff_app.extensions["feedback"], "counts_by_passage", down)
    assert staff_client.get("/nurse/feedback").status_code == 503
    assert staff_client.get("/nurse/feedback.csv").status_code == 503


def test_a_rate_limited_page_says_so_in_plain_words(seed_corpus: Path, tmp_path: Path):
    class Cfg(TestConfig):
        CORPUS_DIR = str(seed_corpus)
        INDEX_PATH = str(tmp_path / "index" / "seeds.npz")
        RATE_LIMIT_ENABLED = True
        RATE_LIMIT_CHAT = "2/minute"

    client = create_app(Cfg).test_client()
    # The limit counts questions (the form's POST / and the API share it); reading the page is not limited.
    token = csrf(client)
    for _ in range(2):
        assert client.post("/", data={"message": "What is Reblozyl used for?", "csrf_token": token}).status_code == 303
    assert client.get("/").status_code == 200
    resp = client.post("/", data={"message": "What are its side effects?", "csrf_token": token})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 429 and resp.headers["Retry-After"]
    assert "You&#39;re sending questions quickly; please wait a few seconds" in html and "per 1 minute" not in html
    assert "What is Reblozyl used for?" in html  # the conversation is still shown (from the patient's cookie)
    for _ in range(3):
        api = client.post("/api/v1/chat", json={"message": "What is Reblozyl used for?"})
    assert api.status_code == 429 and api.get_json()["error"] == "too_many_requests"  # the API keeps its JSON
