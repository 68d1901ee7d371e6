"""Patient pages: the chat at /, the embeddable chat at /embed and the widget script.

The chat works as plain form posts without JavaScript (post, redirect, get); static/chat.js enhances the
same markup to use the JSON API. Patients only ever get patient material: nothing a page receives chooses
the audience.

What the no-JavaScript chat keeps (README "What is stored about patients"): the transcript shown (the
patient's questions and the replies) lives only in the patient's own session cookie (signed, HttpOnly, Secure
in production), never on the server. Each turn is kept compactly (the reply's sentences and the ids of the
passages it cited; the citation details are filled in from the index when the page is shown), and the oldest
turns drop off so that the cookie stays under browsers' 4 KB limit. The conversation state used for follow-up
questions (the topic's focus words, never message text) sits in the conversation store under "page." + a
random id from the same cookie, a key space the JSON API cannot address.
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import asdict
from pathlib import Path

import yaml
from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from werkzeug.exceptions import HTTPException

from ..answer.response import Citation, Related
from ..store.base import StoreUnavailable
from ..store.feedback import REASONS, FeedbackRecord
from .api import ApiError, validate_message
from .api_feedback import store_once
from .security import check_csrf, csp_header, embed_origins

bp = Blueprint("pages", __name__)

MAX_TURNS = 20  # turns shown on the no-JavaScript page at most; older ones drop off
COOKIE_BUDGET = 3800  # bytes of the whole session cookie (browsers drop cookies over 4096)
RATE_LIMITED = "You're sending questions quickly; please wait a few seconds and try again."  # as in chat.js
STARTER_QUESTIONS = Path(__file__).resolve().parents[1] / "data" / "starter_questions.yaml"


@functools.cache
def starter_questions() -> tuple[str, ...]:
    """The questions offered on the empty page (service/data/starter_questions.yaml)."""
    items = yaml.safe_load(STARTER_QUESTIONS.read_text(encoding="utf-8")) or []
    return tuple(str(item["question"]) for item in items)


def init_pages(app: Flask) -> None:
    """Nothing to set up: no-JavaScript transcripts live in the patient's session cookie (see _save_turns)."""


def _conversation_id() -> str:
    cid = session.get("cid")
    if not isinstance(cid, str) or len(cid) != 32:
        cid = uuid.uuid4().hex
        session["cid"] = cid
    return cid


def _state_key(cid: str) -> str:
    # The responder's conversation state for this page session. "." never passes the API's id check.
    return f"page.{cid}"


def _passages_by_id() -> dict:
    index = current_app.extensions["index"]
    cached = current_app.extensions.get("passages_by_id")
    if cached is None or cached[0] is not index:
        cached = (index, {p.id: p for p in index.passages if p.audience == "patient"})
        current_app.extensions["passages_by_id"] = cached
    return cached[1]


def _compact(question: str, reply: dict) -> dict:
    """One turn as kept in the cookie: no citation details (they come from the index when shown)."""
    return {
        "q": question,
        "k": reply["kind"],
        "t": reply["text"],
        "s": [[s["text"], s["citation"], bool(s.get("item"))] for s in reply["sentences"]],
        "c": [[c["n"], c["passage_id"]] for c in reply["citations"]],
        "r": [[r["passage_id"], r["reason"]] for r in reply.get("related", [])],
        "i": reply.get("intro", ""),
        "d": reply["disclaimer"],
        "g": list(reply["suggestions"]),
        "f": None,
    }


def _expand(turn: dict) -> dict:
    """A kept turn as the template wants it; raises (KeyError, TypeError, ValueError) when malformed."""
    passages = _passages_by_id()
    citations = [
        asdict(Citation.from_passage(int(n), passages[pid])) for n, pid in turn["c"] if pid in passages
    ]
    reply = {
        "kind": str(turn["k"]),
        "text": str(turn["t"]),
        "sentences": [{"text": str(t), "citation": int(n), "item": bool(item)} for t, n, item in turn["s"]],
        "citations": citations,
        "related": [asdict(Related.from_passage(passages[pid], str(reason)))
                    for pid, reason in turn.get("r", []) if pid in passages],
        "intro": str(turn.get("i", "")),
        "disclaimer": str(turn["d"]),
        "suggestions": [str(x) for x in turn["g"]],
    }
    return {"question": str(turn["q"]), "reply": reply, "feedback": turn.get("f")}


def _kept_turns() -> list[dict]:
    turns = session.get("turns")
    return turns if isinstance(turns, list) else []


def _turns() -> list[dict]:
    try:
        return [_expand(turn) for turn in _kept_turns()]
    except (KeyError, TypeError, ValueError, AttributeError):
        session.pop("turns", None)  # a transcript of the wrong shape is forgotten, never an error page
        return []


