"""The pruned search over sentence and window scores returns what a full scoring returns."""
from __future__ import annotations

import numpy as np
import pytest

import retrieval.passage_rank as passage_rank
from retrieval.bm25 import top_k
from retrieval.passage_rank import best_passages
from tests.test_window_bm25 import random_corpus, scorer


def duplicated(seed: int) -> tuple[list[list[list[str]]], list[list[str]]]:
    """A random corpus with each document twice: ties everywhere, at the k-th place too."""
    docs, titles = random_corpus(seed, 60, 80)
    return docs + docs, titles + titles


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("twice", [False, True])
@pytest.mark.parametrize("dense", [16, 10**9])  # the usual switch to full scoring, and never
def test_best_passages_equal_top_k_of_all_scores(
    monkeypatch: pytest.MonkeyPatch, seed: int, twice: bool, dense: int
) -> None:
    monkeypatch.setattr(passage_rank, "_DENSE", dense)
    docs, titles = duplicated(seed) if twice else random_corpus(seed, 150, 120)
    window = scorer(docs, titles, 1)
    own = window.own
    rng = np.random.default_rng(seed)
    vocabulary = list(own.vocab) + list(window.extra) + ["nope"]
    queries = [[], ["nope"], ["w0", "w0"]] + [
        list(rng.choice(vocabulary, size=int(rng.integers(1, 6)))) for _ in range(60)]
    for query in queries:
        scores = own.get_scores(query) + window.get_scores(query)
        for k in (1, 5, 40):
            assert best_passages(own, window, query, k) == top_k(scores, k)
