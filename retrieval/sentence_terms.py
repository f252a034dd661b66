"""Documents to sentence spans and their terms as ids; worker processes share a big corpus."""
from __future__ import annotations

import logging
import multiprocessing
import os
from operator import itemgetter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

import numpy as np

from retrieval.sentences import split_sentences
from retrieval.tokenize import term, tokenize, words

log = logging.getLogger(__name__)

PARALLEL_CHARS = 20_000_000  # below this much text, starting worker processes costs more
CHUNK_CHARS = 2_000_000  # text per task: small enough to spread, big enough to batch
MAX_WORKERS = 8
# `words` runs on many sentences at once, joined by a word no text holds: one regex pass
# per batch, not per sentence. NFKC and accent folding leave the joining spaces alone and
# every regex match ends at them, so each sentence's words come out as they would alone
# (test_sentence_terms checks it on arbitrary text).
_MARK = "qabotxsentencexbreak"  # ASCII, one word, no stopword; a text holding it is never joined
_JOIN = f" {_MARK} "
_BATCH = 500  # sentences per pass: measured faster than one pass over a whole task


@dataclass(frozen=True)
class SentenceTerms:
    """Every sentence's (document, start, end) and its terms, as ids into `terms`."""

    spans: np.ndarray  # (sentences, 3) int64
    ids: np.ndarray  # int32, all sentences' term ids one after another
    counts: np.ndarray  # int64, how many ids each sentence has
    terms: list[str]


def sentence_terms(
    texts: Sequence[str], progress: Callable[[int, int], None] | None = None
) -> SentenceTerms:
    """Split `texts` into sentences and `tokenize` each; `progress(done, total)` per batch."""
    bounds = _chunks(texts)
    tasks = [list(texts[a:b]) for a, b in zip(bounds, bounds[1:])]
    workers = min(os.cpu_count() or 1, MAX_WORKERS, len(tasks))
    if workers < 2 or sum(map(len, texts)) < PARALLEL_CHARS:
        parts = map(_chunk_terms, tasks)
        return _merge(parts, bounds, progress)
    # spawn, not fork: the caller may run threads, and a forked lock could stay held
    context = multiprocessing.get_context("spawn")
    try:
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            return _merge(pool.map(_chunk_terms, tasks), bounds, progress)
    except BrokenProcessPool:  # e.g. a main script without `if __name__ == "__main__":`
        log.warning("indexing in one process: worker processes could not start")
        return _merge(map(_chunk_terms, tasks), bounds, progress)


def _chunks(texts: Sequence[str]) -> list[int]:
    """Document indexes cutting `texts` into runs of about CHUNK_CHARS characters."""
    bounds, size = [0], 0
    for i, text in enumerate(texts):
        size += len(text)
        if size >= CHUNK_CHARS:
            bounds.append(i + 1)
            size = 0
    if bounds[-1] != len(texts):
        bounds.append(len(texts))
    return bounds


def _merge(
    parts: Iterable[tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]], bounds: list[int],
    progress: Callable[[int, int], None] | None,
) -> SentenceTerms:
    """The tasks' results in document order, their local term ids made global."""
    vocab: dict[str, int] = {}
    spans, ids, counts = [np.empty((0, 3), dtype=np.int64)], [np.empty(0, dtype=np.int32)], []
    for first, last, (span, local, count, terms) in zip(bounds, bounds[1:], parts):
        span[:, 0] += first
        to_global = np.array([vocab.setdefault(t, len(vocab)) for t in terms], dtype=np.int32)
        spans.append(span)
        ids.append(to_global[local] if len(local) else local)
        counts.append(count)
        if progress:
            progress(last, bounds[-1])
    counts.append(np.empty(0, dtype=np.int64))
    return SentenceTerms(np.concatenate(spans), np.concatenate(ids), np.concatenate(counts),
                         list(vocab))


def _chunk_terms(texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """One task: spans (document within the chunk) and term ids into a local vocabulary."""
    spans = [(i, s, e) for i, text in enumerate(texts) for s, e in split_sentences(text)]
    span = np.array(spans, dtype=np.int64).reshape(-1, 3)
    sentences = [texts[d][s:e] for d, s, e in spans]
    vocab: dict[str, int] = {}
    ids, counts = term_ids(sentences, vocab)
    return span, ids, counts, list(vocab)


def term_ids(texts: Sequence[str], vocab: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """`tokenize` of each text as ids into `vocab` (which gains new terms), flat, and counts."""
    if any(_MARK in text for text in texts):  # the join would be ambiguous: one at a time
        lists = [[vocab.setdefault(t, len(vocab)) for t in tokenize(text)] for text in texts]
        flat = [i for ids in lists for i in ids]
        return np.array(flat, dtype=np.int32), np.array([len(x) for x in lists], dtype=np.int64)
    memo: dict[str, int] = {_MARK: -2}  # surface word -> term id, -1 for a stopword
    ids, counts = [np.empty(0, dtype=np.int32)], [np.empty(0, dtype=np.int64)]
    for b in range(0, len(texts), _BATCH):
        batch = texts[b:b + _BATCH]
        # ASCII texts apart: `words` has a fast path for ASCII text, and one accent would lose it
        plain = [i for i, text in enumerate(batch) if text.isascii()]
        other = [i for i, text in enumerate(batch) if not text.isascii()]
        got, sentence = zip(*(_joined_ids([batch[i] for i in g], g, memo, vocab)
                              for g in (plain, other)))
        of = np.concatenate(sentence)
        ids.append(np.concatenate(got)[np.argsort(of, kind="stable")])  # words keep their order
        counts.append(np.bincount(of, minlength=len(batch)).astype(np.int64))
    return np.concatenate(ids), np.concatenate(counts)


def _joined_ids(texts: list[str], index: list[int], memo: dict[str, int],
                vocab: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """Term ids of `texts` in one `words` pass, and for each id its text's `index`."""
    found = words(_JOIN.join(texts))
    # `term` (stemming) once per new word; ids in any fixed order: rows are ordered by the index
    for word in sorted(set(found).difference(memo)):
        t = term(word)
        memo[word] = -1 if t is None else vocab.setdefault(t, len(vocab))
    # itemgetter looks all words up in one C loop (given one word, it returns no tuple)
    looked_up = itemgetter(*found)(memo) if len(found) > 1 else [memo[w] for w in found]
    ids = np.array(looked_up, dtype=np.int32)
    keep = ids >= 0
    text_of = np.array(index + [-1], dtype=np.int64)[np.cumsum(ids == -2)]
    return ids[keep], text_of[keep]
