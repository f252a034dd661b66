"""The dev-part measures that judge an abstention model (retrieval/span_reader/training/calibrate)."""
from __future__ import annotations

import math
from dataclasses import replace

import pytest

from retrieval.span_reader.abstain import FEATURES, Abstention
from retrieval.span_reader.training.calibrate import article, cross_validate, separation

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


def question(set_: str, doc: str, n: int, margin: float, right: bool | None) -> dict:
    """A dev row: answerable and answered rightly or wrongly (right True/False), or unanswerable
    (right None), with the reader's margin as its one informative feature."""
    gold = [] if right is None else ["Paris"]
    return row(margin, "Paris" if right else "Lyon", gold) | {
        "set": set_, "article": doc, "id": f"{doc}-{n}", "question": f"q{n}",
        "gold_sources": [doc] if gold else [], "sources": [doc]}


def test_cross_validation_scores_each_question_by_a_fit_that_never_saw_its_article() -> None:
    rows = [question(s, f"{s}{d}", n, margin, right)
            for s in ("bbc", "squad2") for d in range(6) for n, (margin, right) in enumerate(
                [(4.0, True), (3.0, True), (-2.0, False), (-3.0, None), (-4.0, None)])]
    found = cross_validate(rows, objective=("bbc", "squad2"), folds=3, seeds=2)
    # The margin tells right from the rest in every article, so held out it still does:
    # right answers are kept, wrong ones and unanswerable questions are declined.
    assert found == {"bbc": (0.8, 1.0), "squad2": (0.8, 1.0)}


def test_cross_validation_cannot_learn_what_only_held_out_articles_show() -> None:
    # Article "a" pairs a high margin with right answers, article "b" with wrong ones. Two
    # folds hold one article each, so each is judged by a fit on the other, which learned the
    # opposite: separation falls to 0. A fit that saw its own article would not.
    a = [question("bbc", "a", n, 3.0 if n % 2 else -3.0, bool(n % 2)) for n in range(10)]
    b = [question("bbc", "b", n, 3.0 if n % 2 else -3.0, not n % 2) for n in range(10, 20)]
    found = cross_validate(a + b, objective=("bbc",), folds=2, seeds=3)
    # Overall stays 0.5 (no question is unanswerable, so the threshold answers all of them).
    assert found["bbc"] == (0.5, 0.0)


def test_rows_without_an_article_are_grouped_by_their_first_source_or_else_alone() -> None:
    assert article({"article": "0007", "gold_sources": ["0009"], "id": "x"}) == "0007"
    assert article({"gold_sources": ["0009", "0011"], "id": "x"}) == "0009"
    assert article({"gold_sources": [], "id": "b17", "question": "q"}) == "b17"


def test_compare_scores_each_reader_with_its_own_abstention_and_pairs_the_difference() -> None:
    from retrieval.span_reader.training.compare import compare

    def rows(margins: list[float]) -> list[dict]:
        golds = [["Paris"], ["Lyon"], [], []]
        return [row(m, g[0] if g else "Nice", g) | {"id": f"q{n}", "question": "?", "set": "bbc", "sources": []}
                for n, (m, g) in enumerate(zip(margins, golds))]

    answer_all = replace(MARGIN_ONLY, threshold=0.0)
    old = rows([5.0, 5.0, 5.0, 5.0])  # answers all four: 2 right, 2 unanswerable answered
    new = rows([5.0, -5.0, -5.0, -5.0])  # answers only the first: 1 right, 2 declined
    table = compare(old, answer_all, new, MARGIN_ONLY)["bbc"]
    assert (table["old"], table["new"]) == (0.5, 0.75)
    # differences per question 0, -1, +1, +1: mean 0.25, sd 0.957, SE 0.479
    assert table["diff"] == 0.25 and math.isclose(table["se"], 0.4787, abs_tol=1e-3)


def test_compare_refuses_files_of_different_questions() -> None:
    from retrieval.span_reader.training.compare import compare

    a = [row(1.0, "Paris", ["Paris"]) | {"id": "q1", "question": "?", "set": "bbc"}]
    b = [row(1.0, "Paris", ["Paris"]) | {"id": "q2", "question": "?", "set": "bbc"}]
    with pytest.raises(SystemExit, match="different questions"):
        compare(a, MARGIN_ONLY, b, MARGIN_ONLY)
