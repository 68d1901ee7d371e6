"""What every page shares for safety: CSP and other headers, CSRF tokens, safe links, staff credentials.

CSRF is a small hand-written synchronizer token (a random value kept in the signed session cookie and
echoed in each form) rather than flask-wtf: the service has four forms and no WTForms use, so one
function pair is easier to review than a dependency.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Iterable
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, request, session
from werkzeug.security import check_password_hash

from .middleware import tokens_match

CSRF_FIELD = "csrf_token"
ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:\d{1,5})?$")

# No inline script or style anywhere: every script and stylesheet is a file under /static.
BASE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; frame-src 'none'"
)


def safe_url(url: object) -> str | None:
    """The URL when it is an absolute http(s) link, else None (no javascript:, data:, relative paths)."""
    if not isinstance(url, str):
        return None
    parts = urlsplit(url.strip())
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return url.strip()
    return None


def split_list(value: object) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [v for v in re.split(r"[\s,]+", str(value or "")) if v]


def embed_origins(app: Flask | None = None) -> list[str]:
    """Configured embedding origins, normalised; anything that is not scheme://host[:port] is dropped."""
    app = app or current_app
    out = []
    for origin in split_list(app.config.get("EMBED_ORIGINS", "")):
        origin = origin.rstrip("/")
        if ORIGIN.match(origin):
            out.append(origin.lower())
        else:
            app.logger.warning("ignoring EMBED_ORIGINS entry that is not an origin: %r", origin)
    return out


def csp_header(frame_ancestors: Iterable[str] = ()) -> str:
    ancestors = " ".join(frame_ancestors) or "'none'"
    return f"{BASE_CSP}; frame-ancestors {ancestors}"


def csrf_token() -> str:
    token = session.get(CSRF_FIELD)
    if not token:
        token = secrets.token_urlsafe(32)
        session[CSRF_FIELD] = token
    return token


def check_csrf() -> None:
    """Abort with 400 unless the form carries this session's token."""
    expected = session.get(CSRF_FIELD)
    sent = request.form.get(CSRF_FIELD, "")
    if not expected or not hmac.compare_digest(str(expected), str(sent)):
        abort(400, description="The form has expired. Please reload the page and try again.")


def staff_accounts(app: Flask | None = None) -> dict[str, str]:
    raw = (app or current_app).config.get("STAFF_ACCOUNTS") or {}
    if isinstance(raw, str):
        raw = json.loads(raw or "{}")
    if not isinstance(raw, dict):
        raise ValueError("STAFF_ACCOUNTS must be a JSON object of username -> password hash")
    return {str(k): str(v) for k, v in raw.items()}


# A real hash to compare against when the user is unknown, so timing does not reveal which names exist.
_DUMMY_HASH = "scrypt:32768:8:1$Jb8JdNq5oLzQeWg0$" + "0" * 128


def check_staff_password(username: str, password: str) -> bool:
    stored = staff_accounts().get(username)
    if stored is None:
        try:
            check_password_hash(_DUMMY_HASH, password)
        except ValueError:
            pass
        return False
    try:
        return check_password_hash(stored, password)
    except ValueError:  # a malformed hash in the configuration
        current_app.logger.error("STAFF_ACCOUNTS entry for a user is not a werkzeug password hash")
        return False


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def valid_bearer_token() -> bool:
    """True when the request carries an Authorization: Bearer token whose SHA-256 is configured."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return False
    configured = [h.lower() for h in split_list(current_app.config.get("STAFF_TOKEN_HASHES", ""))]
    return tokens_match(token_digest(token.strip()), configured)


def init_security(app: Flask) -> None:
    if not app.config.get("SECRET_KEY"):
        # Without a configured key, sessions (CSRF tokens, staff sign-in) last as long as this process.
        app.config["SECRET_KEY"] = secrets.token_hex(32)
        app.logger.warning("SECRET_KEY is not set; using a random key for this process")
    staff_accounts(app)  # fail at start-up, not at sign-in, on a malformed STAFF_ACCOUNTS
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.jinja_env.filters["safe_url"] = safe_url

    @app.after_request
    def headers(resp):
        # /embed sets its own frame-ancestors; every other page may not be framed at all.
        resp.headers.setdefault("Content-Security-Policy", csp_header())
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("Referrer-Policy", "no-referrer")
        if "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]:
            resp.headers.setdefault("X-Frame-Options", "DENY")
        if resp.mimetype == "text/html":
            resp.headers.setdefault("Cache-Control", "no-store")
        return resp
