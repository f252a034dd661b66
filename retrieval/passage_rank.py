"""The k best passages by sentence plus window score, scoring only passages that can make it.

MaxScore over both scorers: terms are expanded rarest first, and once the passages seen so
far hold k scores that the remaining terms' bounds cannot reach from outside, only those
passages are scored exactly. The result is what `top_k` returns over the scores of all passages.
"""
from __future__ import annotations

import numpy as np

from retrieval.bm25 import top_k
from retrieval.okapi import weight
from retrieval.sparse_bm25 import SparseBM25
from retrieval.window_bm25 import WindowBM25

_SLACK = 1e-9  # relative margin on pruning bounds, far above float rounding error
_DENSE = 16  # candidates beyond 1/_DENSE of the passages: summing over all of them is cheaper

Posting = tuple[np.ndarray, np.ndarray]


def best_passages(own: SparseBM25, window: WindowBM25, query: list[str],
                  k: int) -> list[tuple[int, float]]:
    """The k best (passage, score) pairs scoring above 0, as `top_k(own + window scores, k)`."""
    occurrences = [t for word in query if (t := window.term(word)) is not None]
    if k <= 0 or not occurrences:
        return []
    terms, repeats = np.unique(occurrences, return_counts=True)
    mine = terms < len(own.vocab)
    bound = repeats * (np.where(mine, own.term_max[np.where(mine, terms, 0)], 0.0)
                       + window.bound[terms])
    found: dict[int, tuple[Posting, Posting | None]] = {}
    if (bound < 0).any():  # an idf floored below zero: partial sums bound nothing
        return _dense(own, window, occurrences, k, found)
    sizes = np.array([window.size(t) for t in terms.tolist()])
    order = np.argsort(sizes, kind="stable")
    terms, repeats, bound = terms[order].tolist(), repeats[order], bound[order]
    spent = np.cumsum(sizes[order])
    # rest[j]: the most a passage holding none of terms[:j] can score
    rest = np.append(np.cumsum(bound[::-1])[::-1], 0.0) * (1 + _SLACK)
    cand, partial, theta = np.empty(0, dtype=np.int64), np.empty(0), 0.0
    for j, (t, m) in enumerate(zip(terms, repeats)):
        if spent[j] * _DENSE > len(window.doc):  # merging lists this long costs more
            return _dense(own, window, occurrences, k, found)
        found[t] = _postings(own, window, t)
        (windows, weights), mine_t = found[t]
        if mine_t is not None:  # a term of the sentences weighs in its sentences too
            weights = weights.copy()
            weights[np.searchsorted(windows, mine_t[0])] += mine_t[1]
        cand, partial = _merged(cand, partial, windows, weights * m)
        if len(cand) >= k:
            theta = np.partition(partial, len(partial) - k)[len(partial) - k] * (1 - _SLACK)
        if theta > 0 and rest[j + 1] < theta:
            cand = cand[partial + rest[j + 1] >= theta]
            break
    if len(cand) * _DENSE > len(window.doc):
        return _dense(own, window, occurrences, k, found)
    scores = _exact(own, window, cand, occurrences)
    keep = scores > 0
    cand, scores = cand[keep], scores[keep]
    ranked = np.lexsort((cand, -scores))
    if len(ranked) > k and scores[ranked[k - 1]] == scores[ranked[k]]:
        # a tie at the k-th place: which passage `top_k` keeps depends on all the scores
        return _dense(own, window, occurrences, k, found)
    return [(int(cand[i]), float(scores[i])) for i in ranked[:k]]


def _postings(own: SparseBM25, window: WindowBM25, t: int) -> tuple[Posting, Posting | None]:
    return window.posting(t), own.posting(t) if t < len(own.vocab) else None


def _merged(cand: np.ndarray, partial: np.ndarray, windows: np.ndarray,
            weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The union of two ascending passage lists, adding the values of passages in both."""
    key = np.concatenate((cand, windows))
    order = np.argsort(key, kind="stable")  # two sorted runs: merged, not re-sorted
    key, values = key[order], np.concatenate((partial, weights))[order]
    starts = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
    return key[starts], np.add.reduceat(values, starts)


def _exact(own: SparseBM25, window: WindowBM25, cand: np.ndarray,
           occurrences: list[int]) -> np.ndarray:
    """Scores of the ascending passages `cand`: each scorer's sum in query order, then theirs."""
    sentence, windows = np.zeros(len(cand)), np.zeros(len(cand))
    own_weights: dict[int, np.ndarray] = {}
    window_weights: dict[int, np.ndarray] = {}
    for t in occurrences:
        if t < len(own.vocab):  # a term only titles hold adds nothing to a sentence
            if t not in own_weights:
                own_weights[t] = weight(own.idf[t], own.frequencies(t, cand), own.norm[cand],
                                        own.params["k1"])
            sentence += own_weights[t]
        if t not in window_weights:
            window_weights[t] = window.weights(t, cand, window.frequencies(t, cand))
        windows += window_weights[t]
    return sentence + windows


def _dense(own: SparseBM25, window: WindowBM25, occurrences: list[int], k: int,
           found: dict[int, tuple[Posting, Posting | None]]) -> list[tuple[int, float]]:
    """`top_k` over every passage's score, from the postings already `found` and the rest."""
    sentence, windows = np.zeros(len(window.doc)), np.zeros(len(window.doc))
    spread: dict[int, tuple[np.ndarray | slice, np.ndarray]] = {
        t: posting for t, (posting, _) in found.items()}
    mine = {t: posting for t, (_, posting) in found.items() if posting is not None}
    for t in occurrences:
        if t not in spread:
            spread[t] = window.spread(t)
        at, weights = spread[t]
        windows[at] += weights
        if t < len(own.vocab):
            passages, weights = mine[t] if t in mine else mine.setdefault(t, own.posting(t))
            sentence[passages] += weights
    return top_k(sentence + windows, k)
