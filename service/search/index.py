"""The search index: passages, vocabulary and one BM25 impact matrix per audience partition.

Partitions: "patient" holds patient passages only, so a patient query never scores
clinician text and its BM25 statistics come from patient text alone; "all" holds
every passage for staff. Clinician-only searches use "all" with a column mask.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from ..corpus.ingest import ingest_library
from ..corpus.models import Passage
from .analyzer import Analyzer
from .bm25 import EPSILON, K1, B, ImpactMatrix, build_impact_matrix, score_terms, top_k
from .vocabulary import VOCABULARY_VERSION, mine_vocabulary

AUDIENCE_MODES = ("patient", "clinician", "all")


@dataclass(frozen=True)
class IndexSettings:
    """Everything besides the library that changes the index; part of its fingerprint."""

    title_weight: int = 2
    section_weight: int = 1
    k1: float = K1
    b: float = B
    epsilon: float = EPSILON
    vocabulary: int = VOCABULARY_VERSION  # the mined vocabulary's format: a new one rebuilds the index

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float
    index: int  # global passage index


def index_tokens(passage: Passage, analyzer: Analyzer, settings: IndexSettings) -> list[str]:
    """The tokens BM25 sees for a passage: title and headings repeated, then the text.

    Repeating field tokens is a simple field weighting that keeps the model plain BM25,
    so that scores stay comparable with rank-bm25 on these same token lists.
    """
    title = analyzer.tokens(passage.title) * settings.title_weight
    section = analyzer.tokens(passage.section.replace(" > ", " ")) * settings.section_weight
    return title + section + analyzer.tokens(passage.text)


class SearchIndex:
    def __init__(
        self,
        passages: list[Passage],
        vocab: dict[str, int],
        partitions: dict[str, ImpactMatrix],
        manifest: dict,
        analyzer: Analyzer,
    ) -> None:
        self.passages = passages
        self.vocab = vocab
        self.partitions = partitions
        self.manifest = manifest
        self.analyzer = analyzer
        self.settings = IndexSettings(**manifest.get("settings", {}))
        audiences = np.array([p.audience == "clinician" for p in passages], dtype=bool)
        self._clinician_columns = audiences[partitions["all"].columns] if "all" in partitions else None

    @property
    def fingerprint(self) -> str:
        return self.manifest["fingerprint"]

    def query_weights(self, query: str | Mapping[str, float]) -> tuple[np.ndarray, np.ndarray]:
        """Term ids and weights for a query: text is analyzed (repeats add up, as in BM25Okapi)."""
        weights: dict[int, float] = {}
        if isinstance(query, str):
            for token in self.analyzer.tokens(query):
                tid = self.vocab.get(token)
                if tid is not None:
                    weights[tid] = weights.get(tid, 0.0) + 1.0
        else:
            for token, w in query.items():
                tid = self.vocab.get(token)
                if tid is not None and w > 0:
                    weights[tid] = weights.get(tid, 0.0) + float(w)
        ids = np.fromiter(weights.keys(), dtype=np.int64, count=len(weights))
        return ids, np.fromiter(weights.values(), dtype=np.float64, count=len(weights))

    def scores(self, query: str | Mapping[str, float], audience: str = "patient") -> tuple[np.ndarray, np.ndarray]:
        """(scores per column, column -> global passage index) for an audience mode."""
        if audience not in AUDIENCE_MODES:
            raise ValueError(f"unknown audience {audience!r}")
        part = self.partitions["patient" if audience == "patient" else "all"]
        ids, weights = self.query_weights(query)
        scores = score_terms(part, ids, weights)
        if audience == "clinician":
            scores = np.where(self._clinician_columns, scores, 0.0)
        return scores, part.columns

    def search(self, query: str | Mapping[str, float], audience: str = "patient", k: int = 10) -> list[Hit]:
        scores, columns = self.scores(query, audience)
        best = top_k(scores, k)
        return [Hit(self.passages[int(columns[c])], float(scores[c]), int(columns[c])) for c in best]


def build_index(
    root: Path,
    fingerprint: str,
    settings: IndexSettings | None = None,
    analyzer: Analyzer | None = None,
    progress: Callable[[str], None] | None = None,
) -> SearchIndex:
    settings = settings or IndexSettings()
    analyzer = analyzer or Analyzer()
    started = time.perf_counter()
    passages, report = ingest_library(root, progress=progress)
    if progress:
        progress(f"  analyzing {len(passages)} passages")
    vocab: dict[str, int] = {}
    docs: list[list[int]] = []
    for p in passages:
        docs.append([vocab.setdefault(t, len(vocab)) for t in index_tokens(p, analyzer, settings)])
    partitions = {}
    for name, keep in (("patient", lambda p: p.audience == "patient"), ("all", lambda p: True)):
        cols = np.array([i for i, p in enumerate(passages) if keep(p)], dtype=np.int32)
        partitions[name] = build_impact_matrix(
            [docs[i] for i in cols], len(vocab), cols, settings.k1, settings.b, settings.epsilon
        )
    if progress:
        progress("  mining acronyms and aliases")
    vocabulary = mine_vocabulary(passages, analyzer)
    report.seconds = time.perf_counter() - started
    manifest = {
        "vocabulary": vocabulary,
        "fingerprint": fingerprint,
        "settings": settings.to_dict(),
        "analyzer": analyzer.fingerprint,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "report": report.to_dict(),
    }
    return SearchIndex(passages, vocab, partitions, manifest, analyzer)
