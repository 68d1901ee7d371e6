"""top_k is exact: the k best positive scores, best first, ties broken by index (also on the sampled path)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from service.search.bm25 import TOP_K_SAMPLE, top_k


def reference(scores: np.ndarray, k: int) -> list[int]:
    positive = [i for i in range(len(scores)) if scores[i] > 0]
    return sorted(positive, key=lambda i: (-scores[i], i))[:k]


@settings(max_examples=60, deadline=None)
@given(
    n=st.sampled_from([0, 1, 5, 50, TOP_K_SAMPLE * 2 + 7, TOP_K_SAMPLE * 5]),
    k=st.integers(min_value=0, max_value=30),
    levels=st.integers(min_value=1, max_value=50),
    seed=st.integers(min_value=0, max_value=2**31),
)
def test_top_k_matches_a_full_sort(n: int, k: int, levels: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    # Few distinct levels make many ties; some zero and negative scores must never be returned.
    scores = rng.integers(-2, levels, size=n).astype(np.float64) / 3
    assert top_k(scores, k).tolist() == reference(scores, k)


def test_top_k_with_few_positive_scores_on_the_sampled_path() -> None:
    scores = np.zeros(TOP_K_SAMPLE * 8)
    scores[[3, 9000, 77]] = [1.0, 2.0, 1.0]
    assert top_k(scores, 10).tolist() == [9000, 3, 77]
