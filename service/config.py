"""Configuration objects, as in Flask's tutorial: defaults, then environment, then overrides."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
EMBEDDED_CORPUS = REPO_ROOT / "corpus"
ENV_PREFIX = "CQA_"


class Config:
    """Defaults for a single-process development server on the embedded library."""

    CORPUS_DIR = str(EMBEDDED_CORPUS)
    INDEX_PATH: str | None = None  # None: a cache file derived from CORPUS_DIR
    REBUILD_INDEX = False
    EMERGENCY_NUMBER = "911"
    CRISIS_LINE = "988"
    CONVERSATION_TTL_SECONDS = 30 * 60
    MAX_MESSAGE_CHARS = 1000
    MAX_CONTENT_LENGTH = 64 * 1024  # request body bytes (Flask enforces it: 413)
    TOP_K = 10
    SECRET_KEY: str | None = None  # None: a random key per process (sign-ins end on restart)
    TESTING = False
    # Web (issue 4). Origins allowed to frame /embed, space- or comma-separated, e.g.
    # "https://portal.example.org". Empty: no site may embed the widget.
    EMBED_ORIGINS = ""
    # Staff sign-in for /nurse: JSON {"username": "<werkzeug password hash>"}; never plain passwords.
    STAFF_ACCOUNTS = "{}"
    # Bearer tokens for POST /api/v1/search: SHA-256 hex digests of the tokens, space- or comma-separated.
    STAFF_TOKEN_HASHES = ""
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-only-secret"


INT_KEYS = {"CONVERSATION_TTL_SECONDS", "MAX_MESSAGE_CHARS", "MAX_CONTENT_LENGTH", "TOP_K"}
BOOL_KEYS = {"REBUILD_INDEX"}


class ConfigError(ValueError):
    pass


def from_environment(environ: dict[str, str] | None = None) -> dict:
    """Settings named CQA_<KEY> in the environment, converted and validated."""
    environ = dict(os.environ if environ is None else environ)
    out: dict = {}
    for key in dir(Config):
        if not key.isupper():
            continue
        raw = environ.get(ENV_PREFIX + key)
        if raw is None:
            continue
        if key in INT_KEYS:
            try:
                value = int(raw)
            except ValueError:
                raise ConfigError(f"{ENV_PREFIX}{key} must be a whole number, got {raw!r}") from None
            if value <= 0:
                raise ConfigError(f"{ENV_PREFIX}{key} must be positive, got {value}")
            out[key] = value
        elif key in BOOL_KEYS:
            out[key] = raw.strip().lower() in ("1", "true", "yes", "on")
        else:
            out[key] = raw
    return out
