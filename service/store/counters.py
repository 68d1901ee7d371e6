"""Small expiring counters and markers: sign-in throttling and feedback de-duplication.

Redis when REDIS_URL is set (shared by every worker and server), else in-process memory. Keys hold no text
from a patient or a member of staff: callers pass keyed digests (see service/web/throttle.py, api_feedback.py).
When Redis is unreachable the memory counters of this process are used instead, so throttling keeps working
(per process) rather than failing open.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Protocol

from .base import StoreUnavailable


class Counters(Protocol):
    def incr(self, key: str, ttl_seconds: int) -> int:
        """Add one; the key expires ttl_seconds after its first increment. Returns the new count."""

    def get(self, key: str) -> int:
        """The count, 0 when absent or expired."""

    def set(self, key: str, value: int, ttl_seconds: int) -> None:
        """Set a value that expires after ttl_seconds."""

    def ttl(self, key: str) -> int:
        """Seconds until the key expires; 0 when absent."""

    def add_once(self, key: str, ttl_seconds: int) -> bool:
        """True the first time within ttl_seconds, False while the key exists."""

    def delete(self, key: str) -> None:
        """Remove a key."""


class MemoryCounters:
    """Counters in one process, bounded (oldest keys dropped first)."""

    def __init__(self, max_keys: int = 100_000, clock: Callable[[], float] = time.monotonic) -> None:
        self._items: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()
        self._max, self._clock = max_keys, clock

    def _live(self, key: str) -> tuple[int, float] | None:
        item = self._items.get(key)
        if item is not None and item[1] <= self._clock():
            del self._items[key]
            return None
        return item

    def _bound(self) -> None:
        if len(self._items) > self._max:
            now = self._clock()
            self._items = {k: v for k, v in self._items.items() if v[1] > now}
            while len(self._items) > self._max:
                self._items.pop(next(iter(self._items)))

    def incr(self, key: str, ttl_seconds: int) -> int:
        with self._lock:
            item = self._live(key)
            value, expires = item if item else (0, self._clock() + ttl_seconds)
            self._items[key] = (value + 1, expires)
            self._bound()
            return value + 1

    def get(self, key: str) -> int:
        with self._lock:
            item = self._live(key)
            return item[0] if item else 0

    def set(self, key: str, value: int, ttl_seconds: int) -> None:
        with self._lock:
            self._items[key] = (value, self._clock() + ttl_seconds)
            self._bound()

    def ttl(self, key: str) -> int:
        with self._lock:
            item = self._live(key)
            return max(1, int(item[1] - self._clock() + 0.999)) if item else 0

    def add_once(self, key: str, ttl_seconds: int) -> bool:
        with self._lock:
            if self._live(key):
                return False
            self._items[key] = (1, self._clock() + ttl_seconds)
            self._bound()
            return True

    def delete(self, key: str) -> None:
        with self._lock:
            self._items.pop(key, None)


class RedisCounters:
    """Counters in Redis (INCR + EXPIRE, SET NX EX), with this process' memory as the fallback during outages."""

    def __init__(self, client, prefix: str = "cqa:", retry_seconds: float = 2.0) -> None:
        from .redis_store import _Breaker

        self.client, self.prefix = client, prefix
        self.fallback = MemoryCounters()
        self._breaker = _Breaker(retry_seconds)

    def _call(self, fn: Callable[[], object]) -> object:
        return self._breaker.call(fn)

    def incr(self, key: str, ttl_seconds: int) -> int:
        def run() -> int:
            pipe = self.client.pipeline()
            pipe.incr(self.prefix + key).expire(self.prefix + key, ttl_seconds, nx=True)
            return int(pipe.execute()[0])

        try:
            return int(self._call(run))  # type: ignore[arg-type]
        except StoreUnavailable:
            return self.fallback.incr(key, ttl_seconds)

    def get(self, key: str) -> int:
        try:
            raw = self._call(lambda: self.client.get(self.prefix + key))
        except StoreUnavailable:
            return self.fallback.get(key)
        try:
            return int(raw) if raw is not None else 0  # type: ignore[arg-type]
        except ValueError:
            return 0

    def set(self, key: str, value: int, ttl_seconds: int) -> None:
        try:
            self._call(lambda: self.client.set(self.prefix + key, int(value), ex=max(1, int(ttl_seconds))))
        except StoreUnavailable:
            self.fallback.set(key, value, ttl_seconds)

    def ttl(self, key: str) -> int:
        try:
            left = int(self._call(lambda: self.client.ttl(self.prefix + key)))  # type: ignore[arg-type]
        except StoreUnavailable:
            return self.fallback.ttl(key)
        return max(0, left)

    def add_once(self, key: str, ttl_seconds: int) -> bool:
        try:
            return bool(self._call(lambda: self.client.set(self.prefix + key, 1, ex=ttl_seconds, nx=True)))
        except StoreUnavailable:
            return self.fallback.add_once(key, ttl_seconds)

    def delete(self, key: str) -> None:
        try:
            self._call(lambda: self.client.delete(self.prefix + key))
        except StoreUnavailable:
            pass
        self.fallback.delete(key)


def make_counters(config: Mapping) -> Counters:
    url = config.get("REDIS_URL")
    if not url:
        return MemoryCounters()
    from .redis_store import redis_client

    client = redis_client(url, config["STORE_TIMEOUT_SECONDS"])
    return RedisCounters(client, retry_seconds=config["STORE_RETRY_SECONDS"])
