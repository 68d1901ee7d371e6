"""Operations endpoints: /healthz, /readyz, /metrics, /api/openapi.json; and conversation deletion."""

from __future__ import annotations

import time
from calendar import timegm

from flask import Blueprint, Response, current_app, jsonify

from ..store.base import StoreUnavailable
from . import metrics
from .api import ApiError, owned_conversation_id, validate_conversation_id
from .openapi import openapi_document

bp = Blueprint("ops", __name__)
conversations = Blueprint("conversations", __name__, url_prefix="/api/v1")


@bp.get("/healthz")
def healthz():
    """The process is up and answering HTTP (liveness)."""
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz():
    """Ready to answer: index loaded; store reachable (a store outage only degrades, so it stays 200)."""
    index = current_app.extensions.get("index")
    store = current_app.extensions.get("conversations")
    store_ok = bool(store.ping()) if store is not None else False
    body: dict = {"status": "ready", "store": {"backend": current_app.extensions.get("store_backend"), "ok": store_ok}}
    if index is None:
        body["status"] = "not_ready"
        body["index"] = {"loaded": False}
        return jsonify(body), 503
    built_at = index.manifest.get("built_at")
    age = None
    if built_at:
        age = int(time.time() - timegm(time.strptime(built_at, "%Y-%m-%dT%H:%M:%SZ")))
    reloader = current_app.extensions.get("index_reloader")
    body["index"] = {
        "loaded": True,
        "fingerprint": index.fingerprint,
        "built_at": built_at,
        "age_seconds": age,
        "passages": len(index.passages),
        "reloads": reloader.reloads if reloader else 0,
        "last_reload_error": reloader.last_error if reloader else None,
    }
    if not store_ok:
        body["status"] = "degraded"  # answers work; follow-up questions lose their context
    return jsonify(body)


@bp.get("/metrics")
def prometheus_metrics():
    payload, content_type = metrics.render()
    return Response(payload, content_type=content_type)


@bp.get("/api/openapi.json")
def openapi():
    return jsonify(openapi_document(current_app))


@conversations.delete("/conversations/<conversation_id>")
def delete_conversation(conversation_id: str):
    """Forget a conversation now (it would otherwise expire after CONVERSATION_TTL_SECONDS idle)."""
    validate_conversation_id(conversation_id)
    if owned_conversation_id(conversation_id) is None:
        raise ApiError(404, "unknown_conversation", "No conversation with this id was issued by this service.")
    try:
        current_app.extensions["conversations"].delete(conversation_id)
    except StoreUnavailable:
        raise ApiError(503, "store_unavailable", "The conversation could not be deleted now; try again.") from None
    return "", 204
