"""The Flask app factory."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask

from ..answer.respond import Responder, ResponderSettings
from ..config import REPO_ROOT, Config, from_environment
from ..search.store import ensure_index
from ..store.memory import MemoryConversationStore

log = logging.getLogger("service")


def create_app(config: object | dict | None = None) -> Flask:
    """Build the app over a library folder. config: a Config class/object or a dict of overrides."""
    app = Flask(
        "service",
        template_folder=str(REPO_ROOT / "templates"),
        static_folder=str(Path(__file__).resolve().parent / "static"),
    )
    app.config.from_object(Config)
    app.config.update(from_environment())
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)

    corpus = Path(app.config["CORPUS_DIR"])
    index_path = Path(app.config["INDEX_PATH"]) if app.config.get("INDEX_PATH") else None
    index, _ = ensure_index(corpus, index_path, rebuild=app.config["REBUILD_INDEX"], log=log.info)
    app.extensions["index"] = index
    conversations = MemoryConversationStore()
    app.extensions["conversations"] = conversations
    app.extensions["responder"] = Responder(
        index,
        ResponderSettings(
            emergency_number=app.config["EMERGENCY_NUMBER"],
            crisis_line=app.config["CRISIS_LINE"],
            top_k=app.config["TOP_K"],
            conversation_ttl=app.config["CONVERSATION_TTL_SECONDS"],
        ),
        conversations,
    )

    from ..store.feedback import MemoryFeedbackStore
    from . import api, api_feedback, api_search, nurse, pages
    from .security import init_security

    init_security(app)
    app.extensions.setdefault("feedback", MemoryFeedbackStore())
    pages.init_pages(app)

    app.register_blueprint(api.bp)
    app.register_blueprint(api_search.bp)
    app.register_blueprint(api_feedback.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(nurse.bp)
    api.register_error_handlers(app)
    return app
