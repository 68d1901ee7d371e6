"""Feedback on answers: the store interface and its in-memory implementation.

A record holds the rating, an optional reason from a fixed list and the passages the answer cited.
The patient's own words are kept only when they ticked "share my question" (question is None otherwise).
Stores keep records as dicts (FeedbackRecord.to_dict()), in memory or in Redis.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
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
    """Implemented by MemoryFeedbackStore (service/store/memory.py) and RedisFeedbackStore."""

    def add(self, record: dict) -> None:
        """Keep one rating (FeedbackRecord.to_dict()); raises StoreUnavailable when the store is down."""

    def recent(self, limit: int = 100) -> list[dict]:
        """Records kept within the retention period, newest first."""

    def counts_by_passage(self) -> dict[str, dict[str, int]]:
        """{passage_id: {"up": n, "down": n}} over all ratings kept."""

    def ping(self) -> bool:
        """True when the store is reachable."""


def count_ratings(records: Iterable[dict]) -> dict[str, dict[str, int]]:
    """Thumbs up and down per cited passage."""
    counts: dict[str, Counter] = {}
    for record in records:
        rating = record.get("rating")
        if rating not in RATINGS:
            continue
        for pid in record.get("passage_ids") or ():
            counts.setdefault(str(pid), Counter())[rating] += 1
    return {pid: {"up": c["up"], "down": c["down"]} for pid, c in counts.items()}
