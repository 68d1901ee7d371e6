"""Store interfaces: conversation state and feedback. Memory and Redis implement them."""

from __future__ import annotations

from typing import Protocol


class StoreUnavailable(Exception):
    """The backing store cannot be reached; callers degrade instead of failing."""


class ConversationStore(Protocol):
    def get(self, conversation_id: str) -> dict | None:
        """The saved state, or None when unknown or expired."""

    def put(self, conversation_id: str, state: dict, ttl_seconds: int) -> None:
        """Save state (JSON-serialisable) and (re)start its idle expiry."""

    def delete(self, conversation_id: str) -> None:
        """Forget a conversation (a patient's 'clear conversation')."""

    def ping(self) -> bool:
        """True when the store is reachable."""


class FeedbackStore(Protocol):
    def add(self, record: dict) -> None:
        """Keep one feedback record (no patient message text unless the patient chose to send it)."""

    def recent(self, limit: int = 100) -> list[dict]:
        """Newest first, only records younger than the retention period."""

    def ping(self) -> bool:
        """True when the store is reachable."""
