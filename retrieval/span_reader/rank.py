"""Which candidate answer to give: a conditional logit over every window's few best spans,
fitted on the training questions (training/rank.py).

The span model scores each window alone. Across windows more tells: several windows giving
the same answer, how well a window matches the question, how far a span stands above its own
window's no-answer score, and whether the answer has the shape the question asks for (a
number for "how many", a name for "who"). Before any fit the ranker is the span score alone.
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from retrieval.normalize import same
from retrieval.span_reader.spans import Span

# The question words whose answers have a typical shape, most specific first.
QUESTION_WORDS = ("who", "when", "where", "how many", "how much", "which", "what", "why", "how")
_WORD_RES = tuple(re.compile(rf"\b{w}\b") for w in QUESTION_WORDS)

# What the ranker weighs, per candidate. Then, for the question's word (or "other"), the
# answer's shape: has a digit, starts with a capital, log of its length in words.
FEATURES = (
    "score_gap",  # span score minus the best span score
    "agreement",  # log-sum-exp of the scores of all candidates with its answer, minus the best
    "windows_agreeing",  # log of the number of windows giving the same answer
    "window_best",  # the best span of its window (not a runner-up)
    "rank",  # log(1 + retrieval rank of the window's sentence)
    "bm25_rel",  # the window's BM25 score over the best one's
    "cover",  # idf share of the question's terms in the window
    "cover_gap",  # the window's cover minus the best window's
    "over_null",  # span score minus its window's own no-answer ([CLS]) score
    "length",  # log of the answer's length in words
    "first_window",  # read from the best-ranked window
)
SHAPES = ("digit", "capital", "length")
N_FEATURES = len(FEATURES) + len(SHAPES) * (len(QUESTION_WORDS) + 1)


@dataclass(frozen=True)
class WindowView:
    """What the ranker knows of a window besides its spans."""

    rank: int
    bm25_rel: float
    cover: float
    null: float  # the window's own no-answer score: [CLS] as start plus as end


def question_word(question: str) -> int:
    """The index of the question's word in QUESTION_WORDS, or len(QUESTION_WORDS) for none."""
    q = question.lower()
    return next((n for n, r in enumerate(_WORD_RES) if r.search(q)), len(QUESTION_WORDS))


def features(question: str, spans: Sequence[Span], windows: Sequence[WindowView]) -> np.ndarray:
    """One row of N_FEATURES per span; `spans` holds every window's candidates."""
    top = max(s.score for s in spans)
    top_cover = max(w.cover for w in windows)
    word = question_word(question)
    window_top: dict[int, float] = {}
    for s in spans:
        window_top[s.window] = max(s.score, window_top.get(s.window, -math.inf))
    agree = np.eye(len(spans), dtype=bool)  # which candidates give the same answer
    for i in range(len(spans)):
        for j in range(i + 1, len(spans)):
            agree[i, j] = agree[j, i] = same(spans[i].text, spans[j].text)
    rows = np.zeros((len(spans), N_FEATURES))
    for n, s in enumerate(spans):
        group = [o for o, a in zip(spans, agree[n]) if a]
        w = windows[s.window]
        words = max(1, len(s.text.split()))
        rows[n, :len(FEATURES)] = (
            s.score - top,
            float(np.logaddexp.reduce([o.score for o in group])) - top,
            math.log(len({o.window for o in group})),
            float(s.score == window_top[s.window]),
            math.log1p(w.rank),
            w.bm25_rel,
            w.cover,
            w.cover - top_cover,
            s.score - w.null,
            math.log(words),
            float(s.window == 0),
        )
        at = len(FEATURES) + len(SHAPES) * word
        has_digit = any(ch.isdigit() for ch in s.text)
        rows[n, at:at + len(SHAPES)] = (has_digit, s.text[:1].isupper(), math.log(words))
    return rows


@dataclass(frozen=True)
class Ranker:
    """Weights over the standardised features; the candidate scoring highest is answered."""

    weights: tuple[float, ...]
    means: tuple[float, ...]
    scales: tuple[float, ...]

    @classmethod
    def from_settings(cls, settings: Mapping | None) -> Ranker:
        """The fitted ranker, or before any fit, the span score alone."""
        if not settings:
            return cls((1.0,) + (0.0,) * (N_FEATURES - 1), (0.0,) * N_FEATURES, (1.0,) * N_FEATURES)
        if len(settings["weights"]) != N_FEATURES:
            raise ValueError("the ranker's weights do not match its features: refit it")
        return cls(tuple(settings["weights"]), tuple(settings["means"]), tuple(settings["scales"]))

    def scores(self, rows: np.ndarray) -> np.ndarray:
        return ((rows - np.array(self.means)) / np.array(self.scales)) @ np.array(self.weights)

    def order(self, question: str, spans: Sequence[Span], windows: Sequence[WindowView],
              ) -> list[Span]:
        """The candidates, the one to answer first."""
        if not spans:
            return []
        z = self.scores(features(question, spans, windows))
        return [spans[n] for n in np.argsort(-z, kind="stable")]
