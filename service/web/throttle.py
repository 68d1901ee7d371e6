"""Staff sign-in throttling and bounded password hashing (issue 13, finding 2).

- Failed sign-ins are counted per account and per client address over STAFF_LOGIN_WINDOW_SECONDS, in the
  shared counters (Redis when configured, else this process' memory). Once an account reaches
  STAFF_LOGIN_MAX_FAILURES, or a client STAFF_LOGIN_MAX_CLIENT_FAILURES, it is locked for
  STAFF_LOGIN_LOCKOUT_SECONDS, doubling with each further failure (at most an hour). Unknown user names are
  counted like real ones, so lockouts do not reveal which accounts exist.
- A locked attempt is refused before any password is hashed, so the scrypt cost (about 0.1 s of CPU) is
  paid only for attempts that may succeed; and at most one hash runs at a time on a machine (a file lock
  shared by the workers), so a sign-in flood can take at most one core from patient traffic.
- Keys are keyed digests ("signin:fail:acct:<hmac>"): no user name or address is stored in clear.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app

MAX_LOCKOUT_SECONDS = 3600
HASH_LOCK_PATH = os.path.join(tempfile.gettempdir(), f"cqa-password-hash-{os.getuid()}.lock")


def _digest(kind: str, value: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:32]


def _subjects(username: str, client: str) -> list[tuple[str, int]]:
    cfg = current_app.config
    return [
        (f"acct:{_digest('acct', username.lower())}", cfg["STAFF_LOGIN_MAX_FAILURES"]),
        (f"ip:{_digest('ip', client)}", cfg["STAFF_LOGIN_MAX_CLIENT_FAILURES"]),
    ]


def retry_after(username: str, client: str) -> int:
    """Seconds until this account and this client may try again; 0 when neither is locked."""
    counters = current_app.extensions["counters"]
    return max(counters.ttl(f"signin:lock:{subject}") for subject, _ in _subjects(username, client))


def record_failure(username: str, client: str) -> None:
    """Count a failed sign-in; lock the account or client when it reaches its limit (backoff doubles)."""
    cfg = current_app.config
    counters = current_app.extensions["counters"]
    for subject, limit in _subjects(username, client):
        failures = counters.incr(f"signin:fail:{subject}", cfg["STAFF_LOGIN_WINDOW_SECONDS"])
        if failures >= limit:
            seconds = min(cfg["STAFF_LOGIN_LOCKOUT_SECONDS"] * 2 ** (failures - limit), MAX_LOCKOUT_SECONDS)
            counters.set(f"signin:lock:{subject}", 1, int(seconds))


def record_success(username: str, client: str) -> None:
    """A correct password clears the account's failures (not the client's: it may be guessing others)."""
    counters = current_app.extensions["counters"]
    subject = _subjects(username, client)[0][0]
    counters.delete(f"signin:fail:{subject}")


@contextmanager
def hash_slot(wait_seconds: float = 1.0) -> Iterator[bool]:
    """The machine-wide slot for one password hash: yields True when held, False after wait_seconds."""
    fd = os.open(HASH_LOCK_PATH, os.O_RDWR | os.O_CREAT, 0o600)
    held = False
    try:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                held = True
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    break
                time.sleep(0.01)
        yield held
    finally:
        if held:
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
