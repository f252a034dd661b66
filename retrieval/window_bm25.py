"""BM25Okapi over sentence windows, scored from the sentence index: no window index is kept.

A sentence's window is its document's title and the sentences i-c..i+c of its document. A
term's frequency in a window is the sum of its frequencies in those parts, so the term's
window postings follow from its sentence postings and the titles that hold it; each weight is
then rank-bm25's, from the window's length and the term's window document frequency.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.arrays import load_arrays, save_arrays
from retrieval.okapi import length_norm, raw_idf, weight
from retrieval.sparse_bm25 import SparseBM25

FORMAT = "qabot-window-bm25/1"
_WIDE = 20  # a term in over 1/_WIDE of the windows: counted over all windows, not merged


class WindowBM25:
    """Window scores of a sentence index: terms are its rows, then the title-only `extra` terms.

    `titles` holds, per term, the documents whose title has it and how often (CSR: indptr,
    docs, tf); `df` each term's window count, `bound` the most it weighs in any window.
    """

    def __init__(self, own: SparseBM25, doc: np.ndarray, params: dict[str, Any],
                 extra: dict[str, int], arrays: dict[str, np.ndarray]) -> None:
        self.own, self.doc, self.params, self.extra = own, doc, params, extra
        self.title_indptr, self.title_docs, self.title_tf = (
            arrays["title_indptr"], arrays["title_docs"], arrays["title_tf"])
        self.df, self.bound = arrays["df"], arrays["bound"]
        n, context = len(doc), params["context"]
        self.doc_start = np.searchsorted(doc, np.arange(params["documents"]))
        self.doc_end = np.searchsorted(doc, np.arange(params["documents"]), side="right")
        self.doc_size = self.doc_end - self.doc_start
        self.length = window_lengths(doc, own.doc_len, self._title_lengths(), context)
        # same[s - 1][i]: sentences i and i + s share a document
        self.same = [doc[s:] == doc[:-s] for s in range(1, context + 1)]
        avgdl = int(self.length.sum()) / n
        self.norm = length_norm(self.length, params["k1"], params["b"], avgdl)
        held = self.df > 0  # a term in no window has no idf: rank-bm25 adds 0 for it
        self.idf = np.zeros(len(self.df))
        self.idf[held] = raw_idf(self.df[held], n)
        self.idf[self.idf < 0] = params["epsilon"] * params["average_idf"]

    def _title_lengths(self) -> np.ndarray:
        """How many terms each document's title has."""
        counts = np.bincount(self.title_docs, weights=self.title_tf,
                             minlength=self.params["documents"])
        return counts.astype(np.int64)

    def term(self, word: str) -> int | None:
        """The term id of `word`, or None when no window holds it."""
        t = self.own.vocab.get(word)
        return self.extra.get(word) if t is None else t

    def size(self, t: int) -> int:
        """About how many postings the term's window list has: its cost to expand."""
        own = int(self.own.indptr[t + 1] - self.own.indptr[t]) if t < len(self.own.vocab) else 0
        lo, hi = self.title_indptr[t], self.title_indptr[t + 1]
        docs = self.title_docs[lo:hi]
        sentences = int(self.doc_size[docs].sum())
        return (2 * self.params["context"] + 1) * own + sentences

    def posting(self, t: int) -> tuple[np.ndarray, np.ndarray]:
        """The windows holding term t, ascending, and its weight in each."""
        if self.size(t) * _WIDE > len(self.doc):
            counts = self._all_counts(t)
            windows = np.flatnonzero(counts)
            return windows, self.weights(t, windows, counts[windows])
        keys, counts = [], []
        if t < len(self.own.vocab):
            lo, hi = self.own.indptr[t], self.own.indptr[t + 1]
            held, tf = self.own.indices[lo:hi], self.own.tf[lo:hi]
            for shift in range(-self.params["context"], self.params["context"] + 1):
                window, ok = self._neighbours(held, shift)
                keys.append(window[ok])
                counts.append(tf[ok])
        docs, tf = self._titles(t)
        if len(docs):  # every window of a document whose title holds the term
            first, sizes = self.doc_start[docs], self.doc_size[docs]
            keys.append(np.repeat(first - np.cumsum(sizes) + sizes, sizes) + np.arange(sizes.sum()))
            counts.append(np.repeat(tf, sizes))
        key = np.concatenate(keys)
        order = np.argsort(key, kind="stable")  # a few sorted runs: merged, not re-sorted
        key, count = key[order], np.concatenate(counts).astype(np.int64)[order]
        starts = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
        windows = key[starts]
        return windows, self.weights(t, windows, np.add.reduceat(count, starts))

    def spread(self, t: int) -> tuple[np.ndarray | slice, np.ndarray]:
        """Term t's weights and where they go: its windows, or all windows for a common term
        (0.0 where it is absent: adding it changes no score, and costs less than finding where)."""
        if self.size(t) * _WIDE > len(self.doc):
            return slice(None), self.weights(t, slice(None), self._all_counts(t))
        return self.posting(t)

    def _all_counts(self, t: int) -> np.ndarray:
        """Term t's count in every window: its sentences' counts shifted into their neighbours."""
        own = np.zeros(len(self.doc), dtype=np.int32)
        if t < len(self.own.vocab):
            lo, hi = self.own.indptr[t], self.own.indptr[t + 1]
            own[self.own.indices[lo:hi]] = self.own.tf[lo:hi]
        counts = own.copy()
        for shift, same in enumerate(self.same, start=1):
            counts[:-shift] += own[shift:] * same
            counts[shift:] += own[:-shift] * same
        docs, tf = self._titles(t)
        if len(docs):  # each title's count over its document's windows, as a running sum
            steps = np.zeros(len(self.doc) + 1, dtype=np.int32)
            np.add.at(steps, self.doc_start[docs], tf)
            np.add.at(steps, self.doc_end[docs], -tf)
            counts += np.cumsum(steps[:-1])
        return counts

    def frequencies(self, t: int, windows: np.ndarray) -> np.ndarray:
        """How often term t occurs in each of the ascending `windows` (0: never)."""
        out = np.zeros(len(windows), dtype=np.int64)
        if t < len(self.own.vocab):
            for shift in range(-self.params["context"], self.params["context"] + 1):
                sentence, ok = self._neighbours(windows, shift)
                out += self.own.frequencies(t, sentence) * ok
        docs, tf = self._titles(t)
        if len(docs):
            of = self.doc[windows]
            at = np.minimum(np.searchsorted(docs, of), len(docs) - 1)
            out += np.where(docs[at] == of, tf[at], 0)
        return out

    def weights(self, t: int, windows: np.ndarray | slice, tf: np.ndarray) -> np.ndarray:
        """Term t's weight in `windows`, where it occurs `tf` times."""
        return weight(self.idf[t], tf, self.norm[windows], self.params["k1"])

    def get_scores(self, query: list[str]) -> np.ndarray:
        """BM25Okapi score of every window, equal to rank-bm25's over the windows' term lists."""
        scores = np.zeros(len(self.doc))
        found: dict[int, tuple[np.ndarray | slice, np.ndarray]] = {}
        for word in query:  # in query order, repeats again: rank-bm25's sum order
            if (t := self.term(word)) is not None:
                windows, weights = found[t] if t in found else found.setdefault(t, self.spread(t))
                scores[windows] += weights
        return scores

    def _neighbours(self, sentences: np.ndarray, shift: int) -> tuple[np.ndarray, np.ndarray]:
        """sentences + shift, clipped, and whether each is in the same document."""
        moved = np.clip(sentences.astype(np.int64) + shift, 0, len(self.doc) - 1)
        return moved, (moved == sentences + shift) & (self.doc[moved] == self.doc[sentences])

    def _titles(self, t: int) -> tuple[np.ndarray, np.ndarray]:
        lo, hi = self.title_indptr[t], self.title_indptr[t + 1]
        return self.title_docs[lo:hi], self.title_tf[lo:hi]

    def save(self, folder: Path) -> None:
        """Write the title postings, document counts and bounds, then meta.json, to `folder`."""
        manifest = save_arrays(folder, {
            "title_indptr": self.title_indptr, "title_docs": self.title_docs,
            "title_tf": self.title_tf, "df": self.df, "bound": self.bound})
        meta = {"format": FORMAT, **self.params, "arrays": manifest, "extra": self.extra}
        (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path, own: SparseBM25, doc: np.ndarray) -> WindowBM25:
        """Read what `save` wrote, for this sentence index; ValueError if anything is wrong."""
        try:
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
            if not isinstance(meta, dict) or meta.get("format") != FORMAT:
                raise ValueError(f"meta.json is not {FORMAT}")
            arrays = load_arrays(folder, meta["arrays"])
            params = {k: meta[k] for k in ("k1", "b", "epsilon", "average_idf", "context",
                                           "documents")}
            _check(own, doc, params, meta["extra"], arrays)
            return cls(own, doc, params, meta["extra"], arrays)
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise ValueError(f"unusable window index in {folder}: {err}") from err


