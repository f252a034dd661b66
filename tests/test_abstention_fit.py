"""The dev-part measures that judge an abstention model (retrieval/span_reader/training/calibrate)."""
from __future__ import annotations

import math

from retrieval.span_reader.abstain import FEATURES, Abstention
from retrieval.span_reader.training.calibrate import separation

MARGIN_ONLY = Abstention.from_settings(None)  # before any fit: the probability follows the margin


def row(margin: float, answer: str | None, gold: list[str]) -> dict:
    features = dict.fromkeys(FEATURES, 0.0) | {"margin": margin}
    return {"answer": answer, "gold": gold, "features": features}


def test_separation_is_one_when_every_right_answer_is_surer_than_every_other() -> None:
    rows = [row(3.0, "Paris", ["Paris"]), row(2.0, "Lyon", ["Lyon"]),
            row(1.0, "Nice", ["Paris"]), row(0.5, "Rome", [])]
    assert separation(rows, MARGIN_ONLY) == 1.0


def test_separation_counts_each_misordered_pair_and_half_of_each_tie() -> None:
    rows = [row(3.0, "Paris", ["Paris"]), row(1.0, "Lyon", ["Lyon"]),
            row(2.0, "Nice", ["Paris"]), row(1.0, "Rome", [])]
    # right 3.0 beats both others; right 1.0 loses to 2.0 and ties 1.0: (1 + 1 + 0 + 0.5) / 4
    assert separation(rows, MARGIN_ONLY) == 0.625


def test_a_question_read_without_features_counts_as_least_sure() -> None:
    rows = [row(-5.0, "Paris", ["Paris"]), {"answer": None, "gold": [], "features": None}]
    assert separation(rows, MARGIN_ONLY) == 1.0


def test_separation_is_undefined_without_a_right_answer_or_without_another() -> None:
    assert math.isnan(separation([row(1.0, "Paris", ["Paris"])], MARGIN_ONLY))
    assert math.isnan(separation([row(1.0, "Nice", ["Paris"])], MARGIN_ONLY))
