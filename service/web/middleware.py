"""Per-request plumbing: request ids, structured JSON logs, security headers, CORS, metrics, rate limits."""

from __future__ import annotations

import hmac
import json
import logging
import re
import sys
import time
import uuid

from flask import Flask, Response, current_app, g, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from ..config import parse_list
from . import metrics

access_log = logging.getLogger("service.access")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# Which view functions get which rate limit setting (per client address). Endpoints of one scope share one
# counter: a question costs the same whether asked through the API or the no-JavaScript form.
RATE_LIMITED_ENDPOINTS = {
    "api.chat": ("RATE_LIMIT_CHAT", "chat"),
    "pages.ask": ("RATE_LIMIT_CHAT", "chat"),
    "api_search.search": ("RATE_LIMIT_SEARCH", "search"),
    "api_feedback.feedback": ("RATE_LIMIT_WRITE", "write"),
    "pages.feedback": ("RATE_LIMIT_WRITE", "write"),
    "pages.clear": ("RATE_LIMIT_WRITE", "write"),
    "conversations.delete_conversation": ("RATE_LIMIT_WRITE", "write"),
    "nurse.login": ("RATE_LIMIT_LOGIN", "login"),
}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: what log collectors parse without rules."""

    def format(self, record: logging.LogRecord) -> str:
        out = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        fields = getattr(record, "fields", None)
        if fields:
            out.update(fields)
        else:
            out["message"] = record.getMessage()
        if record.exc_info:
            out["error"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


def configure_logging() -> None:
    """JSON lines on stderr for the service's loggers (once per process)."""
    root = logging.getLogger("service")
    if any(getattr(h, "_cqa_json", False) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler._cqa_json = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    root.propagate = False


def tokens_match(presented: str | None, tokens: list[str]) -> bool:
    """Staff bearer-token check in constant time (every configured token is compared, no early exit)."""
    if not presented:
        return False
    found = False
    for token in tokens:
        found |= hmac.compare_digest(presented.encode("utf-8", "replace"), token.encode("utf-8"))
    return found


def install_limiter(app: Flask) -> Limiter:
    storage = app.config.get("REDIS_URL") or "memory://"
    options = {}
    if storage.startswith(("redis", "rediss", "unix")):
        timeout = app.config["STORE_TIMEOUT_SECONDS"]
        options = {"socket_timeout": timeout, "socket_connect_timeout": timeout}
    limiter = Limiter(
        get_remote_address,  # the client address; with TRUSTED_PROXIES, ProxyFix has already resolved it
        app=app,
        storage_uri=storage,
        storage_options=options,
        strategy="fixed-window",
        key_prefix="cqa",
        headers_enabled=True,
        swallow_errors=True,  # a limiter outage must not turn into failed answers
        in_memory_fallback_enabled=True,
        enabled=app.config["RATE_LIMIT_ENABLED"],
    )
    shared = {
        scope: limiter.shared_limit(app.config[key], scope=scope) for key, scope in RATE_LIMITED_ENDPOINTS.values()
    }
    for endpoint, (_, scope) in RATE_LIMITED_ENDPOINTS.items():
        view = app.view_functions.get(endpoint)
        if view is not None:
            app.view_functions[endpoint] = shared[scope](view)
    return limiter


def _route() -> str:
    rule = request.url_rule
    return rule.rule if rule is not None else "unmatched"  # never the raw path: bounded label values


def _security_headers(response: Response) -> None:
    h = response.headers
    # CSP and framing (frame-ancestors from EMBED_ORIGINS, /embed only) are set in security.py.
    h["X-Content-Type-Options"] = "nosniff"
    h.setdefault("Referrer-Policy", "no-referrer")
    h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:  # only over TLS (directly, or X-Forwarded-Proto from a trusted proxy)
        h["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if request.path.startswith("/api/"):
        h.setdefault("Cache-Control", "no-store")  # answers belong to one patient's conversation


def _cors(response: Response) -> None:
    origin = request.headers.get("Origin")
    if not origin or origin not in parse_list(current_app.config["CORS_ORIGINS"]):
        return  # closed by default: no Access-Control-* headers, browsers refuse cross-origin reads
    h = response.headers
    h["Access-Control-Allow-Origin"] = origin
    h.add("Vary", "Origin")
    if request.method == "OPTIONS":
        h["Access-Control-Allow-Methods"] = "GET, POST, DELETE"
        h["Access-Control-Allow-Headers"] = "Content-Type, Authorization, X-Request-ID"
        h["Access-Control-Max-Age"] = "600"


def install(app: Flask) -> None:
    @app.before_request
    def start_request() -> None:
        g.started = time.perf_counter()
        supplied = request.headers.get("X-Request-ID", "")
        g.request_id = supplied if REQUEST_ID.match(supplied) else uuid.uuid4().hex
        reloader = current_app.extensions.get("index_reloader")
        if reloader is not None:
            reloader.maybe_check()

    @app.after_request
    def finish_request(response: Response) -> Response:
        _security_headers(response)
        _cors(response)
        request_id = g.get("request_id") or uuid.uuid4().hex
        response.headers["X-Request-ID"] = request_id
        latency = time.perf_counter() - g.get("started", time.perf_counter())
        route, kind = _route(), g.get("answer_kind", "none")
        metrics.REQUESTS.labels(route, request.method, str(response.status_code), kind).inc()
        metrics.LATENCY.labels(route, kind).observe(latency)
        if current_app.config["ACCESS_LOG"]:
            fields = {
                "event": "request",
                "request_id": request_id,
                "method": request.method,
                "route": route,
                "status": response.status_code,
                "latency_ms": round(latency * 1000, 2),
                "kind": kind,
            }
            if current_app.config["LOG_MESSAGES"]:  # opt-in only: message text is personal health data
                body = g.get("json_body")
                if isinstance(body, dict):
                    fields["message"] = body.get("message")
            access_log.info("request", extra={"fields": fields})
        return response
