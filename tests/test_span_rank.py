"""The candidate ranker: several spans per window, their features, and the fitted choice."""
from __future__ import annotations

import numpy as np
import pytest

from retrieval.span_reader.inputs import Encoder
from retrieval.span_reader.model import MODEL_DIR, MODEL_FILE, OnnxSpanModel, load_settings
from retrieval.span_reader.rank import (
    FEATURES, N_FEATURES, QUESTION_WORDS, SHAPES, Ranker, WindowView, features, question_word)
from retrieval.span_reader.spans import Span, window_spans
from retrieval.span_reader.training.rank import learnable, softmax_fit
from retrieval.span_reader.windows import Window

TOKENIZER = MODEL_DIR / "tokenizer.json"
VIEW = WindowView(rank=0, bm25_rel=1.0, cover=1.0, null=0.0)


def span(window: int, text: str, score: float) -> Span:
    return Span(window, window, text, 0, len(text), score)


def column(name: str) -> int:
    return FEATURES.index(name)


def test_a_window_gives_its_best_spans_without_overlaps() -> None:
    window = Window(0, "A title", (0,), ("Ann Lee beat Bob Cole in May.",), 0, 0, 1.0)
    e = Encoder(TOKENIZER, 64).encode("Who won?", window)
    start, end = np.full(len(e.ids), -9.0), np.full(len(e.ids), -9.0)
    words = {e.context[a:b].lower(): n for n, (a, b) in enumerate(o or (0, 0) for o in e.offsets)}
    start[words["ann"]], end[words["lee"]] = 6.0, 6.0
    start[words["bob"]], end[words["cole"]] = 4.0, 4.0
    end[words["beat"]] = 5.5  # "Ann Lee beat" overlaps "Ann Lee": no alternative
    found = window_spans(0, e, start, end, k=3)
    assert [s.text for s in found[:2]] == ["Ann Lee", "Bob Cole"]
    assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)
    assert len(window_spans(0, e, start, end, k=1)) == 1


def test_question_words_most_specific_first() -> None:
    assert question_word("How many goals did he score?") == 3
    assert question_word("Who won?") == 0
    assert question_word("Name the winner.") == len(QUESTION_WORDS)


def test_features_see_agreement_across_windows_and_the_answer_shape() -> None:
    spans = [span(0, "1,200", 5.0), span(1, "1,200", 4.0), span(2, "Paris", 6.0)]
    rows = features("How many jobs went?", spans, [VIEW] * 3)
    assert rows.shape == (3, N_FEATURES)
    assert rows[0, column("windows_agreeing")] == pytest.approx(np.log(2))
    assert rows[2, column("windows_agreeing")] == 0.0
    assert rows[0, column("agreement")] > rows[0, column("score_gap")]
    shape = len(FEATURES) + len(SHAPES) * question_word("How many jobs went?")
    assert rows[0, shape] == 1.0 and rows[2, shape] == 0.0  # a digit where a count is asked
    assert rows[2, shape + 1] == 1.0  # a capital


def test_before_any_fit_the_highest_score_answers() -> None:
    spans = [span(0, "1,200", 5.0), span(1, "1,200", 4.0), span(2, "Paris", 6.0)]
    assert Ranker.from_settings(None).order("How many?", spans, [VIEW] * 3)[0].text == "Paris"


def test_a_fitted_ranker_learns_what_the_score_misses() -> None:
    # Synthetic questions: the right answer is the one two windows agree on, a little
    # below a lone higher-scoring one. The fit must learn to trust the agreement.
    rng = np.random.default_rng(0)
    rows, right, group = [], [], []
    for q in range(200):
        lone = 5.0 + rng.uniform(0, 1)
        spans = [span(0, "Paris", lone), span(1, "1,200", lone - 0.5), span(2, "1,200", lone - 1)]
        rows.append(features("How many?", spans, [VIEW] * 3))
        right += [False, True, True]
        group += [q] * 3
    data = {"x": np.vstack(rows), "right": np.array(right), "group": np.array(group)}
    x, y, g = learnable(data)
    means, scales = x.mean(0), x.std(0) + 1e-9
    ranker = Ranker(tuple(softmax_fit((x - means) / scales, y, g)), tuple(means), tuple(scales))
    test = [span(0, "Lyon", 7.0), span(1, "300", 6.4), span(2, "300", 6.1)]
    assert ranker.order("How many?", test, [VIEW] * 3)[0].text == "300"


def test_questions_without_both_a_right_and_a_wrong_candidate_teach_nothing() -> None:
    data = {"x": np.zeros((5, 2)), "right": np.array([True, False, True, True, False]),
            "group": np.array([0, 0, 1, 1, 2])}
    x, y, g = learnable(data)
    assert len(x) == 2 and g.tolist() == [0, 0]


def test_the_shipped_ranker_matches_its_features() -> None:
    settings = load_settings()["rank"]
    assert len(settings["weights"]) == N_FEATURES
    assert settings["features"][:len(FEATURES)] == list(FEATURES)
    ranker = Ranker.from_settings(settings)
    # the span score stays the ranker's main evidence
    assert ranker.weights[column("score_gap")] + ranker.weights[column("agreement")] > 0


def test_a_ranker_fitted_for_other_features_is_refused() -> None:
    with pytest.raises(ValueError, match="refit"):
        Ranker.from_settings({"weights": [1.0], "means": [0.0], "scales": [1.0]})


def test_an_ensemble_of_one_model_twice_reads_as_that_model() -> None:
    window = Window(0, "A title", (0,), ("Ann Lee won the race in May.",), 0, 0, 1.0)
    e = Encoder(TOKENIZER, 64).encode("Who won the race?", window)
    one = OnnxSpanModel(MODEL_DIR / MODEL_FILE).logits([e])
    two = OnnxSpanModel([MODEL_DIR / MODEL_FILE] * 2).logits([e])
    np.testing.assert_allclose(one[0], two[0], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(one[1], two[1], rtol=1e-5, atol=1e-5)