def _cookie_size() -> int:
    serializer = current_app.session_interface.get_signing_serializer(current_app)  # type: ignore[attr-defined]
    return len(serializer.dumps(dict(session))) if serializer else 0


def _save_turns(turns: list[dict]) -> None:
    session["turns"] = turns[-MAX_TURNS:]
    while len(session["turns"]) > 1 and _cookie_size() > COOKIE_BUDGET:
        session["turns"] = session["turns"][1:]


def _common() -> dict:
    cfg = current_app.config
    return {
        "emergency": cfg["EMERGENCY_NUMBER"],
        "crisis": cfg["CRISIS_LINE"],
        "max_chars": cfg["MAX_MESSAGE_CHARS"],
        "reasons": REASONS,
        "starters": starter_questions(),
        # Without JavaScript a citation number is a link to /?source=TURN-N#src-TURN-N: that source renders open.
        "open_source": request.args.get("source", ""),
    }


@bp.get("/")
def chat_page() -> str:
    return render_template("chat.html", turns=_turns(), question="", error=None, **_common())


@bp.post("/")
def ask() -> Response | tuple[str, int]:
    check_csrf()
    cid = _conversation_id()
    question = request.form.get("message", "")
    try:
        message = validate_message(question, current_app.config["MAX_MESSAGE_CHARS"])
    except ApiError as exc:
        page = render_template("chat.html", turns=_turns(), question=question, error=exc.message, **_common())
        return page, 422
    reply = current_app.extensions["responder"].respond(message, _state_key(cid)).to_dict()
    g.answer_kind = reply["kind"]  # for metrics and the access log, as on the API
    _turns()  # drops a malformed transcript
    turns = _kept_turns() + [_compact(message, reply)]
    _save_turns(turns)
    # Post/redirect/get: reloading the page does not ask again. The anchor brings the new answer's first line
    # to the top of the view.
    return redirect(url_for("pages.chat_page", _anchor=f"answer-{len(session['turns']) - 1}"), code=303)


@bp.errorhandler(429)
def too_many_requests(exc: HTTPException) -> tuple[str, int, list]:
    """A rate-limited page (no JavaScript) says so in plain words, with the conversation still shown."""
    page = render_template("chat.html", turns=_turns(), question="", error=RATE_LIMITED, **_common())
    headers = [(k, v) for k, v in exc.get_headers() if k.lower() == "retry-after"]
    return page, 429, headers


@bp.post("/clear")
def clear() -> Response:
    check_csrf()
    cid = session.pop("cid", None)
    session.pop("turns", None)
    if isinstance(cid, str):
        try:
            current_app.extensions["responder"].forget(_state_key(cid))
        except StoreUnavailable:
            pass  # the state expires after CONVERSATION_TTL_SECONDS; the transcript is gone with the cookie
    return redirect(url_for("pages.chat_page"), code=303)


@bp.post("/feedback")
def feedback() -> Response:
    """No-JavaScript feedback: the passages come from the patient's own transcript, not from the form."""
    check_csrf()
    turns = _turns()
    try:
        i = int(request.form.get("turn", ""))
        if i < 0:
            raise IndexError(i)
        turn = turns[i]
    except (ValueError, IndexError):
        return redirect(url_for("pages.chat_page"), code=303)
    reason = request.form.get("reason", "")
    rating = request.form.get("rating", "")
    share = request.form.get("share") == "1"
    reply = turn["reply"]
    if rating in ("up", "down") and reason in REASONS and not turn.get("feedback") and reply["citations"]:
        passage_ids = tuple(c["passage_id"] for c in reply["citations"])
        record = FeedbackRecord(
            rating=rating,
            reason=reason,
            kind=reply["kind"],
            passage_ids=passage_ids,
            question=turn["question"] if share else None,
        )
        try:
            # Once per answer and client: a replayed cookie (whose turn still shows no rating) adds nothing.
            store_once(record)
            kept = _kept_turns()
            kept[i]["f"] = rating
            _save_turns(kept)
        except StoreUnavailable:
            pass  # the thumbs stay active, so the patient can try again later
    return redirect(url_for("pages.chat_page", _anchor=f"turn-{i}"), code=303)


@bp.get("/embed")
def embed() -> Response:
    origins = embed_origins()
    resp = make_response(
        render_template("embed.html", turns=[], question="", error=None, allowed_origins=origins, **_common())
    )
    # Only configured portals may frame the chat; with none configured, nobody may.
    resp.headers["Content-Security-Policy"] = csp_header(origins)
    return resp


@bp.get("/widget.js")
def widget_js() -> Response:
    resp = send_from_directory(current_app.static_folder, "widget.js", mimetype="text/javascript", max_age=300)
    # Portals on other origins load this script; it carries no user data.
    resp.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return resp
