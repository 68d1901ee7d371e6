"""POST /api/v1/feedback: a patient's thumbs up or down on an answer (used by the chat's JavaScript).

The question is kept only when share_question is true; passage ids must be patient passages of the index.
No cookie is involved, and JSON bodies cannot be sent cross-site without a CORS preflight, which this
service never grants, so no CSRF token is needed here.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

from flask import Blueprint, Response, current_app, jsonify, request

from ..store.base import StoreUnavailable
from ..store.feedback import KINDS_OK, REASONS, FeedbackRecord
from .api import ApiError, _json_body, validate_message

bp = Blueprint("api_feedback", __name__, url_prefix="/api/v1")

DEDUPE_SECONDS = 24 * 3600  # a client's second rating of the same answer within a day is not counted


def rating_key(passage_ids: Iterable[str]) -> str:
    """A keyed digest of (client address, the answer's cited passages): no address is stored in clear."""
    key = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    what = "|".join([request.remote_addr or "", *sorted(set(passage_ids))]).encode("utf-8")
    return "fb-seen:" + hmac.new(key, what, hashlib.sha256).hexdigest()[:32]


def first_rating(passage_ids: Iterable[str]) -> bool:
    """True the first time this client rates this answer (its cited passages) within DEDUPE_SECONDS."""
    return current_app.extensions["counters"].add_once(rating_key(passage_ids), DEDUPE_SECONDS)


def store_once(record: FeedbackRecord) -> bool:
    """Keep the record unless this client already rated this answer. Raises StoreUnavailable (and forgets
    the marker, so that a retry counts) when the feedback store is down."""
    if not first_rating(record.passage_ids):
        return False
    try:
        current_app.extensions["feedback"].add(record.to_dict())
    except StoreUnavailable:
        current_app.extensions["counters"].delete(rating_key(record.passage_ids))
        raise
    return True


def patient_passage_ids() -> frozenset[str]:
    ids = current_app.extensions.get("patient_passage_ids")
    if ids is None:
        index = current_app.extensions["index"]
        ids = frozenset(p.id for p in index.passages if p.audience == "patient")
        current_app.extensions["patient_passage_ids"] = ids
    return ids


@bp.post("/feedback")
def feedback() -> tuple[Response, int]:
    body = _json_body()
    rating = body.get("rating")
    if not isinstance(rating, str) or rating not in ("up", "down"):
        raise ApiError(422, "invalid_rating", "'rating' must be 'up' or 'down'.")
    reason = body.get("reason") or ""
    if not isinstance(reason, str) or reason not in REASONS:
        raise ApiError(422, "invalid_reason", "'reason' must be one of: " + ", ".join(k for k in REASONS if k))
    ids = body.get("passage_ids")
    if not isinstance(ids, list) or not 1 <= len(ids) <= 10 or not all(isinstance(i, str) for i in ids):
        raise ApiError(422, "invalid_passage_ids", "'passage_ids' must be a list of 1 to 10 passage ids.")
    known = patient_passage_ids()
    if not all(i in known for i in ids):
        raise ApiError(422, "unknown_passage", "'passage_ids' names a passage the chat cannot have shown.")
    kind = body.get("kind", "answer")
    if not isinstance(kind, str) or kind not in KINDS_OK:
        raise ApiError(422, "invalid_kind", "'kind' is not a reply kind.")
    question = None
    if body.get("share_question") is True:
        question = validate_message(body.get("question"), current_app.config["MAX_MESSAGE_CHARS"])
    record = FeedbackRecord(
        rating=rating, reason=reason, kind=kind, passage_ids=tuple(dict.fromkeys(ids)), question=question
    )
    try:
        counted = store_once(record)
    except StoreUnavailable:
        raise ApiError(503, "store_unavailable", "Feedback could not be saved now; please try again later.") from None
    if not counted:
        return jsonify({"ok": True, "counted": False}), 200
    return jsonify({"ok": True}), 201
