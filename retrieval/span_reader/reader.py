"""The span reader composed: windows in, one traced Answer out (or an honest abstention)."""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from retrieval.normalize import answer_key, contains_run, same
from retrieval.span_reader.abstain import RIVAL_CAP, Abstention
from retrieval.span_reader.inputs import Encoder
from retrieval.span_reader.model import MODEL_DIR, MODEL_FILE, OnnxSpanModel, load_settings
from retrieval.span_reader.rank import Ranker, WindowView
from retrieval.span_reader.spans import Span, no_answer_score, window_spans
from retrieval.span_reader.windows import Window, reading_windows
from retrieval.values import Answer, Claim, Evidence, Hit, Trace, TraceCandidate

if TYPE_CHECKING:
    from retrieval.engine import Engine

# A supporting sentence's window matches half as much of the question (the rule reader's
# corroborate.SUPPORT_COVER; not imported from there, as that module loads spaCy).
SUPPORT_COVER = 0.5
CONFLICT_GAP = 1.5  # a rival this close to the best answer's margin is a real disagreement


@dataclass(frozen=True)
class Cascade:
    """Read the best `first` windows, and all of them only when the answer those give is less
    sure than `stop_at` (P(right)): the model is most of an answer's time (on an AVX2-only
    CPU, 48 ms a window), and about half the questions are settled by their best windows.
    Fitted on dev by `calibrate cascade`: no dev set may lose more than 0.01 by it."""

    first: int
    stop_at: float

    @classmethod
    def from_settings(cls, settings: dict | None) -> Cascade | None:
        return cls(int(settings["first"]), float(settings["stop_at"])) if settings else None


@dataclass(frozen=True)
class Read:
    """What the model made of some windows read in one batch: their candidate spans, each
    window's own no-answer score, and the score of no answer in any of them."""

    spans: list[Span]
    own_null: np.ndarray
    null: float


@dataclass(frozen=True)
class Reading:
    """The answer the ranker chose, every window's best span (highest score first), the
    no-answer score, and the chosen answer's features."""

    windows: tuple[Window, ...]
    best: Span
    spans: tuple[Span, ...]
    null: float
    weights: dict[str, float]  # idf of each question term
    features: dict[str, float]

    def margin(self, span: Span) -> float:
        """A span's score over the no-answer score: log-odds, > 0 when the model prefers it."""
        return span.score - self.null


