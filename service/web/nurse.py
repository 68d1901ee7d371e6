"""Nurse view: staff sign in, then search patient and clinician material, with feedback counts.

A search also shows the composed, cited answer a patient would get for the same words (the patient
responder, as the chat API calls it), to copy or print and hand over.
"""

from __future__ import annotations

import csv
import io
import secrets
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, session, url_for

from ..search.index import SearchIndex
from ..store.base import StoreUnavailable
from ..store.feedback import REASONS
from . import metrics, throttle
from .highlight import WORD, highlight, query_terms
from .security import check_csrf, check_staff_password, safe_url

bp = Blueprint("nurse", __name__, url_prefix="/nurse")

AUDIENCES = {"all": "Patient and clinician", "clinician": "Clinician only", "patient": "Patient only"}
SHOWN = 20  # passages listed per search
FEEDBACK_ROWS = 500  # feedback records listed (and exported) at most


def _staff_sessions():
    return current_app.extensions["staff_sessions"]


def start_staff_session(username: str) -> None:
    """A server-side session record (idle expiry in the store) and its random id in the signed cookie."""
    session.clear()  # a fresh session on sign-in (and a fresh CSRF token)
    sid = secrets.token_urlsafe(32)
    now = time.time()
    record = {"user": username, "created": now, "seen": now}
    _staff_sessions().put(sid, record, current_app.config["STAFF_IDLE_SECONDS"])
    session["staff"] = username
    session["staff_sid"] = sid


def current_staff() -> str | None:
    """The signed-in user, or None: the cookie's session id must name a live server-side record of the same
    user, within the idle timeout and the absolute lifetime. Each use restarts the idle timeout."""
    sid, user = session.get("staff_sid"), session.get("staff")
    if not isinstance(sid, str) or not isinstance(user, str):
        return None
    cfg = current_app.config
    try:
        record = _staff_sessions().get(sid)
    except StoreUnavailable:
        return None  # fail closed: sign in again once the store is back
    now = time.time()
    if (
        not isinstance(record, dict)
        or record.get("user") != user
        or not isinstance(record.get("created"), (int, float))
        or not isinstance(record.get("seen"), (int, float))
        or now - record["created"] > cfg["STAFF_SESSION_MAX_SECONDS"]
        or now - record["seen"] > cfg["STAFF_IDLE_SECONDS"]
    ):
        end_staff_session()
        return None
    if now - record["seen"] > 10:  # restart the idle timeout, without a write on every request
        record["seen"] = now
        try:
            _staff_sessions().put(sid, record, cfg["STAFF_IDLE_SECONDS"])
        except StoreUnavailable:
            pass
    return user


def end_staff_session() -> None:
    sid = session.get("staff_sid")
    if isinstance(sid, str):
        try:
            _staff_sessions().delete(sid)
        except StoreUnavailable:
            current_app.logger.warning("staff session record could not be deleted; it expires when idle")
    session.clear()


def staff_required(view: Callable) -> Callable:
    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_staff() is None:
            return redirect(url_for("nurse.login", next=request.full_path if request.query_string else request.path))
        return view(*args, **kwargs)

    return wrapped


