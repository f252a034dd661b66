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
                 ranker: Ranker | None = None) -> None:
        self.model = model
        self.encoder = encoder
        self.abstention = abstention
        self.ranker = ranker or Ranker.from_settings(None)

    @classmethod
    def load(cls, model_dir: Path = MODEL_DIR, threshold: float | None = None) -> SpanReader:
        """The shipped model and its fitted abstention (`threshold` overrides the fitted one)."""
        settings = load_settings(model_dir)
        encoder = Encoder(model_dir / "tokenizer.json", settings["max_tokens"])
        abstention = Abstention.from_settings(settings.get("abstain"))
        if threshold is not None:
            abstention = replace(abstention, threshold=threshold)
        return cls(OnnxSpanModel(model_dir / MODEL_FILE), encoder, abstention,
                   Ranker.from_settings(settings.get("rank")))

    def spans(self, question: str, windows: Sequence[Window],
              ) -> tuple[list[Span], np.ndarray, float]:
        """The few best spans of each window, each window's best first; every window's own
        no-answer score; and the score of no answer in any window."""
        if not windows:
            return [], np.zeros(0), 0.0
        encoded = self.encoder.encode_all(question, windows)
        start, end = self.model.logits(encoded)
        found = [s for n, e in enumerate(encoded) for s in window_spans(n, e, start[n], end[n])]
        return found, start[:, 0] + end[:, 0], no_answer_score(start, end)

    def candidates(self, engine: Engine, text: str, weights: dict[str, float],
                   ranked: Sequence[tuple[int, float]],
                   ) -> tuple[tuple[Window, ...], list[Span], list[WindowView], float]:
        """The windows read, every candidate span, what the ranker knows of each window, and
        the no-answer score (`weights`: the idf of each question term)."""
        windows = tuple(reading_windows(
            engine.sentences, engine.documents, ranked, engine.config.windows))
        found, own_null, null = self.spans(text, windows)
        top = (ranked[0][1] or 1.0) if ranked else 1.0
        views = [WindowView(w.rank, w.bm25 / top, engine.window_cover(w.centre, weights),
                            float(own_null[n])) for n, w in enumerate(windows)]
        return windows, found, views, null

    def read(self, engine: Engine, text: str, terms: Sequence[str],
             ranked: Sequence[tuple[int, float]]) -> Reading | None:
        weights = engine.term_weights_of(terms)
        windows, found, views, null = self.candidates(engine, text, weights, ranked)
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
            features=tuple((k, round(v, 4)) for k, v in reading.features.items()))
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
