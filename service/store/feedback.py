"""Feedback on answers: the store interface and its in-memory implementation.

A record holds the rating, an optional reason from a fixed list and the passages the answer cited.
The patient's own words are kept only when they ticked "share my question" (question is None otherwise).
A Redis implementation only needs add() and counts_by_passage().
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Protocol

RATINGS = ("up", "down")
KINDS_OK = ("answer", "no_answer", "urgent", "crisis", "advice", "scope", "smalltalk", "clarify")
REASONS = {
    "": "No reason given",
    "helpful": "Clear and helpful",
    "not_relevant": "Did not answer my question",
    "hard_to_understand": "Hard to understand",
    "out_of_date": "Seems out of date",
    "other": "Something else",
}


@dataclass(frozen=True)
class FeedbackRecord:
    rating: str  # "up" | "down"
    passage_ids: tuple[str, ...]
    reason: str = ""  # a key of REASONS
    kind: str = "answer"
    question: str | None = None  # only with the patient's opt-in
    created_at: float = field(default_factory=time.time)

    def __post_init__(self) -> None:
        if self.rating not in RATINGS:
            raise ValueError(f"rating must be one of {RATINGS}")
        if self.reason not in REASONS:
            raise ValueError("unknown reason")

    def to_dict(self) -> dict:
        data = asdict(self)
        data["passage_ids"] = list(self.passage_ids)
        return data


class FeedbackStore(Protocol):
    def add(self, record: FeedbackRecord) -> None:
        """Keep one rating."""

    def counts_by_passage(self) -> dict[str, dict[str, int]]:
        """{passage_id: {"up": n, "down": n}} over all ratings kept."""


class MemoryFeedbackStore:
    """Feedback for one process; bounded so memory cannot grow without limit (oldest dropped)."""

    def __init__(self, max_records: int = 100_000) -> None:
        self._records: list[FeedbackRecord] = []
        self._lock = threading.Lock()
        self._max = max_records

    def add(self, record: FeedbackRecord) -> None:
        with self._lock:
            self._records.append(record)
            if len(self._records) > self._max:
                del self._records[: len(self._records) - self._max]

    def counts_by_passage(self) -> dict[str, dict[str, int]]:
        counts: dict[str, Counter] = {}
        with self._lock:
            for record in self._records:
                for pid in record.passage_ids:
                    counts.setdefault(pid, Counter())[record.rating] += 1
        return {pid: {"up": c["up"], "down": c["down"]} for pid, c in counts.items()}

    def records(self) -> list[FeedbackRecord]:
        with self._lock:
            return list(self._records)