def _local_next(target: str | None) -> str:
    # Only a path on this site, so sign-in cannot be used to bounce to another site.
    if target and target.startswith("/nurse") and not target.startswith("//"):
        return target
    return url_for("nurse.search")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | tuple[str, int, dict]:
    error, status, headers = None, 200, {}
    username = ""
    if request.method == "POST":
        check_csrf()
        username = request.form.get("username", "").strip()[:200]
        password = request.form.get("password", "")[:1024]
        client = request.remote_addr or ""
        wait = throttle.retry_after(username, client)
        if wait:
            # Refused before hashing: a flood of guesses costs no scrypt time.
            metrics.SIGNINS.labels("throttled").inc()
            minutes = max(1, (wait + 59) // 60)
            error = f"Too many attempts. Please try again in {minutes} minute{'s' if minutes > 1 else ''}."
            status, headers = 429, {"Retry-After": str(wait)}
        else:
            with throttle.hash_slot() as held:
                ok = held and bool(username) and check_staff_password(username, password)
            if not held:
                metrics.SIGNINS.labels("busy").inc()
                error, status, headers = "Sign-in is busy. Please try again in a moment.", 503, {"Retry-After": "1"}
            elif ok:
                throttle.record_success(username, client)
                start_staff_session(username)
                metrics.SIGNINS.labels("ok").inc()
                current_app.logger.info("staff sign-in")
                return redirect(_local_next(request.form.get("next")), code=303)
            else:
                throttle.record_failure(username, client)
                metrics.SIGNINS.labels("failed").inc()
                error, status = "The username or password is not right.", 401
    # After a failed (or refused) sign-in the username stays filled in (never the password).
    page = render_template("nurse_login.html", error=error, next=request.values.get("next", ""), username=username)
    return page, status, headers


@bp.post("/logout")
def logout() -> Response:
    check_csrf()
    end_staff_session()  # the server-side record goes: a copied cookie stops working too
    return redirect(url_for("nurse.login"), code=303)


@bp.get("")
@staff_required
def search() -> str:
    query = request.args.get("q", "").strip()[: current_app.config["MAX_MESSAGE_CHARS"]]
    audience = request.args.get("audience", "all")
    if audience not in AUDIENCES:
        audience = "all"
    results = []
    summary: dict = {}
    reply = None
    if query:
        index = current_app.extensions["index"]
        terms = query_terms(index.analyzer, query)
        counts = current_app.extensions["feedback"].counts_by_passage()
        for rank, hit in enumerate(index.search(query, audience=audience, k=SHOWN), start=1):
            p = hit.passage
            results.append(
                {
                    "rank": rank,
                    "score": hit.score,
                    "passage": p,
                    "url": safe_url(p.url),
                    "html": highlight(p.text, terms, index.analyzer),
                    "feedback": counts.get(p.id, {"up": 0, "down": 0}),
                }
            )
        summary = match_summary(index, query, audience, results)
        reply = patient_answer(query)
    return render_template(
        "nurse.html",
        query=query,
        audience=audience,
        audiences=AUDIENCES,
        results=results,
        summary=summary,
        reply=reply,
        staff=session["staff"],
    )


def patient_answer(query: str) -> dict:
    """The reply the patient chat would give to these words (patient audience), as the chat API makes it.
    The one-off conversation it starts is forgotten at once."""
    responder = current_app.extensions["responder"]
    reply = responder.respond(query, None, audience="patient")
    try:
        responder.forget(reply.conversation_id)
    except StoreUnavailable:
        pass  # the store is down: its state was not saved either, or expires with CONVERSATION_TTL_SECONDS
    data = reply.to_dict()
    for c in data["citations"]:
        c["safe_url"] = safe_url(c.get("url"))
    return data


def match_summary(index: SearchIndex, query: str, audience: str, results: list[dict]) -> dict:
    """The total number of matching passages (not the number shown), the audience mix of the matches and of
    the shown results, and the query words that match nothing in clinician (or patient) material."""
    scores, columns = index.scores(query, audience)
    matched = [int(columns[c]) for c in (scores > 0).nonzero()[0]]
    mix = Counter(index.passages[i].audience for i in matched)
    shown = Counter(r["passage"].audience for r in results)
    checked = ["clinician", "patient"] if audience == "all" else [audience]
    missing: dict[str, list[str]] = {a: [] for a in checked}
    seen: set[str] = set()
    for m in WORD.finditer(query):
        word = m.group(0)
        tokens = [t for t in index.analyzer.tokens(word) if t in index.vocab]
        key = " ".join(sorted(set(index.analyzer.tokens(word))))
        if not key or key in seen:
            continue  # a stopword, or the same term again
        seen.add(key)
        for a in checked:
            if not tokens or not (index.scores(dict.fromkeys(tokens, 1.0), a)[0] > 0).any():
                missing[a].append(word)
    return {
        "total": len(matched),
        "mix": {"patient": mix.get("patient", 0), "clinician": mix.get("clinician", 0)},
        "shown": {"patient": shown.get("patient", 0), "clinician": shown.get("clinician", 0)},
        "missing": missing,
    }


@bp.get("/passage/<passage_id>")
@staff_required
def passage(passage_id: str) -> str:
    index = current_app.extensions["index"]
    found = next((p for p in index.passages if p.id == passage_id), None)
    if found is None:
        abort(404)
    query = request.args.get("q", "")[: current_app.config["MAX_MESSAGE_CHARS"]]
    terms = query_terms(index.analyzer, query) if query else set()
    counts = current_app.extensions["feedback"].counts_by_passage().get(found.id, {"up": 0, "down": 0})
    return render_template(
        "nurse_passage.html",
        p=found,
        url=safe_url(found.url),
        html=highlight(found.text, terms, index.analyzer),
        query=query,
        feedback=counts,
        staff=session["staff"],
    )


@bp.get("/feedback")
@staff_required
def feedback() -> str:
    index = current_app.extensions["index"]
    by_id = {p.id: p for p in index.passages}
    try:
        counts = current_app.extensions["feedback"].counts_by_passage()
        records = feedback_records(by_id)
    except StoreUnavailable:
        abort(503, description="Feedback cannot be read right now; please try again in a moment.")
    rows = sorted(
        ({"passage": by_id.get(pid), "id": pid, **c} for pid, c in counts.items()),
        key=lambda r: (-(r["up"] + r["down"]), r["id"]),
    )
    return render_template("nurse_feedback.html", rows=rows, records=records, staff=session["staff"])


def feedback_records(by_id: dict) -> list[dict]:
    """Feedback records within the retention period, newest first, with reason labels, dates and passages."""
    out = []
    for r in current_app.extensions["feedback"].recent(FEEDBACK_ROWS):
        when = r.get("created_at") or r.get("at") or 0
        out.append(
            {
                "at": float(when),
                "date": datetime.fromtimestamp(float(when), UTC).strftime("%Y-%m-%d %H:%M UTC"),
                "rating": r.get("rating", ""),
                "reason": r.get("reason", ""),
                "reason_label": REASONS.get(r.get("reason", ""), r.get("reason", "")),
                "kind": r.get("kind", ""),
                "question": r.get("question"),  # present only when the patient chose to share it
                "passages": [{"id": pid, "passage": by_id.get(pid)} for pid in r.get("passage_ids") or ()],
            }
        )
    out.sort(key=lambda rec: -rec["at"])
    return out


def _cell(value: str) -> str:
    # A spreadsheet would run a cell that starts with one of these as a formula.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@bp.get("/feedback.csv")
@staff_required
def feedback_csv() -> Response:
    index = current_app.extensions["index"]
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["date_utc", "rating", "reason", "kind", "shared_question", "passage_ids", "passage_titles"])
    try:
        records = feedback_records({p.id: p for p in index.passages})
    except StoreUnavailable:
        abort(503, description="Feedback cannot be read right now; please try again in a moment.")
    for r in records:
        writer.writerow(
            [
                _cell(value)
                for value in (
                    r["date"],
                    r["rating"],
                    r["reason_label"],
                    r["kind"],
                    r["question"] or "",
                    " ".join(p["id"] for p in r["passages"]),
                    " | ".join(p["passage"].title if p["passage"] else p["id"] for p in r["passages"]),
                )
            ]
        )
    resp = Response(buf.getvalue(), mimetype="text/csv")
    resp.headers["Content-Disposition"] = "attachment; filename=feedback.csv"
    resp.headers["Cache-Control"] = "no-store"  # shared questions are patient text
    return resp