def window_spans(doc: np.ndarray, context: int) -> tuple[np.ndarray, np.ndarray]:
    """The first and last sentence of each sentence's window."""
    i = np.arange(len(doc))
    lo = np.maximum(i - context, np.searchsorted(doc, doc))
    return lo, np.minimum(i + context, np.searchsorted(doc, doc, side="right") - 1)


def window_lengths(doc: np.ndarray, own_len: np.ndarray, title_len: np.ndarray,
                   context: int) -> np.ndarray:
    """Each window's term count: its title's and its sentences'."""
    lo, hi = window_spans(doc, context)
    at = np.concatenate(([0], np.cumsum(own_len)))
    return at[hi + 1] - at[lo] + title_len[doc]


def _check(own: SparseBM25, doc: np.ndarray, params: dict[str, Any], extra: Any,
           arrays: dict[str, np.ndarray]) -> None:
    terms = len(own.vocab) + len(extra) if isinstance(extra, dict) else -1
    ids = sorted(extra.values()) if isinstance(extra, dict) else []
    indptr, docs = arrays["title_indptr"], arrays["title_docs"]
    ok = (
        ids == list(range(len(own.vocab), terms)) and doc.shape == (own.n_passages,)
        and isinstance(params["context"], int) and isinstance(params["documents"], int)
        and arrays["df"].shape == arrays["bound"].shape == (terms,)
        and indptr.shape == (terms + 1,) and indptr[0] == 0 and indptr[-1] == len(docs)
        and (indptr[1:] >= indptr[:-1]).all() and arrays["title_tf"].shape == docs.shape
        and (len(docs) == 0 or (docs.min() >= 0 and docs.max() < params["documents"]))
    )
    if not ok:
        raise ValueError("corrupt index: window terms or titles")
