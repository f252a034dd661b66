"""What window scoring needs beyond the sentence index: title postings, window counts, bounds.

All of it comes from the sentence postings and the titles, without listing any window's terms.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from retrieval.okapi import idf, length_norm, weight
from retrieval.sparse_bm25 import SparseBM25
from retrieval.window_bm25 import WindowBM25, window_spans

_CHUNK = 1 << 22  # postings per vectorised step: bounds the temporaries


def build_window(own: SparseBM25, doc: np.ndarray, title_ids: np.ndarray, title_len: np.ndarray,
                 terms: Sequence[str], context: int, epsilon: float = 0.25) -> WindowBM25:
    """The window scorer of sentence index `own`: `doc` is each sentence's document, and
    `title_ids` (ids into `terms`, `title_len` per document) the documents' title terms."""
    documents = len(title_len)
    title_doc = np.repeat(np.arange(documents), title_len)
    position = np.arange(len(title_ids)) - np.repeat(np.cumsum(title_len) - title_len, title_len)
    keep = np.isin(title_doc, doc)  # a document without sentences has no window
    title_doc, position, ids = title_doc[keep], position[keep], np.asarray(title_ids)[keep]
    row = np.array([own.vocab.get(t, -1) for t in terms], dtype=np.int64)
    unseen = ids[row[ids] < 0]
    new, first = np.unique(unseen, return_index=True)
    new = new[np.argsort(first)]
    row[new] = len(own.vocab) + np.arange(len(new))
    extra = {terms[g]: int(row[g]) for g in new.tolist()}
    term_of = row[ids]
    n_terms = len(own.vocab) + len(extra)
    pair, tf = np.unique(term_of * documents + title_doc, return_counts=True)
    pair_term, pair_doc = pair // documents, pair % documents
    arrays = {
        "title_indptr": np.concatenate(([0], np.cumsum(np.bincount(pair_term, minlength=n_terms)))),
        "title_docs": pair_doc.astype(np.int32), "title_tf": tf.astype(np.int32),
        "df": _window_counts(own, doc, pair_term, pair_doc, n_terms, context),
        "bound": np.zeros(n_terms),
    }
    k1, b = own.params["k1"], own.params["b"]
    order = _first_appearance(own, doc, term_of, title_doc, position, n_terms)
    _, average = idf(arrays["df"][order], len(doc), epsilon)
    params = {"k1": k1, "b": b, "epsilon": epsilon, "average_idf": average, "context": context,
              "documents": documents}
    window = WindowBM25(own, doc, params, extra, arrays)
    shortest, most = _extremes(own, window, pair_term, pair_doc, n_terms)
    avgdl = int(window.length.sum()) / len(doc)
    # weights grow with the count and shrink with the length, rounding included
    window.bound[:] = weight(window.idf, most, length_norm(shortest, k1, b, avgdl), k1)
    return window


def _rows(indptr: np.ndarray) -> Iterator[tuple[int, int, slice]]:
    """Runs of whole rows of about _CHUNK postings: (first row, end row, their postings)."""
    bounds = np.searchsorted(indptr, np.arange(0, indptr[-1], _CHUNK))
    for t0, t1 in zip(bounds.tolist(), np.append(bounds[1:], len(indptr) - 1).tolist()):
        yield t0, t1, slice(int(indptr[t0]), int(indptr[t1]))


