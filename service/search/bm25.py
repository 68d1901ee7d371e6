"""BM25 as a precomputed sparse term-by-passage impact matrix.

Scores equal rank_bm25.BM25Okapi(corpus).get_scores(query) for the same tokens:
the same idf (with its epsilon floor for negative idf) and the same length
normalisation, computed once at build time. A query then only gathers the
postings of its terms and adds them with np.bincount: no Python loop over passages.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

K1 = 1.5
B = 0.75
EPSILON = 0.25


@dataclass
class ImpactMatrix:
    """Rows are terms (global vocabulary ids), columns are passages of one partition."""

    matrix: sp.csr_matrix  # float64, shape (vocabulary, passages)
    columns: np.ndarray  # int32: column -> global passage index

    @property
    def n_passages(self) -> int:
        return self.matrix.shape[1]


def okapi_idf(doc_freq: np.ndarray, n_docs: int, epsilon: float = EPSILON) -> np.ndarray:
    """rank-bm25's BM25Okapi idf: negative values are floored at epsilon * mean idf.

    doc_freq holds one entry per term that occurs in the partition.
    """
    idf = np.log(n_docs - doc_freq + 0.5) - np.log(doc_freq + 0.5)
    if len(idf) == 0:
        return idf
    average = float(idf.sum()) / len(idf)
    idf[idf < 0] = epsilon * average
    return idf


def build_impact_matrix(
    docs: Sequence[Sequence[int]],
    vocab_size: int,
    columns: np.ndarray,
    k1: float = K1,
    b: float = B,
    epsilon: float = EPSILON,
) -> ImpactMatrix:
    """docs[i] holds the term ids of passage columns[i], in order, duplicates kept."""
    n = len(docs)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    tfs: list[np.ndarray] = []
    doc_len = np.zeros(n, dtype=np.float64)
    for j, ids in enumerate(docs):
        doc_len[j] = len(ids)
        counts = Counter(ids)
        if not counts:
            continue
        rows.append(np.fromiter(counts.keys(), dtype=np.int64, count=len(counts)))
        tfs.append(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))
        cols.append(np.full(len(counts), j, dtype=np.int64))
    if not rows or n == 0:
        empty = sp.csr_matrix((vocab_size, n), dtype=np.float64)
        return ImpactMatrix(empty, columns.astype(np.int32))
    r = np.concatenate(rows)
    c = np.concatenate(cols)
    tf = np.concatenate(tfs)
    avgdl = doc_len.sum() / n
    # Document frequency over the terms present in this partition (as rank-bm25 does).
    df_all = np.bincount(r, minlength=vocab_size).astype(np.float64)
    present = df_all > 0
    idf_all = np.zeros(vocab_size, dtype=np.float64)
    idf_all[present] = okapi_idf(df_all[present], n, epsilon)
    norm = k1 * (1 - b + b * doc_len[c] / avgdl)
    impact = idf_all[r] * (tf * (k1 + 1) / (tf + norm))
    matrix = sp.csr_matrix((impact, (r, c)), shape=(vocab_size, n), dtype=np.float64)
    matrix.sort_indices()
    return ImpactMatrix(matrix, columns.astype(np.int32))


def score_terms(impacts: ImpactMatrix, term_ids: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Score every passage column: the weighted sum of the query terms' impact rows."""
    m = impacts.matrix
    n = m.shape[1]
    if len(term_ids) == 0:
        return np.zeros(n, dtype=np.float64)
    starts = m.indptr[term_ids]
    ends = m.indptr[term_ids + 1]
    lengths = ends - starts
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(n, dtype=np.float64)
    # Gather the postings of all query terms as one index array (no per-passage loop).
    offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
    positions = np.arange(total) + offsets
    return np.bincount(
        m.indices[positions],
        weights=m.data[positions] * np.repeat(weights, lengths),
        minlength=n,
    )


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k best positive scores, best first (ties broken by index)."""
    positive = np.flatnonzero(scores > 0)
    if len(positive) == 0 or k <= 0:
        return positive[:0]
    if len(positive) > k:
        part = np.argpartition(-scores[positive], k - 1)[:k]
        positive = positive[part]
    order = np.lexsort((positive, -scores[positive]))
    return positive[order]
