"""The Flask app factory."""

from __future__ import annotations

import fcntl
import logging
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from ..answer.respond import Responder, ResponderSettings
from ..config import REPO_ROOT, Config, ConfigError, load_settings, parse_list, validate
from ..search.analyzer import Analyzer
from ..search.index import IndexSettings, SearchIndex
from ..search.store import IndexFileError, default_index_path, ensure_index, library_fingerprint, load_index
from ..store.counters import make_counters
from ..store.factory import (
    GuardedConversationStore,
    make_conversation_store,
    make_feedback_store,
    make_staff_session_store,
)
from ..store.validate import valid_conversation_state
from . import metrics, middleware
from .reload import IndexReloader, file_stamp

log = logging.getLogger("service")


def create_app(config: object | dict | None = None) -> Flask:
    """Build the app over a library folder. config: a Config class/object or a dict of overrides.

    Settings: Config defaults < CQA_CONFIG_FILE (TOML) < CQA_<KEY> environment < config argument.
    Raises ConfigError with a clear message when a setting is wrong.
    """
    app = Flask(
        "service",
        template_folder=str(REPO_ROOT / "templates"),
        static_folder=str(Path(__file__).resolve().parent / "static"),
    )
    app.config.from_object(Config)
    app.config.update(load_settings())
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)
    validate(app.config)
    if not app.config["TESTING"]:
        middleware.configure_logging()
    if app.config["TRUSTED_PROXIES"]:
        n = app.config["TRUSTED_PROXIES"]
        proxies = frozenset(parse_list(app.config["TRUSTED_PROXY_ADDRESSES"]))
        app.wsgi_app = TrustedProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, proxies, x_for=n, x_proto=n, x_host=n
        )

    # Stores first: the responder made in install_index may hold the conversation store.
    backend = "redis" if app.config.get("REDIS_URL") else "memory"
    app.extensions["store_backend"] = backend
    app.extensions["conversations"] = GuardedConversationStore(
        make_conversation_store(app.config),
        on_error=lambda op: metrics.STORE_ERRORS.labels("conversations", op).inc(),
        valid=valid_conversation_state,
    )
    app.extensions["feedback"] = make_feedback_store(app.config)
    app.extensions["staff_sessions"] = make_staff_session_store(app.config)
    app.extensions["counters"] = make_counters(app.config)  # sign-in throttling, feedback de-duplication

    corpus = Path(app.config["CORPUS_DIR"])
    index_path = Path(app.config["INDEX_PATH"]) if app.config.get("INDEX_PATH") else default_index_path(corpus)
    stamp = file_stamp(index_path)  # before loading: a file replaced meanwhile is then reloaded, not missed
    index, built = open_index(app, corpus, index_path)
    if built:
        stamp = file_stamp(index_path)  # the file we just wrote is the one in service
    install_index(app, index)
    app.extensions["index_reloader"] = IndexReloader(
        index_path, stamp, app.config["INDEX_RELOAD_SECONDS"], lambda index: install_index(app, index)
    )

    from . import api, api_feedback, api_search, nurse, ops, pages
    from .security import init_security

    init_security(app)
    pages.init_pages(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(api_search.bp)
    app.register_blueprint(api_feedback.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(nurse.bp)
    app.register_blueprint(ops.bp)
    app.register_blueprint(ops.conversations)
    api.register_error_handlers(app)
    middleware.install(app)
    app.extensions["rate_limiter"] = middleware.install_limiter(app)
    return app


class TrustedProxyFix(ProxyFix):
    """ProxyFix applied only to connections from a configured proxy address; from anyone else the
    X-Forwarded-* headers are ignored (the client could have written them)."""

    def __init__(self, app, proxies: frozenset[str], **counts: int) -> None:
        super().__init__(app, **counts)
        self.inner_app, self.proxies = app, proxies

    def __call__(self, environ, start_response):
        if environ.get("REMOTE_ADDR") in self.proxies:
            return super().__call__(environ, start_response)
        return self.inner_app(environ, start_response)


def open_index(app: Flask, corpus: Path, index_path: Path) -> tuple[SearchIndex, bool]:
    """Load the library's index; build it first when allowed (one builder at a time, others wait and load).
    Returns (index, built)."""
    if not app.config["INDEX_BUILD_ON_START"] and not app.config["REBUILD_INDEX"]:
        fingerprint = library_fingerprint(corpus, IndexSettings(), Analyzer())
        try:
            return load_index(index_path, fingerprint), False
        except IndexFileError as exc:
            raise ConfigError(
                f"refusing to start: {exc}. Build it with: python -m service index --corpus {corpus}"
            ) from None
    index_path.parent.mkdir(parents=True, exist_ok=True)
    # Several workers (or servers) starting at once on a stale index: one builds, the rest then load its file.
    with open(index_path.with_name(index_path.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return ensure_index(corpus, index_path, rebuild=app.config["REBUILD_INDEX"], log=log.info)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def make_responder(app: Flask, index: SearchIndex) -> Responder:
    """The one place a Responder is made: at start and on every index reload."""
    return Responder(
        index,
        ResponderSettings(
            emergency_number=app.config["EMERGENCY_NUMBER"],
            crisis_line=app.config["CRISIS_LINE"],
            top_k=app.config["TOP_K"],
            conversation_ttl=app.config["CONVERSATION_TTL_SECONDS"],
        ),
        app.extensions["conversations"],
    )


def install_index(app: Flask, index: SearchIndex) -> None:
    """Put an index in service. The responder is replaced as one reference, so a request uses one index."""
    app.extensions["responder"] = make_responder(app, index)
    app.extensions["index"] = index
    path = app.config.get("INDEX_PATH") or default_index_path(Path(app.config["CORPUS_DIR"]))
    stamp = file_stamp(Path(path))
    metrics.observe_index(index, stamp[2] if stamp else 0)