def _window_counts(own: SparseBM25, doc: np.ndarray, pair_term: np.ndarray,
                   pair_doc: np.ndarray, n_terms: int, context: int) -> np.ndarray:
    """How many windows hold each term: the union of its sentences' windows and its titles'.

    A sentence is in the windows of its neighbours within `context`: an interval. A term's
    sentences come in order, so each interval adds what it reaches past the one before.
    """
    lo, hi = window_spans(doc, context)
    indptr, held = own.indptr, own.indices
    added = np.empty(len(held), dtype=np.int64)
    for t0, t1, s in _rows(indptr):
        first, last = lo[held[s]], hi[held[s]]
        before = np.empty_like(last)
        before[1:] = last[:-1]
        before[indptr[t0:t1] - indptr[t0]] = -1  # a row's first interval follows nothing
        added[s] = np.maximum(last - np.maximum(first, before + 1) + 1, 0)
    df = np.zeros(n_terms, dtype=np.int64)
    df[:len(own.vocab)] = np.add.reduceat(added, indptr[:-1])
    # a title puts the term in all its document's windows: swap what its sentences added there
    start = np.searchsorted(doc, pair_doc)
    end = np.searchsorted(doc, pair_doc, side="right")
    inside = np.zeros(len(pair_term), dtype=np.int64)
    mine = pair_term < len(own.vocab)
    cumulative = np.concatenate(([0], np.cumsum(added)))
    row_at = np.repeat(np.arange(len(own.vocab), dtype=np.int64) * len(doc), np.diff(indptr))
    key = row_at + held  # ascending over all postings: rows, then sentences
    t = pair_term[mine] * len(doc)
    inside[mine] = (cumulative[np.searchsorted(key, t + end[mine])]
                    - cumulative[np.searchsorted(key, t + start[mine])])
    np.add.at(df, pair_term, end - start - inside)
    return df


def _first_appearance(own: SparseBM25, doc: np.ndarray, term_of: np.ndarray,
                      title_doc: np.ndarray, position: np.ndarray, n_terms: int) -> np.ndarray:
    """Term ids in order of first appearance over the windows, as rank-bm25 sums their idfs.

    Windows in order meet each document's title, then its sentences in order; sentence
    index rows already come in order of first appearance over the sentences.
    """
    never = np.iinfo(np.int64).max
    sentence = np.full(n_terms, never)
    sentence[:len(own.vocab)] = own.indices[own.indptr[:-1]]
    in_doc = np.full(n_terms, never)
    in_doc[:len(own.vocab)] = doc[sentence[:len(own.vocab)]]
    title = np.full(n_terms, never)
    at = np.full(n_terms, never)
    seen, first = np.unique(term_of, return_index=True)  # title terms come in (doc, position) order
    title[seen], at[seen] = title_doc[first], position[first]
    by_title = title <= in_doc
    return np.lexsort((np.where(by_title, 0, np.arange(n_terms)), np.where(by_title, at, sentence),
                       ~by_title, np.where(by_title, title, in_doc)))


def _extremes(own: SparseBM25, window: WindowBM25, pair_term: np.ndarray, pair_doc: np.ndarray,
              n_terms: int) -> tuple[np.ndarray, np.ndarray]:
    """Per term, the shortest window holding it and the most it can occur in one window."""
    doc, length, context = window.doc, window.length, window.params["context"]
    near = length.copy()  # per sentence, the shortest window it is in
    for shift in range(1, context + 1):
        same = doc[shift:] == doc[:-shift]
        near[:-shift] = np.where(same, np.minimum(near[:-shift], length[shift:]), near[:-shift])
        near[shift:] = np.where(same, np.minimum(near[shift:], length[:-shift]), near[shift:])
    shortest = np.full(n_terms, np.iinfo(np.int64).max)
    most = np.zeros(n_terms, dtype=np.int64)
    for t0, t1, s in _rows(own.indptr):
        starts = own.indptr[t0:t1] - own.indptr[t0]
        shortest[t0:t1] = np.minimum.reduceat(near[own.indices[s]], starts)
        most[t0:t1] = np.maximum.reduceat(own.tf[s], starts).astype(np.int64) * (2 * context + 1)
    has = window.doc_end > window.doc_start
    in_doc = np.zeros(len(has), dtype=np.int64)
    in_doc[has] = np.minimum.reduceat(length, window.doc_start[has])
    np.minimum.at(shortest, pair_term, in_doc[pair_doc])
    title_most = np.zeros(n_terms, dtype=np.int64)  # title postings come in (term, doc) order
    np.maximum.at(title_most, pair_term, window.title_tf.astype(np.int64))
    return shortest, most + title_most
