"""Nurse view: staff sign in, then search patient and clinician material, with feedback counts."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, session, url_for

from .highlight import highlight, query_terms
from .security import check_csrf, check_staff_password, safe_url

bp = Blueprint("nurse", __name__, url_prefix="/nurse")

AUDIENCES = {"all": "Patient and clinician", "clinician": "Clinician only", "patient": "Patient only"}


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
    return render_template("nurse_login.html", error=error, next=request.values.get("next", "")), (
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
    if query:
        index = current_app.extensions["index"]
        terms = query_terms(index.analyzer, query)
        counts = current_app.extensions["feedback"].counts_by_passage()
        for rank, hit in enumerate(index.search(query, audience=audience, k=20), start=1):
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
    return render_template(
        "nurse.html", query=query, audience=audience, audiences=AUDIENCES, results=results, staff=session["staff"]
    )


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
    counts = current_app.extensions["feedback"].counts_by_passage()
    rows = sorted(
        ({"passage": by_id.get(pid), "id": pid, **c} for pid, c in counts.items()),
        key=lambda r: (-(r["up"] + r["down"]), r["id"]),
    )
    return render_template("nurse_feedback.html", rows=rows, staff=session["staff"])
