"""Document-level ranking on top of passage BM25.

Patients ask about a topic ("What are the stages of anal cancer?"); the page that is *about*
that topic should win over pages that mention it. Each candidate page is scored from:
- its best passage's BM25 score (normalised by the query's best score),
- the overlap between the query and the page's title and URL slug (idf-weighted F1, so a page
  titled "Childhood ..." loses to the adult page for a question that does not mention children),
- a mild prior for comprehensive pages (log of the page's length).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlparse

import numpy as np

from .bm25 import okapi_idf, top_k
from .index import Hit, SearchIndex

# Words that say nothing about which page a question is about.
GENERIC_TITLE_WORDS = "cancer pdq patient version nci types type about"


@dataclass(frozen=True)
class RankWeights:
    passage: float = 1.0
    title: float = 1.0
    length: float = 2.0
    candidates: int = 30


@dataclass
class DocumentHit:
    doc_path: str
    score: float
    passages: list[Hit]  # this page's matching passages, best first

    @property
    def title(self) -> str:
        return self.passages[0].passage.title

    @property
    def url(self) -> str | None:
        return self.passages[0].passage.url


def url_slug(url: str | None) -> str:
    if not url:
        return ""
    parts = [p for p in urlparse(url).path.split("/") if p][-2:]
    return " ".join(parts).replace("-", " ")


class _Partition:
    """Per-partition arrays: passage column -> page, page titles, lengths and idf."""

    def __init__(self, index: SearchIndex, name: str) -> None:
        part = index.partitions[name]
        analyzer = index.analyzer
        self.docs: list[str] = []
        doc_ids: dict[str, int] = {}
        col_doc = np.empty(part.n_passages, dtype=np.int32)
        lengths: list[int] = []
        titles: list[set[str]] = []
        for col, gidx in enumerate(part.columns):
            p = index.passages[int(gidx)]
            d = doc_ids.get(p.doc_path)
            if d is None:
                d = doc_ids[p.doc_path] = len(self.docs)
                self.docs.append(p.doc_path)
                lengths.append(0)
                titles.append(set(analyzer.tokens(f"{p.title} {url_slug(p.url)}")))
            col_doc[col] = d
            lengths[d] += len(p.text.split())
        self.col_doc = col_doc
        self.doc_ids = doc_ids
        self.length_prior = np.log1p(np.array(lengths, dtype=np.float64)) / 10.0
        generic = set(analyzer.tokens(GENERIC_TITLE_WORDS))
        self.titles = [t - generic for t in titles]
        self.generic = generic
        df = np.diff(part.matrix.indptr).astype(np.float64)
        idf = np.zeros_like(df)
        present = df > 0
        idf[present] = okapi_idf(df[present], max(part.n_passages, 1))
        # Terms absent from the partition still say something about the question.
        idf[~present] = float(idf[present].max()) if present.any() else 1.0
        self.idf = np.maximum(idf, 0.1)
        self.max_idf = float(self.idf.max()) if len(self.idf) else 1.0


class DocumentRanker:
    def __init__(self, index: SearchIndex, weights: RankWeights | None = None) -> None:
        self.index = index
        self.weights = weights or RankWeights()
        self._parts = {name: _Partition(index, name) for name in index.partitions}

    def partition(self, audience: str) -> _Partition:
        return self._parts["patient" if audience == "patient" else "all"]

    def idf_of(self, term: str, audience: str = "patient") -> float:
        """A term's idf in the audience's partition; unknown terms count as rare."""
        return self._idf(self.partition(audience), term)

    def _idf(self, part: _Partition, term: str) -> float:
        tid = self.index.vocab.get(term)
        return float(part.idf[tid]) if tid is not None else part.max_idf

    def title_f1(self, part: _Partition, doc: int, query: Mapping[str, float]) -> float:
        """idf-weighted F1 between the query terms (with their weights) and the page's title terms."""
        title = part.titles[doc]
        terms = {t: w for t, w in query.items() if t not in part.generic and w > 0}
        if not title or not terms:
            return 0.0
        shared_q = sum(w * self._idf(part, t) for t, w in terms.items() if t in title)
        if shared_q == 0:
            return 0.0
        recall = shared_q / sum(w * self._idf(part, t) for t, w in terms.items())
        shared_t = sum(self._idf(part, t) for t in title if t in terms)
        precision = shared_t / sum(self._idf(part, t) for t in title)
        return 2 * precision * recall / (precision + recall)

    def rank(
        self,
        query: Mapping[str, float],
        audience: str = "patient",
        k_docs: int = 5,
        k_passages: int = 200,
    ) -> list[DocumentHit]:
        """Pages best first, each with its matching passages. Audience filtering is in retrieval."""
        scores, columns = self.index.scores(query, audience)
        part = self.partition(audience)
        best_cols = top_k(scores, k_passages)
        if len(best_cols) == 0:
            return []
        top = float(scores[best_cols[0]])
        by_doc: dict[int, list[int]] = {}
        for c in best_cols:
            by_doc.setdefault(int(part.col_doc[c]), []).append(int(c))
        candidates = list(by_doc)[: self.weights.candidates]
        w = self.weights
        ranked: list[DocumentHit] = []
        for d in candidates:
            cols = by_doc[d]
            score = (
                w.passage * float(scores[cols[0]]) / top
                + w.title * self.title_f1(part, d, query)
                + w.length * float(part.length_prior[d])
            )
            hits = [Hit(self.index.passages[int(columns[c])], float(scores[c]), int(columns[c])) for c in cols]
            ranked.append(DocumentHit(part.docs[d], score, hits))
        ranked.sort(key=lambda h: -h.score)
        return ranked[:k_docs]

    def doc_passages(self, doc_path: str, audience: str = "patient") -> list[int]:
        """Global passage indices of one page in reading order."""
        part = self.partition(audience)
        cols = self.index.partitions["patient" if audience == "patient" else "all"].columns
        return [int(cols[c]) for c in np.flatnonzero(part.col_doc == part.doc_ids[doc_path])]
