"""The documents of a saved index, read from its one text file when asked for.

A million sentences' documents stay in the index's UTF-8 text file (the system's file cache
keeps what is read often) instead of ten thousand Python strings held for the life of the
process. Read, not memory-mapped: mapped pages count as the process's memory once touched,
and a mapped file cut short would crash the process where a read raises.
"""
from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache, partial
from typing import overload

import numpy as np

from retrieval.arrays import StoredBytes
from retrieval.values import Document

Entry = tuple[str, str, str, tuple[tuple[int, str], ...]]  # source, title, path, places
_RECENT = 32  # documents kept decoded: an answer reads each of its sources several times


class StoredDocuments(Sequence[Document]):
    """Documents from `(source, title, path, places)` entries and their texts,
    `text[at[i]:at[i + 1]]`."""

    def __init__(self, entries: list[Entry], text: StoredBytes,
                 at: np.ndarray) -> None:
        self.entries = entries
        # a cache of a function of the parts, not of a bound method: no cycle through self, so
        # the file closes as soon as the documents are dropped
        self._read = lru_cache(maxsize=_RECENT)(partial(_decode, entries, text, at.tolist()))

    def __len__(self) -> int:
        return len(self.entries)

    @overload
    def __getitem__(self, i: int) -> Document: ...
    @overload
    def __getitem__(self, i: slice) -> list[Document]: ...
    def __getitem__(self, i: int | slice) -> Document | list[Document]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return self._read(range(len(self))[i])  # negative indexes and IndexError as a list's


def _decode(entries: list[Entry], text: StoredBytes, at: list[int], i: int) -> Document:
    source, title, path, places = entries[i]
    return Document(source, title, path, str(text.read(at[i], at[i + 1]), "utf-8"), places)
