"""POST /api/v1/search: ranked passages. Clinician material needs a staff bearer token."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify

from .api import ApiError, _json_body, validate_message
from .security import valid_bearer_token

bp = Blueprint("api_search", __name__, url_prefix="/api/v1")

MAX_K = 50


@bp.post("/search")
def search() -> Response:
    body = _json_body()
    query = validate_message(body.get("query"), current_app.config["MAX_MESSAGE_CHARS"])
    audience = body.get("audience", "patient")
    if not isinstance(audience, str) or audience not in ("patient", "clinician", "all"):
        raise ApiError(422, "invalid_audience", "'audience' must be 'patient', 'clinician' or 'all'.")
    k = body.get("k", 10)
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise ApiError(422, "invalid_k", f"'k' must be a whole number from 1 to {MAX_K}.")
    # The audience is decided here, from the token, never from the body alone: without a valid token
    # nothing but patient material can be returned.
    if audience != "patient" and not valid_bearer_token():
        raise ApiError(401, "unauthorized", "Clinician material needs a staff bearer token.")
    hits = current_app.extensions["index"].search(query, audience=audience, k=k)
    return jsonify(
        {
            "query": query,
            "audience": audience,
            "results": [
                {
                    "rank": rank,
                    "score": round(hit.score, 6),
                    "passage_id": hit.passage.id,
                    "audience": hit.passage.audience,
                    "title": hit.passage.title,
                    "section": hit.passage.section,
                    "source": hit.passage.source,
                    "url": hit.passage.url,
                    "last_reviewed": hit.passage.last_reviewed,
                    "text": hit.passage.text,
                }
                for rank, hit in enumerate(hits, start=1)
            ],
        }
    )
