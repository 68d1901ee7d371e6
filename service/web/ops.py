"""Operations endpoints: /healthz, /readyz, /metrics, /api/openapi.json; and conversation deletion."""

from __future__ import annotations

import ipaddress
import time
from calendar import timegm

from flask import Blueprint, Response, abort, current_app, jsonify, request

from ..store.base import StoreUnavailable
from . import metrics
from .api import ApiError, owned_conversation_id, validate_conversation_id
from .openapi import openapi_document

bp = Blueprint("ops", __name__)
conversations = Blueprint("conversations", __name__, url_prefix="/api/v1")


def ops_allowed() -> bool:
    """Operations detail (/metrics, /readyz detail) is for the machine itself or a holder of an ops token:
    a loopback client address (after TRUSTED_PROXIES: the real client, not the proxy), or
    Authorization: Bearer <token> whose SHA-256 is in OPS_TOKEN_HASHES."""
    from .middleware import tokens_match
    from .security import split_list, token_digest

    try:
        if current_app.config["OPS_ALLOW_LOOPBACK"] and ipaddress.ip_address(request.remote_addr or "").is_loopback:
            return True
    except ValueError:
        pass
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return False
    configured = [h.lower() for h in split_list(current_app.config.get("OPS_TOKEN_HASHES", ""))]
    return tokens_match(token_digest(token.strip()), configured)


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
        return jsonify(body if ops_allowed() else {"status": body["status"]}), 503
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
    if not ops_allowed():
        return jsonify({"status": body["status"]})  # the status for load balancers; no detail
    return jsonify(body)


@bp.get("/metrics")
def prometheus_metrics():
    if not ops_allowed():
        abort(403)
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
