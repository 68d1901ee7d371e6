"""Redis-backed stores: state shared by every worker and server process.

Values are JSON (never pickle). Idle expiry is Redis' own EXPIRE, so nothing has to sweep.
A failed call raises StoreUnavailable and opens a short circuit: for STORE_RETRY_SECONDS
calls fail at once instead of waiting for a timeout on every request while Redis is down.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from .base import StoreUnavailable
from .feedback import count_ratings

REDIS_ERRORS = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


def redis_client(url: str, timeout_seconds: float) -> redis.Redis:
    """A client that fails fast: short timeouts, no retries (the caller degrades instead)."""
    return redis.Redis.from_url(
        url,
        socket_timeout=timeout_seconds,
        socket_connect_timeout=timeout_seconds,
        retry=Retry(NoBackoff(), 0),
        health_check_interval=0,
        decode_responses=False,
    )


class _Breaker:
    """After a failure, report 'unavailable' without network calls until retry_seconds have passed."""

    def __init__(self, retry_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._retry = retry_seconds
        self._clock = clock
        self._open_until = 0.0
        self._lock = threading.Lock()

    def check(self) -> None:
        if self._clock() < self._open_until:
            raise StoreUnavailable("store unavailable (recent failure; retrying shortly)")

    def failed(self) -> None:
        with self._lock:
            self._open_until = self._clock() + self._retry

    def succeeded(self) -> None:
        self._open_until = 0.0

    def call(self, fn: Callable[[], object]) -> object:
        """Run one Redis call: StoreUnavailable while open or when the call fails (which opens it)."""
        self.check()
        try:
            result = fn()
        except REDIS_ERRORS as exc:
            self.failed()
            raise StoreUnavailable(f"redis: {type(exc).__name__}") from None
        self.succeeded()
        return result


class RedisConversationStore:
    """ConversationStore on Redis: one JSON string per conversation, key expiry = idle timeout."""

    def __init__(
        self,
        client: redis.Redis,
        prefix: str = "cqa:conv:",
        retry_seconds: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.prefix = prefix
        self._breaker = _Breaker(retry_seconds, clock)

    @classmethod
    def from_url(cls, url: str, timeout_seconds: float = 0.25, retry_seconds: float = 2.0) -> RedisConversationStore:
        return cls(redis_client(url, timeout_seconds), retry_seconds=retry_seconds)

    def _call(self, fn: Callable[[], object]) -> object:
        return self._breaker.call(fn)

    def get(self, conversation_id: str) -> dict | None:
        raw = self._call(lambda: self.client.get(self.prefix + conversation_id))
        if raw is None:
            return None
        try:
            value = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            return None  # a damaged record is a lost context, not an error for the patient
        return value if isinstance(value, dict) else None

    def put(self, conversation_id: str, state: dict, ttl_seconds: int) -> None:
        payload = json.dumps(state, ensure_ascii=False, separators=(",", ":"))
        self._call(lambda: self.client.set(self.prefix + conversation_id, payload, ex=max(1, int(ttl_seconds))))

    def delete(self, conversation_id: str) -> None:
        self._call(lambda: self.client.delete(self.prefix + conversation_id))

    def ping(self) -> bool:
        # Health checks always try the network (bypassing the breaker) so recovery is seen at once.
        try:
            ok = bool(self.client.ping())
        except REDIS_ERRORS:
            self._breaker.failed()
            return False
        self._breaker.succeeded()
        return ok


class RedisFeedbackStore:
    """FeedbackStore on Redis: a capped list of JSON records that expires FEEDBACK_RETENTION_DAYS after the last."""

    def __init__(self, client: redis.Redis, retention_seconds: int, key: str = "cqa:feedback", cap: int = 100_000):
        self.client, self.retention, self.key, self.cap = client, retention_seconds, key, cap
        self._breaker = _Breaker(2.0)

    def add(self, record: dict) -> None:
        self._breaker.check()
        payload = json.dumps({**record, "at": time.time()}, ensure_ascii=False)
        try:
            pipe = self.client.pipeline()
            pipe.lpush(self.key, payload).ltrim(self.key, 0, self.cap - 1).expire(self.key, self.retention)
            pipe.execute()
        except REDIS_ERRORS as exc:
            self._breaker.failed()
            raise StoreUnavailable(f"redis: {type(exc).__name__}") from None

    def recent(self, limit: int = 100) -> list[dict]:
        self._breaker.check()
        try:
            raw = self.client.lrange(self.key, 0, limit - 1)
        except REDIS_ERRORS as exc:
            self._breaker.failed()
            raise StoreUnavailable(f"redis: {type(exc).__name__}") from None
        cutoff = time.time() - self.retention
        records = []
        for item in raw:
            try:
                record = json.loads(item)
            except (ValueError, UnicodeDecodeError):
                continue  # a damaged record is skipped, not an error for the reader
            if isinstance(record, dict) and record.get("at", 0) >= cutoff:
                records.append(record)
        return records

    def counts_by_passage(self) -> dict[str, dict[str, int]]:
        return count_ratings(self.recent(self.cap))

    def ping(self) -> bool:
        try:
            return bool(self.client.ping())
        except REDIS_ERRORS:
            return False
