"""The searchable index of a corpus: sentence spans, two BM25 scorers and each term's idf."""
from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from retrieval.bm25 import Scorer, make_scorer
from retrieval.sentence_terms import SentenceTerms, sentence_terms, term_ids
from retrieval.sparse_bm25 import SparseBM25
from retrieval.values import Document
from retrieval.window_build import build_window

# (stage, done, total): "documents" split and tokenised, then "scorers" built (0..2)
Progress = Callable[[str, int, int], None]
_WINDOW_BLOCK = 1 << 16  # passages per step of window assembly: bounds its temporaries


class Idf(Mapping[str, float]):
    """Each sentence term's idf, log(1 + (n - df + 0.5) / (df + 0.5)), from document counts."""

    def __init__(self, rows: Mapping[str, int], df: np.ndarray, n: int) -> None:
        self.rows, self.df, self.n = rows, df, n
        self.unseen = math.log(1 + (n + 0.5) / 0.5)  # a term no sentence holds weighs the most

    def __getitem__(self, term: str) -> float:
        c = int(self.df[self.rows[term]])
        return math.log(1 + (self.n - c + 0.5) / (c + 0.5))

    def __contains__(self, term: object) -> bool:
        return term in self.rows

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[str]:
        return iter(self.rows)

    @cached_property
    def _sorted(self) -> list[str]:  # sorted once, on the first prefix asked for
        return sorted(self.rows)

    def has_prefix(self, prefix: str) -> bool:
        """Whether a term starts with `prefix`: a binary search of the sorted terms."""
        terms = self._sorted
        i = bisect_left(terms, prefix)
        return i < len(terms) and terms[i].startswith(prefix)


@dataclass(frozen=True)
class Index:
    """What the engine searches: each sentence's span, its scorers and the idf of its terms.

    A passage scores as its sentence (`own`) plus its window (`window`: the document's title
    and `context` neighbouring sentences), each exactly as BM25Okapi over those terms.
    """

    spans: np.ndarray  # (sentences, 3) int64: document, start, end
    own: Scorer
    window: Scorer
    idf: Idf
    # every sentence's terms in order, as rows of `own`: what an update of the saved index
    # re-indexes instead of tokenising every document again (None once loaded from disk)
    term_rows: np.ndarray | None = None


def sentence_idf(own: SparseBM25) -> Idf:
    """The idf of the sentence terms, from the sentence index's row lengths (document counts)."""
    return Idf(own.vocab, np.diff(own.indptr), own.n_passages)


def build_index(
    documents: Sequence[Document], context: int = 1, backend: str = "sparse",
    progress: Progress | None = None,
) -> Index:
    """Split, tokenise and index `documents`; `progress` hears how far each stage is."""
    report = progress or (lambda stage, done, total: None)
    report("documents", 0, len(documents))
    found = sentence_terms(
        [d.text for d in documents], lambda done, total: report("documents", done, total))
    return index_terms(found, [d.title for d in documents], context, backend, report)


def index_terms(found: SentenceTerms, titles: Sequence[str], context: int = 1,
                backend: str = "sparse", progress: Progress | None = None) -> Index:
    """The index of sentences already split and tokenised (`found`), one title per document."""
    report = progress or (lambda stage, done, total: None)
    spans, own, own_len = found.spans, found.ids, found.counts
    vocab = {t: i for i, t in enumerate(found.terms)}
    title_ids, title_len = term_ids(titles, vocab)
    terms = list(vocab)
    report("scorers", 0, 2)
    if backend == "sparse":
        own_scorer = SparseBM25.from_ids(own, own_len, terms)
        report("scorers", 1, 2)
        window_scorer: Scorer = build_window(own_scorer, spans[:, 0], title_ids, title_len,
                                             terms, context)
        idf = sentence_idf(own_scorer)
        # the sentences' terms as rows of the sentence index: what an update keeps
        row = np.array([own_scorer.vocab.get(t, -1) for t in terms], dtype=np.int32)
        rows = row[own] if len(own) else own.astype(np.int32)
        report("scorers", 2, 2)
        return Index(spans, own_scorer, window_scorer, idf, rows)
    # the reference backends index lists of terms
    window, window_len = _windows(spans[:, 0], own, own_len, title_ids, title_len, context)
    own_scorer = make_scorer(_lists(own, own_len, terms), backend)
    report("scorers", 1, 2)
    window_scorer = make_scorer(_lists(window, window_len, terms), backend)
    df = _document_frequency(own, own_len, len(terms))
    idf = Idf({t: i for i, t in enumerate(terms) if df[i]}, df, len(spans))
    report("scorers", 2, 2)
    return Index(spans, own_scorer, window_scorer, idf)


def _windows(
    doc: np.ndarray, own: np.ndarray, own_len: np.ndarray, titles: np.ndarray,
    title_len: np.ndarray, context: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Each sentence's window terms, as `window_tokens`: the title, then sentences i-c..i+c.

    A document's sentences are consecutive, so a window is two runs: its title's terms and
    the terms of the neighbours within the same document.
    """
    n = len(doc)
    own_at = np.concatenate(([0], np.cumsum(own_len)))
    title_at = np.concatenate(([0], np.cumsum(title_len))) + len(own)  # after `own` in `source`
    i = np.arange(n)
    first = np.searchsorted(doc, doc, side="left")  # the document's first sentence
    last = np.searchsorted(doc, doc, side="right") - 1
    lo, hi = np.maximum(i - context, first), np.minimum(i + context, last)
    run_start = np.stack([title_at[doc], own_at[lo]], axis=1).ravel()
    run_len = np.stack([title_len[doc], own_at[hi + 1] - own_at[lo]], axis=1).ravel()
    window_len = run_len[0::2] + run_len[1::2]
    source = np.concatenate((own, titles))
    out = np.empty(int(window_len.sum()), dtype=np.int32)
    out_at = np.concatenate(([0], np.cumsum(run_len)))
    for b in range(0, 2 * n, 2 * _WINDOW_BLOCK):  # whole passages (two runs each) per step
        e = min(b + 2 * _WINDOW_BLOCK, 2 * n)
        lengths = run_len[b:e]
        steps = np.arange(out_at[b], out_at[e]) - np.repeat(out_at[b:e] - run_start[b:e], lengths)
        out[out_at[b]:out_at[e]] = source[steps]
    return out, window_len


def _document_frequency(ids: np.ndarray, lengths: np.ndarray, n_terms: int) -> np.ndarray:
    """How many passages hold each term id."""
    passage = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
    pairs = np.unique(passage * n_terms + ids)
    return np.bincount(pairs % n_terms, minlength=n_terms)


def _lists(ids: np.ndarray, lengths: np.ndarray, terms: list[str]) -> list[list[str]]:
    words_of = np.array(terms, dtype=object)[ids].tolist()
    ends = np.cumsum(lengths).tolist()
    return [words_of[end - size:end] for end, size in zip(ends, lengths.tolist())]
