"""Configuration objects, as in Flask's tutorial: defaults, then environment, then overrides."""

from __future__ import annotations

import os
import re
import tomllib
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
    MAX_MESSAGE_CHARS = 4000  # real messages written like letters run to about 2,000
    MAX_CONTENT_LENGTH = 64 * 1024  # request body bytes (Flask enforces it: 413)
    TOP_K = 5  # pages an answer cites at most (its sources, then related reading)
    SECRET_KEY: str | None = None  # None: a random key per process (sign-ins end on restart)
    TESTING = False
    # Web (issue 4). Origins allowed to frame /embed, space- or comma-separated, e.g.
    # "https://portal.example.org". Empty: no site may embed the widget.
    EMBED_ORIGINS = ""
    # Staff sign-in for /nurse: JSON {"username": "<werkzeug password hash>"}; never plain passwords.
    STAFF_ACCOUNTS = "{}"
    # Bearer tokens for POST /api/v1/search: SHA-256 hex digests of the tokens, space- or comma-separated.
    STAFF_TOKEN_HASHES = ""
    # /metrics and the detail of /readyz: loopback clients (OPS_ALLOW_LOOPBACK) and bearer tokens whose
    # SHA-256 hex digests are listed here. /healthz and the bare /readyz status stay open.
    OPS_TOKEN_HASHES = ""
    OPS_ALLOW_LOOPBACK = True
    SESSION_COOKIE_HTTPONLY = True
    STAFF_IDLE_SECONDS = 30 * 60  # a staff session ends after this long without a request
    STAFF_SESSION_MAX_SECONDS = 10 * 3600  # ... and this long after sign-in, whatever happens
    STAFF_LOGIN_MAX_FAILURES = 5  # failed sign-ins per account within the window before a lockout
    STAFF_LOGIN_MAX_CLIENT_FAILURES = 20  # failed sign-ins per client address within the window
    STAFF_LOGIN_WINDOW_SECONDS = 15 * 60
    STAFF_LOGIN_LOCKOUT_SECONDS = 60  # the first lockout; doubles with each further failure, at most 1 hour
    SESSION_COOKIE_SECURE = False  # browsers send the cookie over HTTPS only; gunicorn.conf.py turns it on
    SESSION_COOKIE_SAMESITE = "Lax"

    # --- production serving (issue #6); see README "Configuration" ---
    INDEX_BUILD_ON_START = True  # False: refuse to start on a missing/stale/corrupt index instead of building
    INDEX_RELOAD_SECONDS = 5.0  # how often a worker checks the index file for a rebuilt one; 0: never
    REDIS_URL: str | None = None  # None: in-memory stores (one process); secret (may hold a password): env only
    STORE_TIMEOUT_SECONDS = 0.25  # Redis connect/read timeout, so a dead Redis costs little per request
    STORE_RETRY_SECONDS = 2.0  # after a Redis failure, skip it this long before trying again
    RATE_LIMIT_ENABLED = True
    RATE_LIMIT_CHAT = "30/minute;5/second"  # per client address (flask-limiter syntax)
    RATE_LIMIT_SEARCH = "120/minute;10/second"
    RATE_LIMIT_WRITE = "30/minute;5/second"  # feedback, clearing, deleting a conversation (API and form)
    RATE_LIMIT_LOGIN = "10/minute;1/second"  # staff sign-in attempts per client (see also STAFF_LOGIN_*)
    TRUSTED_PROXIES = 0  # reverse proxies in front whose X-Forwarded-For/-Proto headers are trusted
    # ... and only when the connection comes from one of these addresses (comma-separated); ./run prod sets
    # TRUSTED_PROXIES=1 for its nginx on 127.0.0.1.
    TRUSTED_PROXY_ADDRESSES = "127.0.0.1,::1"
    MAX_WORD_CHARS = 80  # a longer "word" is not a question (pasted data, attacks)
    CORS_ORIGINS = ""  # comma-separated origins allowed to call the API from a browser; empty: CORS closed
    LOG_MESSAGES = False  # log patient message text (debugging only; off by default)
    ACCESS_LOG = True  # one structured JSON line per request
    FEEDBACK_RETENTION_DAYS = 30  # how long feedback records are kept (Redis: key expiry)


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-only-secret"
    RATE_LIMIT_ENABLED = False  # suites send many requests from one address; the rate-limit tests turn it on


INT_KEYS = {
    "CONVERSATION_TTL_SECONDS",
    "MAX_MESSAGE_CHARS",
    "MAX_CONTENT_LENGTH",
    "TOP_K",
    "MAX_WORD_CHARS",
    "FEEDBACK_RETENTION_DAYS",
    "STAFF_IDLE_SECONDS",
    "STAFF_SESSION_MAX_SECONDS",
    "STAFF_LOGIN_MAX_FAILURES",
    "STAFF_LOGIN_MAX_CLIENT_FAILURES",
    "STAFF_LOGIN_WINDOW_SECONDS",
    "STAFF_LOGIN_LOCKOUT_SECONDS",
}
NON_NEGATIVE_INT_KEYS = {"TRUSTED_PROXIES"}
FLOAT_KEYS = {"INDEX_RELOAD_SECONDS", "STORE_TIMEOUT_SECONDS", "STORE_RETRY_SECONDS"}
BOOL_KEYS = {
    "REBUILD_INDEX",
    "INDEX_BUILD_ON_START",
    "RATE_LIMIT_ENABLED",
    "LOG_MESSAGES",
    "ACCESS_LOG",
    "SESSION_COOKIE_SECURE",
    "OPS_ALLOW_LOOPBACK",
}
# Secrets are read from the environment only, never from a config file that may end up in a repository.
SECRET_KEYS = {"SECRET_KEY", "REDIS_URL"}
TRUE_WORDS, FALSE_WORDS = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")


