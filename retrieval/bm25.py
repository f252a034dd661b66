"""BM25Okapi retrieval over tokenized passages (rank-bm25 semantics)."""
from __future__ import annotations

from typing import Protocol

import numpy as np
from rank_bm25 import BM25Okapi

from retrieval.sparse_bm25 import SparseBM25


class Scorer(Protocol):
    """A BM25 backend: exact BM25Okapi scores for every passage."""

    def get_scores(self, query: list[str]) -> np.ndarray: ...


def top_k(scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    """The k best (index, score) pairs with a positive score, best first, without a full sort."""
    k = min(k, len(scores))
    if k <= 0:
        return []
    idx = np.argpartition(-scores, k - 1)[:k]
    idx = idx[np.lexsort((idx, -scores[idx]))]
    return [(int(i), float(scores[i])) for i in idx if scores[i] > 0]


def rank_bm25_scorer(corpus: list[list[str]]) -> Scorer:
    """The reference implementation, rank-bm25's BM25Okapi."""
    return BM25Okapi(corpus)


def make_scorer(corpus: list[list[str]], backend: str = "sparse") -> Scorer:
    """The BM25Okapi scorer for `backend`: "sparse" (SparseBM25) or "rank-bm25"."""
    if backend == "sparse":
        return SparseBM25(corpus)
    if backend == "rank-bm25":
        return rank_bm25_scorer(corpus)
    raise ValueError(f"unknown BM25 backend {backend!r}")