class SpanReader:
    """Reads the retrieved windows with the span model and decides whether to answer."""

    def __init__(self, model: OnnxSpanModel, encoder: Encoder, abstention: Abstention,
                 ranker: Ranker | None = None, cascade: Cascade | None = None) -> None:
        self.model = model
        self.encoder = encoder
        self.abstention = abstention
        self.ranker = ranker or Ranker.from_settings(None)
        self.cascade = cascade  # None: every window in one batch

    @classmethod
    def load(cls, model_dir: Path = MODEL_DIR, threshold: float | None = None) -> SpanReader:
        """The shipped model and its fitted abstention (`threshold` overrides the fitted one)."""
        settings = load_settings(model_dir)
        encoder = Encoder(model_dir / "tokenizer.json", settings["max_tokens"])
        abstention = Abstention.from_settings(settings.get("abstain"))
        if threshold is not None:
            abstention = replace(abstention, threshold=threshold)
        return cls(OnnxSpanModel(model_dir / MODEL_FILE), encoder, abstention,
                   Ranker.from_settings(settings.get("rank")),
                   Cascade.from_settings(settings.get("cascade")))

    def spans(self, question: str, windows: Sequence[Window]) -> Read:
        """The few best spans of each window, each window's best first, and the no-answer
        scores, the windows read in one batch."""
        if not windows:
            return Read([], np.zeros(0), 0.0)
        encoded = self.encoder.encode_all(question, windows)
        start, end = self.model.logits(encoded)
        found = [s for n, e in enumerate(encoded) for s in window_spans(n, e, start[n], end[n])]
        return Read(found, start[:, 0] + end[:, 0], no_answer_score(start, end))

    def candidates(self, engine: Engine, text: str, weights: dict[str, float],
                   ranked: Sequence[tuple[int, float]],
                   ) -> tuple[tuple[Window, ...], list[Span], list[WindowView], float]:
        """Every window read at once, every candidate span, what the ranker knows of each
        window, and the no-answer score (`weights`: the idf of each question term)."""
        windows = self.windows(engine, ranked)
        read = self.spans(text, windows)
        return windows, read.spans, self.views(engine, windows, read, weights, ranked), read.null

    @staticmethod
    def windows(engine: Engine, ranked: Sequence[tuple[int, float]]) -> tuple[Window, ...]:
        return tuple(reading_windows(
            engine.sentences, engine.documents, ranked, engine.config.windows))

    @staticmethod
    def views(engine: Engine, windows: Sequence[Window], read: Read, weights: dict[str, float],
              ranked: Sequence[tuple[int, float]]) -> list[WindowView]:
        top = (ranked[0][1] or 1.0) if ranked else 1.0
        return [WindowView(w.rank, w.bm25 / top, engine.window_cover(w.centre, weights),
                           float(read.own_null[n])) for n, w in enumerate(windows)]

    def read(self, engine: Engine, text: str, terms: Sequence[str],
             ranked: Sequence[tuple[int, float]]) -> Reading | None:
        """The best windows first when a cascade is set: their answer stands if it is sure
        enough, else every window is read again in one batch, exactly as without the cascade
        (the int8 model scales activations per batch: a window read with other windows scores
        up to 1.5 apart, so reading only the rest and merging would not be the same reading)."""
        weights = engine.term_weights_of(terms)
        windows = self.windows(engine, ranked)
        first = len(windows) if self.cascade is None else min(self.cascade.first, len(windows))
        read = self.spans(text, windows[:first])
        reading = self.weigh(engine, text, terms, weights, ranked, windows[:first], read)
        if first == len(windows) or (reading is not None and self.abstention.probability(
                reading.features) >= self.cascade.stop_at):
            return reading
        return self.weigh(engine, text, terms, weights, ranked, windows, self.spans(text, windows))

    def weigh(self, engine: Engine, text: str, terms: Sequence[str], weights: dict[str, float],
              ranked: Sequence[tuple[int, float]], windows: tuple[Window, ...],
              read: Read) -> Reading | None:
        """The ranker's choice among the spans read, and the features the abstention weighs."""
        found, null = read.spans, read.null
        views = self.views(engine, windows, read, weights, ranked)
        if not found:
            return None
        best = self.ranker.order(text, found, views)[0]
        firsts: dict[int, Span] = {}
        for s in found:
            firsts.setdefault(s.window, s)
        spans = tuple(sorted(firsts.values(), key=lambda s: -s.score))
        rivals = [s.score for s in spans if not same(s.text, best.text)]
        view = views[best.window]
        features = {
            "margin": best.score - null,
            "score": best.score,
            "rival_gap": min(RIVAL_CAP, best.score - rivals[0]) if rivals else RIVAL_CAP,
            "agree": float(sum(same(s.text, best.text) for s in spans if s.window != best.window)),
            "rank": math.log1p(view.rank),
            "bm25_rel": view.bm25_rel,
            "cover": view.cover,
            "unseen": engine.unseen_share(terms),
        }
        return Reading(windows, best, spans, null, weights, features)

    def answer(
        self, engine: Engine, question: str, text: str, terms: Sequence[str],
        ranked: Sequence[tuple[int, float]], hits: tuple[Hit, ...],
    ) -> Answer:
        """The best span as an Answer with every source that states it, or an abstention."""
        reading = self.read(engine, text, terms, ranked)
        if reading is None:
            return Answer(question, None, None, (), 0.0, passages=hits, reason="not_found",
                          trace=Trace("neural", (), 0.0, self.abstention.threshold))
        p = self.abstention.probability(reading.features)
        trace = Trace("neural", tuple(
            TraceCandidate(s.text, engine.documents[reading.windows[s.window].doc].source,
                           round(reading.margin(s), 3))
            for s in (reading.best,) + tuple(s for s in reading.spans if s is not reading.best)),
            round(p, 4), self.abstention.threshold,
            features=tuple((k, round(v, 4)) for k, v in reading.features.items()),
            windows=len(reading.windows))
        if p < self.abstention.threshold:
            return Answer(question, None, None, (), p, passages=hits, reason="low_confidence",
                          trace=trace)
        best = reading.best
        evidence = self.evidence(engine, best, reading, terms, ranked)
        sources = tuple(sorted({e.source for e in evidence}))
        conflicts = self.conflicts(engine, reading, sources)
        return Answer(question, best.text, evidence[0].quote, sources, p,
                      evidence=tuple(evidence), conflicts=conflicts, passages=hits, trace=trace)

    def evidence(self, engine: Engine, best: Span, reading: Reading, terms: Sequence[str],
                 ranked: Sequence[tuple[int, float]]) -> list[Evidence]:
        """The best span's sentence first, then every retrieved sentence that states the same
        answer in a window matching at least half as much of the question."""
        keys = [answer_key(best.text)]
        words = best.text.split()
        if len(words) > 1 and all(w[:1].isupper() for w in words) and len(keys[0][-1]) > 2:
            keys.append(keys[0][-1:])  # a name's last word alone: "Lavrov" for "Sergei Lavrov"
        weights = reading.weights
        need = SUPPORT_COVER * reading.features["cover"]
        out = [_evidence(engine, best.sentence, best.text)]
        done = {best.sentence}
        for i, _ in ranked:
            if i in done:
                continue
            found = answer_key(engine.sentences[i].text)
            if any(contains_run(found, k) for k in keys) and engine.window_cover(i, weights) >= need:
                out.append(_evidence(engine, i, best.text))
                done.add(i)
        return out

    def conflicts(self, engine: Engine, reading: Reading, sources: tuple[str, ...]) -> tuple[Claim, ...]:
        """Other figures or dates the model holds nearly as strongly, from documents that do
        not state the best answer: sources that disagree are shown, not hidden. Names are
        left out: two names for one role are far more often a misreading than a dispute."""
        best = reading.best
        out: list[Claim] = []
        if not _has_digit(best.text):
            return ()
        for s in reading.spans:
            doc = engine.documents[reading.windows[s.window].doc]
            if (s.score < best.score - CONFLICT_GAP or reading.margin(s) <= 0
                    or doc.source in sources or not _has_digit(s.text)
                    or same(s.text, best.text) or any(same(s.text, c.text) for c in out)):
                continue
            out.append(Claim(s.text, (_evidence(engine, s.sentence, s.text),), reading.margin(s)))
        return tuple(out[:2])


def _evidence(engine: Engine, i: int, answer: str) -> Evidence:
    sent = engine.sentences[i]
    doc = engine.documents[sent.doc]
    return Evidence(doc.source, doc.title, sent.text, answer, doc.place(sent.start), i)


def _has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in text)
