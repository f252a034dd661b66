"""BM25Okapi as sparse term-passage frequencies: rank-bm25's exact scores, fast top-k."""
from __future__ import annotations

import json
from collections import defaultdict
from itertools import chain, count
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.arrays import load_arrays, save_arrays
from retrieval.okapi import idf, length_norm, weight

FORMAT = "qabot-sparse-bm25/2"
_CHUNK = 1 << 22  # elements per vectorised step: bounds the build's temporaries
_PASSAGE_BLOCK = 1 << 16
_CHEAP = 5_000  # postings few enough to score their union exactly, probing the rest
_SLACK = 1e-9  # relative margin on pruning bounds, far above float rounding error


class SparseBM25:
    """rank-bm25's BM25Okapi from term frequencies: CSR, one row per term, weights when asked.

    A posting is a passage (int32) and its term frequency (the smallest unsigned type that
    holds it): 5 bytes instead of a float64 weight's 12, each weight computed as rank-bm25 does.
    """

    def __init__(
        self, corpus: list[list[str]], k1: float = 1.5, b: float = 0.75, epsilon: float = 0.25
    ) -> None:
        doc_len = np.fromiter(map(len, corpus), dtype=np.int64, count=len(corpus))
        if not doc_len.sum():  # rank-bm25 divides by zero here
            raise ValueError("cannot index a corpus without passages or terms")
        ids: defaultdict[str, int] = defaultdict(count().__next__)
        # Ids in order of first appearance: rank-bm25 sums the idfs in that order.
        terms = map(ids.__getitem__, chain.from_iterable(corpus))
        # passed on, not kept: the build frees this, the largest array, once it is sorted
        self._build(np.fromiter(terms, dtype=np.int64, count=int(doc_len.sum())), doc_len,
                    dict(ids), k1, b, epsilon)

    @classmethod
    def from_ids(cls, ids: np.ndarray, doc_len: np.ndarray, terms: Sequence[str],
                 k1: float = 1.5, b: float = 0.75, epsilon: float = 0.25) -> SparseBM25:
        """The index of passages given as term ids (`terms[i]` is id i), `doc_len[j]` of them each.

        Equal to the index of the same passages as lists of terms, without those lists.
        """
        doc_len = np.asarray(doc_len, dtype=np.int64)
        if not doc_len.sum():  # as above
            raise ValueError("cannot index a corpus without passages or terms")
        first = np.full(len(terms), len(ids), dtype=np.int64)
        np.minimum.at(first, ids, np.arange(len(ids)))
        seen = np.flatnonzero(first < len(ids))
        seen = seen[np.argsort(first[seen])]  # rows in order of first appearance, as above
        row = np.empty(len(terms), dtype=np.int64)
        row[seen] = np.arange(len(seen))
        index = cls.__new__(cls)
        vocab = {terms[i]: r for r, i in enumerate(seen.tolist())}
        index._build(row[ids], doc_len, vocab, k1, b, epsilon)
        return index

    def _build(self, key: np.ndarray, doc_len: np.ndarray, vocab: dict[str, int],
               k1: float, b: float, epsilon: float) -> None:
        """Index `key`, every token's row in corpus order (overwritten)."""
        df, passages, tf = _postings(key, doc_len, len(vocab))
        del key
        params = {"k1": k1, "b": b, "epsilon": epsilon, "avgdl": int(doc_len.sum()) / len(doc_len)}
        indptr = np.concatenate(([0], np.cumsum(df)))
        self._adopt(params, vocab, doc_len, indptr, passages, tf.astype(_smallest(tf.max())))
        # a row's best weight bounds what its term can add to any passage, for pruning
        self.term_max = np.empty(len(df))
        bounds = np.searchsorted(indptr, np.arange(0, len(tf), _CHUNK))
        for t0, t1 in zip(bounds, np.append(bounds[1:], len(df))):  # whole rows per step
            s = slice(indptr[t0], indptr[t1])
            w = weight(np.repeat(self.idf[t0:t1], df[t0:t1]), tf[s], self.norm[passages[s]], k1)
            self.term_max[t0:t1] = np.maximum.reduceat(w, indptr[t0:t1] - indptr[t0])

    def _adopt(self, params: dict[str, float], vocab: dict[str, int], doc_len: np.ndarray,
               indptr: np.ndarray, indices: np.ndarray, tf: np.ndarray) -> None:
        self.params = params
        self.vocab = vocab
        self.doc_len = doc_len
        self.indptr = indptr.astype(np.int64)
        self.indices = indices
        self.tf = tf
        self.idf, self.params["average_idf"] = idf(np.diff(self.indptr), len(doc_len),
                                                   params["epsilon"])
        self.norm = length_norm(doc_len, params["k1"], params["b"], params["avgdl"])

    @property
    def n_passages(self) -> int:
        return len(self.doc_len)

    def _rows(self, query: list[str]) -> list[int]:
        return [r for t in query if (r := self.vocab.get(t)) is not None]

    def get_scores(self, query: list[str]) -> np.ndarray:
        """BM25Okapi score of every passage, equal to rank-bm25's `get_scores`."""
        scores = np.zeros(self.n_passages)
        for r in self._rows(query):  # in query order, repeats again: rank-bm25's sum order
            passages, weights = self.posting(r)
            scores[passages] += weights
        return scores

    def top_k(self, query: list[str], k: int) -> list[tuple[int, float]]:
        """The k best (passage, score) pairs scoring above 0, best first, ties to lower index."""
        occurrences = self._rows(query)
        if k <= 0 or not occurrences:
            return []
        terms, repeats = np.unique(occurrences, return_counts=True)
        df = self.indptr[terms + 1] - self.indptr[terms]
        order = np.argsort(df, kind="stable")  # rare terms first: short lists, big weights
        terms, repeats, df = terms[order], repeats[order], df[order]
        bound = repeats * self.term_max[terms]
        if (bound < 0).any():  # an idf floored below zero: partial sums bound nothing
            scores = self.get_scores(query)
            cand = np.flatnonzero(scores > 0)
            return _best(cand, scores[cand], k)
        # rest[j]: the most a passage holding none of terms[:j] can score
        rest = np.append(np.cumsum(bound[::-1])[::-1], 0.0) * (1 + _SLACK)
        used = int(np.searchsorted(np.cumsum(df), _CHEAP, side="right"))
        if used:  # the rarest lists are short: score their union exactly
            lists = [self.posting(t)[0] for t in terms[:used]]
            cand = lists[0] if used == 1 else np.unique(np.concatenate(lists))
            best = _best(cand, self._exact(cand, occurrences), k)
            if used == len(terms) or (len(best) == k and rest[used] < best[-1][1]):
                return best  # nobody outside `cand` can reach the k-th score
        return self._pruned(occurrences, terms, repeats, rest, max(used, 1), k)

    def _pruned(self, occurrences: list[int], terms: np.ndarray, repeats: np.ndarray,
                rest: np.ndarray, used: int, k: int) -> list[tuple[int, float]]:
        """MaxScore: add up the lists of terms[:used] densely; only probe the others' lists."""
        partial = np.zeros(self.n_passages)
        done = 0
        while True:
            for t, m in zip(terms[done:used], repeats[done:used]):
                passages, weights = self.posting(t)
                partial[passages] += weights * m
            done = used
            cand = np.flatnonzero(partial > 0)
            theta = 0.0  # below the k-th best exact score (all weights here are >= 0)
            if len(cand) >= k:
                sums = partial[cand]
                theta = np.partition(sums, len(sums) - k)[len(sums) - k] * (1 - _SLACK)
            if used == len(terms) or (theta > 0 and rest[used] < theta):
                cand = cand[partial[cand] + rest[used] >= theta]
                return _best(cand, self._exact(cand, occurrences), k)
            used = int(np.argmax(rest < theta)) if theta > 0 else used + 1

    def posting(self, row: int) -> tuple[np.ndarray, np.ndarray]:
        """The passages holding the term of `row`, ascending, and its weight in each."""
        lo, hi = self.indptr[row], self.indptr[row + 1]
        passages = self.indices[lo:hi]
        return passages, weight(self.idf[row], self.tf[lo:hi], self.norm[passages],
                                self.params["k1"])

    def frequencies(self, row: int, passages: np.ndarray) -> np.ndarray:
        """How often the term of `row` occurs in each of the ascending `passages` (0: never)."""
        lo, hi = self.indptr[row], self.indptr[row + 1]
        held = self.indices[lo:hi]
        at = np.minimum(np.searchsorted(held, passages), hi - lo - 1)
        return np.where(held[at] == passages, self.tf[lo:hi][at], 0)

    def _exact(self, cand: np.ndarray, occurrences: list[int]) -> np.ndarray:
        """Scores of the ascending passages `cand`, summed in rank-bm25's order."""
        found: dict[int, np.ndarray] = {}
        scores = np.zeros(len(cand))
        for r in occurrences:
            if r not in found:  # a missing term's weight is 0.0, as in rank-bm25
                found[r] = weight(self.idf[r], self.frequencies(r, cand), self.norm[cand],
                                  self.params["k1"])
            scores += found[r]
        return scores

    def save(self, folder: Path) -> None:
        """Write the postings, lengths and bounds as .npy files and meta.json to `folder`."""
        manifest = save_arrays(folder, {
            "indptr": self.indptr, "passages": self.indices, "tf": self.tf,
            "lengths": self.doc_len, "term_max": self.term_max})
        meta = {"format": FORMAT, **self.params, "passages": self.n_passages,
                "terms": len(self.vocab), "postings": len(self.indices),
                "tokens": int(self.doc_len.sum()), "arrays": manifest, "vocabulary": self.vocab}
        # written last: a save cut short leaves no meta.json, so `load` refuses it
        (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> SparseBM25:
        """Read an index written by `save`; ValueError if a file is missing, cut or corrupt."""
        try:
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
            if not isinstance(meta, dict) or meta.get("format") != FORMAT:
                raise ValueError(f"meta.json is not {FORMAT}")
            arrays = load_arrays(folder, meta["arrays"])
            index = cls.__new__(cls)
            index._adopt(*_checked(meta, arrays))
            index.term_max = arrays["term_max"]
            if index.params["average_idf"] != meta["average_idf"] or index.term_max.shape != (
                    len(index.vocab),):
                raise ValueError("corrupt index: idf or bounds")
        except (OSError, ValueError, EOFError, KeyError, TypeError) as err:
            raise ValueError(f"unusable BM25 index in {folder}: {err}") from err
        return index


def _slices(n: int) -> list[slice]:
    return [slice(lo, min(lo + _CHUNK, n)) for lo in range(0, n, _CHUNK)]


def _postings(key: np.ndarray, doc_len: np.ndarray, n_terms: int) -> tuple[np.ndarray, ...]:
    """Per term its passage count, then each distinct (term, passage) pair's passage and tf.

    `key` holds the term id of every token in corpus order; it is overwritten. Work goes
    in chunks so that no temporary is as large as `key`.
    """
    n = len(doc_len)
    starts = np.concatenate(([0], np.cumsum(doc_len)))
    key *= n
    for lo in range(0, n, _PASSAGE_BLOCK):
        hi = min(lo + _PASSAGE_BLOCK, n)
        key[starts[lo]:starts[hi]] += np.repeat(np.arange(lo, hi), doc_len[lo:hi])
    key.sort()  # term-major, then passage: CSR order
    first = np.empty(len(key), dtype=bool)
    first[0] = True
    np.not_equal(key[1:], key[:-1], out=first[1:])
    n_pairs = int(np.count_nonzero(first))
    passages = np.empty(n_pairs, dtype=np.int32)
    tf = np.empty(n_pairs, dtype=np.int32 if len(key) < 2**31 else np.int64)
    df = np.zeros(n_terms, dtype=np.int64)
    at = 0
    for s in _slices(len(key)):
        begins = np.flatnonzero(first[s]) + s.start
        pair = key[begins]
        term = pair // n
        passages[at:at + len(begins)] = pair - term * n
        tf[at:at + len(begins)] = begins  # where each run begins, until turned into lengths
        df += np.bincount(term, minlength=n_terms)
        at += len(begins)
    for s in _slices(n_pairs - 1):  # forward, so tf[s.stop] is still a run's beginning
        tf[s] = tf[s.start + 1:s.stop + 1] - tf[s]
    tf[-1] = len(key) - tf[-1]
    return df, passages, tf


def _best(passages: np.ndarray, scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    """The k highest positive scores, ties to the lower passage; `passages` ascending."""
    keep = scores > 0
    passages, scores = passages[keep], scores[keep]
    if len(scores) > k:
        kth = np.partition(scores, len(scores) - k)[len(scores) - k]
        keep = scores >= kth
        passages, scores = passages[keep], scores[keep]
    order = np.lexsort((passages, -scores))[:k]
    return [(int(p), float(s)) for p, s in zip(passages[order], scores[order])]


def _smallest(largest: int) -> type:
    """The smallest unsigned integer type that holds `largest`."""
    return next(t for t in (np.uint8, np.uint16, np.uint32) if largest <= np.iinfo(t).max)


def _checked(meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> tuple[Any, ...]:
    """The parts of a loaded index, after checking the arrays agree with meta.json."""
    def need(ok: Any, what: str) -> None:
        if not ok:
            raise ValueError(f"corrupt index: {what}")

    n, v, nnz = (meta[key] for key in ("passages", "terms", "postings"))
    need(all(isinstance(x, int) and x > 0 for x in (n, v, nnz)) and n < 2**31, "bad counts")
    vocab = meta["vocabulary"]
    need(isinstance(vocab, dict) and len(vocab) == v, "vocabulary size")
    need(all(type(r) is int for r in vocab.values()), "vocabulary rows")
    rows = np.fromiter(vocab.values(), dtype=np.int64, count=v)
    need(rows.min() == 0 and rows.max() == v - 1 and len(np.unique(rows)) == v, "vocabulary rows")
    doc_len, indptr, indices, tf = (arrays[k] for k in ("lengths", "indptr", "passages", "tf"))
    need(doc_len.shape == (n,) and doc_len.dtype == np.int64, "lengths shape")
    need(doc_len.min() >= 0 and int(doc_len.sum()) == meta["tokens"], "lengths values")
    params = {key: meta[key] for key in ("k1", "b", "epsilon", "avgdl")}
    need(all(isinstance(x, float | int) for x in params.values()), "parameters")
    need(params["avgdl"] == meta["tokens"] / n, "avgdl")
    need(indptr.shape == (v + 1,) and indptr.dtype == np.int64, "row pointers")
    need(indices.shape == tf.shape == (nnz,) and indices.dtype == np.int32, "postings shape")
    need(tf.dtype.kind == "u" and tf.min() > 0, "term frequencies")
    # x[1:] > x[:-1] rather than np.diff(x) > 0: no integer temporary as big as the index
    need(indptr[0] == 0 and indptr[-1] == nnz and (indptr[1:] > indptr[:-1]).all(), "row pointers")
    need(indices.min() >= 0 and indices.max() < n, "passage indices")
    ascending = indices[1:] > indices[:-1]
    ascending[indptr[1:-1] - 1] = True  # a new row may start lower
    need(ascending.all(), "passages out of order")
    return params, vocab, doc_len, indptr, indices, tf
