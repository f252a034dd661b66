"""Where the engine's retrieval happens: one interface, the in-process BM25 behind it by
default, and Xapian shards served over the network (`xapian_search`) for archives larger than
one machine holds.

A backend ranks passages for query terms with qabot's score, exact BM25Okapi over the
sentence plus exact BM25Okapi over its window, and says whether every part of the archive
took part (`partial` when shards were down and the settings allow answering without them).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class XapianMissing(RuntimeError):
    """Xapian's Python bindings are not installed."""


class SearchUnavailable(Exception):
    """The search servers cannot be reached: no answer can be given right now."""


@dataclass(frozen=True)
class Ranked:
    """The best passages, best first, as (passage, score); `partial`: some shards were down."""

    passages: list[tuple[int, float]]
    partial: bool = False


class SearchBackend(Protocol):
    def search(self, terms: list[str], k: int) -> Ranked:
        """The k best passages for query terms (repeats count, as in BM25Okapi)."""
        ...
