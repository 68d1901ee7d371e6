"""Nurse view: staff sign in, then search patient and clinician material, with feedback counts.

A search also shows the composed, cited answer a patient would get for the same words (the patient
responder, as the chat API calls it), to copy or print and hand over.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, session, url_for

from ..search.index import SearchIndex
from ..store.base import StoreUnavailable
from ..store.feedback import REASONS
from .highlight import WORD, highlight, query_terms
from .security import check_csrf, check_staff_password, safe_url

bp = Blueprint("nurse", __name__, url_prefix="/nurse")

AUDIENCES = {"all": "Patient and clinician", "clinician": "Clinician only", "patient": "Patient only"}
SHOWN = 20  # passages listed per search
FEEDBACK_ROWS = 500  # feedback records listed (and exported) at most


def staff_required(view: Callable) -> Callable:
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not session.get("staff"):
            return redirect(url_for("nurse.login", next=request.full_path if request.query_string else request.path))
        return view(*args, **kwargs)

    return wrapped


def _local_next(target: str | None) -> str:
    # Only a path on this site, so sign-in cannot be used to bounce to another site.
    if target and target.startswith("/nurse") and not target.startswith("//"):
        return target
    return url_for("nurse.search")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | tuple[str, int]:
    error = None
    username = ""
    if request.method == "POST":
        check_csrf()
        username = request.form.get("username", "").strip()
        password = request.form.get("password", "")
        if username and check_staff_password(username, password):
            session.clear()  # a fresh session on sign-in (and a fresh CSRF token)
            session["staff"] = username
            current_app.logger.info("staff sign-in")
            return redirect(_local_next(request.form.get("next")), code=303)
        error = "The username or password is not right."
    # After a failed sign-in the username stays filled in (never the password).
    return render_template("nurse_login.html", error=error, next=request.values.get("next", ""), username=username), (
        401 if error else 200
    )


@bp.post("/logout")
def logout() -> Response:
    check_csrf()
    session.clear()
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
