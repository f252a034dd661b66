"""The span reader's cascade: the best windows first, the rest only when their answer is unsure."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from retrieval import Engine
from retrieval.span_reader.inputs import Encoded
from retrieval.span_reader.reader import Cascade, Reading, SpanReader
from retrieval.tokenize import tokenize


class Counting:
    """The shipped model, counting the windows it is given."""

    def __init__(self, model) -> None:
        self.model, self.windows = model, 0

    def logits(self, encoded: Sequence[Encoded]) -> tuple[np.ndarray, np.ndarray]:
        self.windows += len(encoded)
        return self.model.logits(encoded)


def read(engine: Engine, question: str, cascade: Cascade | None) -> tuple[Reading, int]:
    """The reading of `question` with this cascade, and the windows the model was given."""
    shipped = engine.span_reader
    model = Counting(shipped.model)
    reader = SpanReader(model, shipped.encoder, shipped.abstention, shipped.ranker, cascade)
    text = engine.prepared(question)
    terms = tokenize(text)
    reading = reader.read(engine, text, terms, engine.ranked(terms, engine.config.support_k))
    assert reading is not None
    return reading, model.windows


def test_an_unsure_answer_reads_every_window_and_weighs_them_together(seeds_engine: Engine) -> None:
    question = "Which countries back Assad?"
    at_once, windows = read(seeds_engine, question, None)
    assert windows == len(at_once.windows) == seeds_engine.config.windows
    again, windows = read(seeds_engine, question, Cascade(first=4, stop_at=1.01))
    assert windows == 4 + seeds_engine.config.windows  # the best 4, then all 8 in one batch
    assert len(again.windows) == seeds_engine.config.windows
    assert again.best == at_once.best and again.features == at_once.features


def test_a_sure_answer_from_the_best_windows_stops_there(seeds_engine: Engine) -> None:
    reading, windows = read(seeds_engine, "When were the Syria talks due to start?",
                            Cascade(first=4, stop_at=0.5))
    assert windows == len(reading.windows) == 4
    assert reading.best.text == "January 25"
    p = seeds_engine.span_reader.abstention.probability(reading.features)
    _, windows = read(seeds_engine, "When were the Syria talks due to start?",
                      Cascade(first=4, stop_at=min(1.0, p + 0.01)))
    assert windows == 4 + seeds_engine.config.windows  # the same answer, not sure enough


def test_the_shipped_reader_settles_a_sure_question_on_its_best_windows(seeds_engine: Engine) -> None:
    cascade = seeds_engine.span_reader.cascade
    assert cascade is not None and cascade.first < seeds_engine.config.windows
    sure = seeds_engine.answer("When were the Syria talks due to start?")
    assert sure.text == "January 25" and sure.trace.windows == cascade.first
    assert {"000", "001", "003"} <= set(sure.sources)  # sources come from all retrieved
    unsure = seeds_engine.answer("How much did Kerry pay for lunch?")  # a near-miss
    assert unsure.text is None and unsure.trace.windows == seeds_engine.config.windows
