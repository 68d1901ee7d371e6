"""Build the stores named by the configuration, and a guard that turns store outages into degraded service."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from .base import ConversationStore, StoreUnavailable
from .feedback import FeedbackStore
from .memory import MemoryConversationStore, MemoryFeedbackStore

log = logging.getLogger("service.store")


def make_conversation_store(config: Mapping) -> ConversationStore:
    """Redis when REDIS_URL is set (state shared by all workers and servers), else in-process memory."""
    url = config.get("REDIS_URL")
    if not url:
        return MemoryConversationStore()
    from .redis_store import RedisConversationStore

    return RedisConversationStore.from_url(url, config["STORE_TIMEOUT_SECONDS"], config["STORE_RETRY_SECONDS"])


def make_staff_session_store(config: Mapping) -> ConversationStore:
    """Server-side staff sessions (issue 13): one record per sign-in, idle expiry as key expiry."""
    url = config.get("REDIS_URL")
    if not url:
        return MemoryConversationStore(max_conversations=1000)
    from .redis_store import RedisConversationStore, redis_client

    client = redis_client(url, config["STORE_TIMEOUT_SECONDS"])
    return RedisConversationStore(client, prefix="cqa:staff:", retry_seconds=config["STORE_RETRY_SECONDS"])


def make_feedback_store(config: Mapping) -> FeedbackStore:
    retention = int(config["FEEDBACK_RETENTION_DAYS"]) * 86400
    url = config.get("REDIS_URL")
    if not url:
        return MemoryFeedbackStore(retention)
    from .redis_store import RedisFeedbackStore, redis_client

    return RedisFeedbackStore(redis_client(url, config["STORE_TIMEOUT_SECONDS"]), retention)


class GuardedConversationStore:
    """The conversation store the app hands out: never raises StoreUnavailable.

    While the store is down a lookup finds nothing (a follow-up loses its context) and a save is
    skipped; each failure is counted (on_error) so health and metrics show the degradation.
    delete() still raises, because a patient asking to forget a conversation must be told if it failed.
    """

    def __init__(
        self,
        inner: ConversationStore,
        on_error: Callable[[str], None] | None = None,
        valid: Callable[[object], bool] | None = None,
    ) -> None:
        self.inner = inner
        self._on_error = on_error or (lambda op: None)
        self._valid = valid or (lambda state: True)
        self.degraded = False

    def _failed(self, op: str, exc: StoreUnavailable) -> None:
        if not self.degraded:
            log.warning("conversation store unavailable (%s: %s); answering without context", op, exc)
        self.degraded = True
        self._on_error(op)

    def get(self, conversation_id: str) -> dict | None:
        try:
            state = self.inner.get(conversation_id)
        except StoreUnavailable as exc:
            self._failed("get", exc)
            return None
        self.degraded = False
        if state is not None and not self._valid(state):
            log.warning("conversation state of the wrong shape was reset")
            return None  # the conversation starts afresh; the next put overwrites the bad state
        return state

    def put(self, conversation_id: str, state: dict, ttl_seconds: int) -> None:
        try:
            self.inner.put(conversation_id, state, ttl_seconds)
        except StoreUnavailable as exc:
            self._failed("put", exc)
            return
        self.degraded = False

    def delete(self, conversation_id: str) -> None:
        try:
            self.inner.delete(conversation_id)
        except StoreUnavailable as exc:
            self._failed("delete", exc)
            raise

    def ping(self) -> bool:
        ok = self.inner.ping()
        if not ok:
            self._on_error("ping")
        self.degraded = not ok
        return ok
