"""Swap in a rebuilt index while serving, without a restart and without failing a request.

`python -m service index` writes the new index beside the old one and renames it into place
(service/search/store.py). Each worker notices the new file (a stat at most every
INDEX_RELOAD_SECONDS), loads and validates it in a background thread while it keeps answering
from the old index, then replaces one reference. Requests already running finish on the old index.
A bad file is refused and the old index stays in service.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from ..search.index import SearchIndex
from ..search.store import IndexFileError, load_index
from . import metrics

log = logging.getLogger("service.reload")


def file_stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


class IndexReloader:
    def __init__(
        self,
        path: Path,
        stamp: tuple[int, int, int] | None,
        interval_seconds: float,
        install: Callable[[SearchIndex], None],
    ) -> None:
        self.path = path
        self.stamp = stamp
        self.interval = interval_seconds
        self._install = install
        self._next_check = time.monotonic() + interval_seconds
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.reloads = 0
        self.last_error: str | None = None

    def maybe_check(self) -> None:
        """Cheap enough for every request: a clock read, and a stat once per interval."""
        if self.interval <= 0 or time.monotonic() < self._next_check:
            return
        self._next_check = time.monotonic() + self.interval
        self.check()

    def check(self, wait: bool = False) -> bool:
        """Start loading the index file if it changed. Returns True when a load was started (or done, if wait)."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return False
            stamp = file_stamp(self.path)
            if stamp is None or stamp == self.stamp:
                return False
            self.stamp = stamp  # a bad file is tried once, not on every check
            self._thread = threading.Thread(target=self._load, name="index-reload", daemon=True)
            self._thread.start()
            thread = self._thread
        if wait:
            thread.join(timeout=300)
        return True

    def _load(self) -> None:
        try:
            index = load_index(self.path)
        except IndexFileError as exc:
            self.last_error = str(exc)
            metrics.INDEX_RELOADS.labels("refused").inc()
            log.error("new index file refused, still serving the previous index: %s", exc)
            return
        self._install(index)
        self.reloads += 1
        self.last_error = None
        metrics.INDEX_RELOADS.labels("ok").inc()
        log.info("index reloaded: fingerprint %s, built %s", index.fingerprint, index.manifest.get("built_at"))
