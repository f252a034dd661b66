"""The default backend: the engine's own index, in memory (`sparse_bm25`, `window_bm25`)."""
from __future__ import annotations

import numpy as np

from retrieval.backends import Ranked
from retrieval.bm25 import Scorer, top_k
from retrieval.passage_rank import best_passages
from retrieval.passages import Sentences
from retrieval.sparse_bm25 import SparseBM25
from retrieval.tokenize import tokenize
from retrieval.window_bm25 import WindowBM25

SMALL_CORPUS = 2000  # sentences; below this, passages BM25Okapi scores at zero are scanned


class InProcessSearch:
    """Exact top-k over the sentence and window scorers of one in-memory index."""

    def __init__(self, own: Scorer, window: Scorer, sentences: Sentences) -> None:
        self.own, self.window, self.sentences = own, window, sentences

    def search(self, terms: list[str], k: int) -> Ranked:
        return Ranked(self.ranked(terms, k))

    def ranked(self, terms: list[str], k: int) -> list[tuple[int, float]]:
        """The k best passages (index, score) for query terms."""
        if not terms:
            return []
        own, window = self.own, self.window
        if len(self.sentences) > SMALL_CORPUS and isinstance(own, SparseBM25) and isinstance(
                window, WindowBM25):  # exact, scoring only the passages that can make it
            return best_passages(own, window, terms, k)
        scores = own.get_scores(terms) + window.get_scores(terms)
        ranked = top_k(scores, k)
        if len(ranked) < k and len(self.sentences) <= SMALL_CORPUS:
            ranked += self._overlap_ranked(terms, scores, k - len(ranked), {i for i, _ in ranked})
        return ranked

    def _overlap_ranked(
        self, terms: list[str], scores: np.ndarray, k: int, taken: set[int]
    ) -> list[tuple[int, float]]:
        """Passages sharing a term with the query that BM25Okapi scores zero or below.

        In a corpus of a few sentences most terms occur in half the passages or more, and
        BM25Okapi's idf gives them no weight; the passages still match the question.
        """
        wanted = set(terms)
        matches = [
            (len(wanted & set(tokenize(s.text))), float(scores[i]), i)
            for i, s in enumerate(self.sentences) if i not in taken
        ]
        best = sorted((m for m in matches if m[0] > 0), key=lambda m: (-m[0], -m[1], m[2]))[:k]
        return [(i, score) for _, score, i in best]
