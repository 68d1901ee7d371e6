"""Patient pages: the chat at /, the embeddable chat at /embed and the widget script.

The chat works as plain form posts without JavaScript (post, redirect, get); static/chat.js enhances the
same markup to use the JSON API. The shown conversation is kept on the server for the session, keyed by a
random id in the signed session cookie, and expires like conversation state. Patients only ever get
patient material: nothing a page receives chooses the audience.
"""

from __future__ import annotations

import functools
import uuid
from pathlib import Path

import yaml
from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from werkzeug.exceptions import HTTPException

from ..store.base import ConversationStore, StoreUnavailable
from ..store.feedback import REASONS, FeedbackRecord
from .api import ApiError, validate_message
from .security import check_csrf, csp_header, embed_origins

bp = Blueprint("pages", __name__)

MAX_TURNS = 20  # turns shown on the no-JavaScript page; older ones drop off
RATE_LIMITED = "You're sending questions quickly; please wait a few seconds and try again."  # as in chat.js
STARTER_QUESTIONS = Path(__file__).resolve().parents[1] / "data" / "starter_questions.yaml"


@functools.cache
def starter_questions() -> tuple[str, ...]:
    """The questions offered on the empty page (service/data/starter_questions.yaml)."""
    items = yaml.safe_load(STARTER_QUESTIONS.read_text(encoding="utf-8")) or []
    return tuple(str(item["question"]) for item in items)


def init_pages(app: Flask) -> None:
    """Nothing to set up: no-JavaScript transcripts live in the shared conversation store (see _transcripts)."""


def _conversation_id() -> str:
    cid = session.get("cid")
    if not cid:
        cid = uuid.uuid4().hex
        session["cid"] = cid
    return cid


def _transcripts() -> ConversationStore:
    # The same store as conversation state (memory, or Redis shared by every worker), so a form-post
    # conversation survives being served by another worker, and expires and is deleted the same way.
    return current_app.extensions["conversations"]


def _transcript_key(cid: str) -> str:
    return f"page-{cid}"


def _turns(cid: str) -> list[dict]:
    state = _transcripts().get(_transcript_key(cid)) or {}
    return state.get("turns", [])


def _save_turns(cid: str, turns: list[dict]) -> None:
    _transcripts().put(
        _transcript_key(cid), {"turns": turns[-MAX_TURNS:]}, current_app.config["CONVERSATION_TTL_SECONDS"]
    )


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
    cid = _conversation_id()
    return render_template("chat.html", turns=_turns(cid), question="", error=None, conversation_id=cid, **_common())


@bp.post("/")
def ask() -> Response | tuple[str, int]:
    check_csrf()
    cid = _conversation_id()
    question = request.form.get("message", "")
    try:
        message = validate_message(question, current_app.config["MAX_MESSAGE_CHARS"])
    except ApiError as exc:
        page = render_template(
            "chat.html", turns=_turns(cid), question=question, error=exc.message, conversation_id=cid, **_common()
        )
        return page, 422
    reply = current_app.extensions["responder"].respond(message, cid).to_dict()
    turns = _turns(cid)
    turns.append({"question": message, "reply": reply, "feedback": None})
    _save_turns(cid, turns)
    # Post/redirect/get: reloading the page does not ask again. The anchor brings the new answer's first line
    # to the top of the view.
    return redirect(url_for("pages.chat_page", _anchor=f"answer-{len(turns[-MAX_TURNS:]) - 1}"), code=303)


@bp.errorhandler(429)
def too_many_requests(exc: HTTPException) -> tuple[str, int, list]:
    """A rate-limited page (no JavaScript) says so in plain words, with the conversation still shown."""
    cid = _conversation_id()
    page = render_template(
        "chat.html", turns=_turns(cid), question="", error=RATE_LIMITED, conversation_id=cid, **_common()
    )
    headers = [(k, v) for k, v in exc.get_headers() if k.lower() == "retry-after"]
    return page, 429, headers


@bp.post("/clear")
def clear() -> Response:
    check_csrf()
    cid = session.pop("cid", None)
    if cid:
        _transcripts().delete(_transcript_key(cid))
        current_app.extensions["responder"].forget(cid)
    return redirect(url_for("pages.chat_page"), code=303)


@bp.post("/feedback")
def feedback() -> Response:
    """No-JavaScript feedback: the passages come from the server's own transcript, not from the form."""
    check_csrf()
    cid = _conversation_id()
    turns = _turns(cid)
    try:
        i = int(request.form.get("turn", ""))
        turn = turns[i]
    except (ValueError, IndexError):
        return redirect(url_for("pages.chat_page"), code=303)
    reason = request.form.get("reason", "")
    rating = request.form.get("rating", "")
    share = request.form.get("share") == "1"
    if rating in ("up", "down") and reason in REASONS and not turn.get("feedback"):
        reply = turn["reply"]
        record = FeedbackRecord(
            rating=rating,
            reason=reason,
            kind=reply["kind"],
            passage_ids=tuple(c["passage_id"] for c in reply["citations"]),
            question=turn["question"] if share else None,
        )
        try:
            current_app.extensions["feedback"].add(record.to_dict())
            turn["feedback"] = rating
            _save_turns(cid, turns)
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
