"""Frozen values that flow from the corpus to the front-ends."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Document:
    """One corpus file: its source id, title and plain text, and where in the file each part
    of the text comes from: `(offset, place)` pairs in order, such as (0, "p. 1")."""

    source: str
    title: str
    path: str
    text: str
    places: tuple[tuple[int, str], ...] = ()

    def place(self, offset: int) -> str | None:
        """The page or section holding the text at `offset`, when the file has them."""
        found = None
        for start, where in self.places:
            if start > offset:
                break
            found = where
        return found


@dataclass(frozen=True)
class Sentence:
    """A quotable sentence: character offsets into its document's text."""

    doc: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Hit:
    """A retrieved passage: the sentence it is centred on and its BM25 score."""

    passage: int
    source: str
    title: str
    text: str
    score: float
    place: str | None = None  # page or section, where the document has them


@dataclass(frozen=True)
class Evidence:
    """One source's verbatim support for an answer value."""

    source: str
    title: str
    quote: str
    answer: str
    place: str | None = None  # page or section, where the document has them
    passage: int | None = None  # the quoted sentence's index, to show it in its context


@dataclass(frozen=True)
class Claim:
    """An answer value with every piece of evidence that states it."""

    text: str
    evidence: tuple[Evidence, ...]
    score: float

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(sorted({e.source for e in self.evidence}))

    @property
    def quote(self) -> str:
        return self.evidence[0].quote

    @property
    def places(self) -> dict[str, str]:
        return places_of(self.evidence)


@dataclass(frozen=True)
class TraceCandidate:
    """An answer the reader weighed: its text, the source it read it in, its score."""

    text: str
    source: str
    score: float


@dataclass(frozen=True)
class Trace:
    """Why the engine said what it said: the reader used, the candidates it weighed, the
    rules that fired, and the abstention score against its threshold."""

    reader: str
    candidates: tuple[TraceCandidate, ...]
    score: float
    threshold: float
    rules: tuple[str, ...] = ()
    features: tuple[tuple[str, float], ...] = ()
    windows: int = 0  # windows the neural reader weighed (its best few when they sufficed)


@dataclass(frozen=True)
class Answer:
    """What the engine says about a question; `text` is None when it abstains.

    `reason` says why it abstained ("empty", "no_terms", "not_found", "low_confidence",
    "unavailable": the search servers did not answer). `conflicts` holds the other values
    when sources disagree. `partial`: part of the archive (a shard) could not be searched.
    """

    question: str
    text: str | None
    quote: str | None
    sources: tuple[str, ...]
    confidence: float
    evidence: tuple[Evidence, ...] = ()
    conflicts: tuple[Claim, ...] = ()
    passages: tuple[Hit, ...] = ()
    reason: str | None = None
    trace: Trace | None = None
    partial: bool = False

    @property
    def found(self) -> bool:
        return self.text is not None

    @property
    def places(self) -> dict[str, str]:
        """Each source's page or section, where its document has them."""
        return places_of(self.evidence)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict; `answer` is null when the engine abstained."""
        return {
            "question": self.question,
            "answer": self.text,
            "quote": self.quote,
            "sources": list(self.sources),
            "confidence": round(self.confidence, 4),
            "reason": self.reason,
            "partial": self.partial,
            "evidence": [asdict(e) for e in self.evidence],
            "conflicts": [
                {"answer": c.text, "sources": list(c.sources), "quote": c.quote}
                for c in self.conflicts
            ],
            "passages": [asdict(h) for h in self.passages],
            "trace": asdict(self.trace) if self.trace else None,
        }


def places_of(evidence: tuple[Evidence, ...]) -> dict[str, str]:
    """Source -> the place of its first quote (a page, a section)."""
    out: dict[str, str] = {}
    for e in evidence:
        if e.place and e.source not in out:
            out[e.source] = e.place
    return out


def shown(text: str) -> str:
    """Text as a reply shows it: a hard-wrapped or indented run of spaces and line breaks
    becomes one space, so no short answer or quote carries a line break."""
    return " ".join(text.split())


@dataclass(frozen=True)
class Context:
    """A quoted sentence with the sentences around it in its document."""

    source: str
    title: str
    place: str | None
    before: str
    sentence: str
    after: str