class ConfigError(ValueError):
    pass


def known_keys() -> list[str]:
    return [key for key in dir(Config) if key.isupper()]


def convert(key: str, raw: object, origin: str) -> object:
    """One setting converted to its type; raise ConfigError naming where it came from."""
    if key in BOOL_KEYS:
        if isinstance(raw, bool):
            return raw
        word = str(raw).strip().lower()
        if word in TRUE_WORDS or word in FALSE_WORDS:
            return word in TRUE_WORDS
        raise ConfigError(f"{origin} must be true or false, got {raw!r}")
    if key in INT_KEYS or key in NON_NEGATIVE_INT_KEYS:
        if isinstance(raw, bool):
            raise ConfigError(f"{origin} must be a whole number, got {raw!r}")
        try:
            value = int(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ConfigError(f"{origin} must be a whole number, got {raw!r}") from None
        if isinstance(raw, float) and raw != value:
            raise ConfigError(f"{origin} must be a whole number, got {raw!r}")
        if key in INT_KEYS and value <= 0:
            raise ConfigError(f"{origin} must be positive, got {value}")
        if value < 0:
            raise ConfigError(f"{origin} must not be negative, got {value}")
        return value
    if key in FLOAT_KEYS:
        try:
            value = float(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ConfigError(f"{origin} must be a number, got {raw!r}") from None
        if isinstance(raw, bool) or not value >= 0 or value == float("inf"):
            raise ConfigError(f"{origin} must be a finite number >= 0, got {raw!r}")
        return value
    if not isinstance(raw, str):
        raise ConfigError(f"{origin} must be text, got {raw!r}")
    return raw


def from_environment(environ: dict[str, str] | None = None) -> dict:
    """Settings named CQA_<KEY> in the environment, converted and validated."""
    environ = dict(os.environ if environ is None else environ)
    out: dict = {}
    for key in known_keys():
        raw = environ.get(ENV_PREFIX + key)
        if raw is None:
            continue
        out[key] = convert(key, raw, ENV_PREFIX + key)
    return out


def from_file(path: str | Path) -> dict:
    """Settings from a TOML file (keys as in Config, any case). Unknown keys and secrets are errors."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except OSError as exc:
        raise ConfigError(f"config file {path} is unreadable: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
    known = set(known_keys())
    out: dict = {}
    for name, raw in data.items():
        key = name.upper()
        origin = f"{path}: {name}"
        if key in SECRET_KEYS:
            raise ConfigError(f"{origin} is a secret: set {ENV_PREFIX}{key} in the environment, not in a file")
        if key not in known:
            raise ConfigError(f"{origin} is not a known setting (known: {', '.join(sorted(known))})")
        out[key] = convert(key, raw, origin)
    return out


def load_settings(environ: dict[str, str] | None = None) -> dict:
    """Defaults < config file named by CQA_CONFIG_FILE < CQA_<KEY> environment variables."""
    environ = dict(os.environ if environ is None else environ)
    out: dict = {}
    if environ.get(ENV_PREFIX + "CONFIG_FILE"):
        out.update(from_file(environ[ENV_PREFIX + "CONFIG_FILE"]))
    out.update(from_environment(environ))
    return out


def validate(config: dict) -> None:
    """Check the merged settings before anything starts; raise ConfigError with a clear message."""
    from limits import parse_many

    for key in INT_KEYS | NON_NEGATIVE_INT_KEYS | FLOAT_KEYS | BOOL_KEYS:
        if key in config:
            convert(key, config[key], key)  # overrides given in code are checked too
    corpus = Path(config["CORPUS_DIR"])
    if not corpus.is_dir():
        raise ConfigError(f"CORPUS_DIR: library folder not found: {corpus}")
    for key in ("RATE_LIMIT_CHAT", "RATE_LIMIT_SEARCH", "RATE_LIMIT_WRITE", "RATE_LIMIT_LOGIN"):
        try:
            parse_many(config[key])
        except ValueError:
            raise ConfigError(f"{key}: not a rate limit such as '30/minute;5/second': {config[key]!r}") from None
    url = config.get("REDIS_URL")
    if url and not re.match(r"^(redis|rediss|unix)://", url):
        raise ConfigError("REDIS_URL must start with redis://, rediss:// or unix://")
    for origin in parse_list(config["CORS_ORIGINS"]):
        if not ORIGIN.match(origin):
            raise ConfigError(f"CORS_ORIGINS: {origin!r} is not an origin such as https://portal.example.org")
    for key in ("STAFF_TOKEN_HASHES", "OPS_TOKEN_HASHES"):
        for digest in parse_list(str(config.get(key) or "").replace(" ", ",")):
            if not re.fullmatch(r"[0-9a-fA-F]{64}", digest):
                raise ConfigError(f"{key}: each entry must be the SHA-256 hex digest of a token")


ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$")


def parse_list(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]
