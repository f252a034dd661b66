"""What the span reader reads: a retrieved sentence with its neighbours and its title."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from retrieval.values import Document, Sentence


@dataclass(frozen=True)
class Window:
    """Consecutive sentences of one document, centred on a retrieved one.

    `sentences` are corpus sentence indices, `texts` their verbatim texts; `rank` and `bm25`
    are the retrieval rank and score of the centre sentence.
    """

    doc: int
    title: str
    sentences: tuple[int, ...]
    texts: tuple[str, ...]
    centre: int
    rank: int
    bm25: float


def reading_windows(
    sentences: Sequence[Sentence], documents: Sequence[Document],
    ranked: Sequence[tuple[int, float]], k: int, context: int = 1,
) -> list[Window]:
    """Up to k windows around the best-ranked sentences, `context` neighbours either side.

    A sentence already inside an earlier window is not read again: its window would mostly
    repeat that one's text.
    """
    out: list[Window] = []
    seen: set[int] = set()
    for rank, (i, score) in enumerate(ranked):
        if len(out) == k:
            break
        if i in seen:
            continue
        doc = sentences[i].doc
        lo = hi = i
        while lo > i - context and lo > 0 and sentences[lo - 1].doc == doc:
            lo -= 1
        while hi < i + context and hi + 1 < len(sentences) and sentences[hi + 1].doc == doc:
            hi += 1
        ids = tuple(range(lo, hi + 1))
        seen.update(ids)
        out.append(Window(
            doc, documents[doc].title, ids, tuple(sentences[j].text for j in ids), i, rank,
            float(score),
        ))
    return out
