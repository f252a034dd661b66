"""A saved index brought up to date with its corpus folder, reading only the files that changed.

A full build reads and tokenises every file; most of its time goes there (BBC News, 2,225
articles: 1.8 s of 1.9 s). An index saved with its sentences' term ids needs only the files
added or changed since: every other document keeps its sentences and terms as saved, and the
scorers are built again from those ids, which is quick (0.06 s for BBC News). The result is
the index a full build of the same files makes (test_index_update compares them array by
array), because a document's sentences and terms depend on that document alone.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from retrieval.corpus import (
    CorpusError,
    Skipped,
    read_document,
    relative,
    source_id,
    unique_sources,
)
from retrieval.index import Index, index_terms
from retrieval.ingest import Unreadable
from retrieval.sentence_terms import SentenceTerms, sentence_terms
from retrieval.values import Document

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Saved:
    """What an update needs of a saved index: its documents with the file each came from,
    their sentences and terms, and the digest of every corpus file it read."""

    documents: Sequence[Document]
    paths: list[str]  # each document's file, relative to the corpus folder
    spans: np.ndarray  # (sentences, 3): document, start, end
    counts: np.ndarray  # terms per sentence
    rows: np.ndarray  # every sentence's terms in order, as indexes into `terms`
    terms: list[str]
    files: dict[str, str]  # path relative to the corpus folder -> digest
    skipped: tuple[Skipped, ...]


@dataclass(frozen=True)
class Changes:
    """How many documents an update added, changed and removed."""

    added: int
    changed: int
    removed: int

    def __str__(self) -> str:
        return f"{self.added} added, {self.changed} changed, {self.removed} removed"


@dataclass(frozen=True)
class Updated:
    documents: list[Document]
    index: Index
    skipped: tuple[Skipped, ...]
    changes: Changes


def update_index(saved: Saved, root: Path, files: dict[str, str], context: int,
                 progress: Progress | None = None) -> Updated:
    """The index of the corpus files `files` (relative path -> digest, in corpus order), from
    `saved` and the files whose digest differs from the one it read."""
    report = progress or (lambda stage, done, total: None)
    was = {path: i for i, path in enumerate(saved.paths)}
    fresh = [path for path, digest in files.items() if saved.files.get(path) != digest]
    read: dict[str, Document] = {}
    skipped = [s for s in saved.skipped if relative(s.path, root) in files
               and saved.files.get(relative(s.path, root)) == files[relative(s.path, root)]]
    for done, path in enumerate(fresh, 1):
        try:
            read[path] = read_document(root / path)
        except Unreadable as why:
            skipped.append(Skipped(str(root / path), why.kind, why.detail))
        report("reading", done, len(fresh))
    # documents in corpus order, as a full build has them: the new ones from `read`, the
    # others (an index into `saved`) from the saved index
    order: list[str] = [path for path in files if path in read or (
        path in was and saved.files.get(path) == files[path])]
    if not order:
        raise CorpusError(f"no readable documents in {root}")
    found = sentence_terms([read[p].text for p in order if p in read])
    terms = _joined_terms(saved, found)
    spans, ids, counts = _assemble(saved, found, [read.get(p) is None for p in order],
                                   [was.get(p, -1) for p in order], terms)
    documents = unique_sources([read[p] if p in read else _renamed(saved.documents[was[p]])
                                for p in order])
    index = index_terms(SentenceTerms(spans, ids, counts, terms.terms),
                        [d.title for d in documents], context, "sparse", report)
    changed = sum(1 for p in read if p in was)
    changes = Changes(len(read) - changed, changed, len(set(was) - set(order)))
    return Updated(documents, index, tuple(sorted(skipped, key=lambda s: s.path)), changes)


@dataclass
class _Terms:
    terms: list[str]
    new_ids: np.ndarray  # the new documents' local term ids -> ids into `terms`


def _joined_terms(saved: Saved, found: SentenceTerms) -> _Terms:
    """The saved terms, then the new documents' terms the saved index lacks."""
    vocab = {t: i for i, t in enumerate(saved.terms)}
    new_ids = np.array([vocab.setdefault(t, len(vocab)) for t in found.terms], dtype=np.int32)
    return _Terms(list(vocab), new_ids)


def _assemble(saved: Saved, found: SentenceTerms, kept: list[bool], old: list[int],
              terms: _Terms) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Spans, term ids and counts of the documents in order: the kept ones' slices of
    `saved`, the new ones' of `found` (numbered in the order they come)."""
    old_first = np.searchsorted(saved.spans[:, 0], np.arange(len(saved.paths) + 1))
    old_at = np.concatenate(([0], np.cumsum(saved.counts)))
    new_first = np.searchsorted(found.spans[:, 0], np.arange(len(kept) - sum(kept) + 1))
    new_at = np.concatenate(([0], np.cumsum(found.counts)))
    new_ids = terms.new_ids[found.ids] if len(found.ids) else found.ids
    spans, ids, counts = [np.empty((0, 3), np.int64)], [np.empty(0, np.int32)], [
        np.empty(0, np.int64)]
    n_new = 0
    for position, (keep, i) in enumerate(zip(kept, old)):
        if keep:
            a, b = old_first[i], old_first[i + 1]
            span, rows, count = saved.spans[a:b], saved.rows[old_at[a]:old_at[b]], \
                saved.counts[a:b]
        else:
            a, b = new_first[n_new], new_first[n_new + 1]
            span, rows, count = found.spans[a:b], new_ids[new_at[a]:new_at[b]], found.counts[a:b]
            n_new += 1
        span = span.copy()
        span[:, 0] = position
        spans.append(span)
        ids.append(rows.astype(np.int32))
        counts.append(count.astype(np.int64))
    return np.concatenate(spans), np.concatenate(ids), np.concatenate(counts)


def _renamed(document: Document) -> Document:
    """A saved document under the id its file name gives: `unique_sources` numbers repeats
    again, in the new corpus order."""
    return Document(source_id(Path(document.path)), document.title, document.path,
                    document.text, document.places)
