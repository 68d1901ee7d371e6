"""In-memory stores for a single process (the default)."""

from __future__ import annotations

import copy
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from .feedback import count_ratings


class MemoryConversationStore:
    """Conversation state with idle expiry; bounded so memory cannot grow without limit."""

    def __init__(self, max_conversations: int = 10_000, clock: Callable[[], float] = time.monotonic) -> None:
        self._items: OrderedDict[str, tuple[float, dict]] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_conversations
        self._clock = clock

    def get(self, conversation_id: str) -> dict | None:
        with self._lock:
            item = self._items.get(conversation_id)
            if item is None:
                return None
            expires, state = item
            if expires <= self._clock():
                del self._items[conversation_id]
                return None
            return copy.deepcopy(state)

    def put(self, conversation_id: str, state: dict, ttl_seconds: int) -> None:
        with self._lock:
            self._items[conversation_id] = (self._clock() + ttl_seconds, copy.deepcopy(state))
            self._items.move_to_end(conversation_id)
            while len(self._items) > self._max:
                self._items.popitem(last=False)

    def delete(self, conversation_id: str) -> None:
        with self._lock:
            self._items.pop(conversation_id, None)

    def ping(self) -> bool:
        return True


class MemoryFeedbackStore:
    """Feedback records in one process, newest first, dropped after the retention period."""

    def __init__(self, retention_seconds: int, cap: int = 10_000, clock: Callable[[], float] = time.time) -> None:
        self._items: list[dict] = []
        self._lock = threading.Lock()
        self._retention, self._cap, self._clock = retention_seconds, cap, clock

    def add(self, record: dict) -> None:
        with self._lock:
            self._items.insert(0, {**copy.deepcopy(record), "at": self._clock()})
            del self._items[self._cap :]

    def recent(self, limit: int = 100) -> list[dict]:
        cutoff = self._clock() - self._retention
        with self._lock:
            self._items = [r for r in self._items if r["at"] >= cutoff]
            return copy.deepcopy(self._items[:limit])

    def counts_by_passage(self) -> dict[str, dict[str, int]]:
        return count_ratings(self.recent(self._cap))

    def ping(self) -> bool:
        return True
