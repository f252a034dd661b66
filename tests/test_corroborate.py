"""Corroboration: equal answers merge across sentences, disagreeing sources become rivals."""
from __future__ import annotations

import dataclasses
import math

import pytest

from retrieval.corroborate import CONFLICT_MARGIN, MAX_CLUSTERED, cluster, rivals, supporting
from retrieval.features import SentenceView, sentence_view, token_terms
from retrieval.nlp import pipeline
from retrieval.reader import Scored


@pytest.fixture(scope="module")
def view() -> SentenceView:
    """One parsed sentence; candidates below differ only in the coverage they claim."""
    doc = pipeline()("The bridge opened in March.")
    return sentence_view(
        doc, token_terms(doc), frozenset(), {"bridg": 1.0, "open": 1.0},
        prev_cover=0.0, next_cover=0.0, missing=0.0, unseen=0.0, best_cover=1.0,
        bm25_rel=1.0, rank=0,
    )


@pytest.fixture(scope="module")
def cand(view):
    def make(text: str, sentence: int, score: float, label: str = "CARDINAL",
             cover: float = 1.0) -> Scored:
        return Scored(text, sentence, dataclasses.replace(view, cover=cover), 0, 1, label, score)

    return make


def test_equal_answers_merge_and_add_up(cand):
    cands = [cand("Feb 1", 0, 3.5, "DATE"), cand("January 25", 1, 3.0, "DATE"),
             cand("Jan 25", 2, 2.9, "DATE")]
    groups = cluster(cands)
    assert [[m.text for m in g.members] for g in groups] == [["January 25", "Jan 25"], ["Feb 1"]]
    # Two sentences stating January 25 outweigh one stating Feb 1 with a higher score.
    assert groups[0].score == pytest.approx(3.0 + math.log(1 + math.exp(-0.1)))
    assert groups[0].score > groups[1].score == pytest.approx(3.5)
    assert groups[0].best.text == "January 25"


def test_one_sentence_counts_once(cand):
    once = cluster([cand("1,000", 0, 2.0), cand("more than 1,000", 0, 1.9)])
    assert len(once) == 1 and once[0].score == pytest.approx(2.0)
    twice = cluster([cand("1,000", 0, 2.0), cand("1000", 1, 2.0)])
    assert twice[0].score == pytest.approx(2.0 + math.log(2))


def test_only_the_top_candidates_are_clustered(cand):
    cands = [cand(str(i), i, 10.0 - i / 100) for i in range(MAX_CLUSTERED + 5)]
    assert len(cluster(cands)) == MAX_CLUSTERED


def test_supporting_takes_one_candidate_per_sentence_that_matches_the_question(cand):
    group = cluster([cand("90", 0, 5.0), cand("over 90", 0, 4.0), cand("90", 1, 3.0),
                     cand("90", 2, 2.0)])[0]
    covers = {0: 0.8, 1: 0.5, 2: 0.3}  # need at least half of the best sentence's 0.8
    support = supporting(group, covers.__getitem__)
    assert [(c.sentence, c.score) for c in support] == [(0, 5.0), (1, 3.0)]


SOURCES = {0: "a", 1: "a", 2: "b", 3: "c"}


def test_a_number_stated_by_another_source_is_a_rival(cand):
    groups = cluster([cand("40", 0, 5.0), cand("35", 2, 4.5)])
    found = rivals(groups, "number", SOURCES)
    assert [g.best.text for g in found] == ["35"]


def test_a_date_disagreement_is_a_rival_too(cand):
    groups = cluster([cand("March 3", 0, 5.0, "DATE"), cand("March 4", 3, 4.8, "DATE")])
    assert [g.best.text for g in rivals(groups, "date", SOURCES)] == ["March 4"]


def test_a_date_counted_from_its_article_s_day_is_no_rival(cand):
    # "this month" in one article and "in the next few days" in another may be one date
    for best, other in (("this month", "in the next few days"), ("March 3", "next week"),
                        ("this month", "January 25")):
        groups = cluster([cand(best, 0, 5.0, "DATE"), cand(other, 3, 4.8, "DATE")])
        assert rivals(groups, "date", SOURCES) == []


def test_another_value_from_the_same_source_is_no_rival(cand):
    groups = cluster([cand("40", 0, 5.0), cand("35", 1, 4.5)])  # both sentences from "a"
    assert rivals(groups, "number", SOURCES) == []


def test_people_and_things_have_no_rivals(cand):
    groups = cluster([cand("Anna Berg", 0, 5.0, "PERSON"), cand("Tom Hale", 2, 4.9, "PERSON")])
    assert rivals(groups, "person", SOURCES) == []


def test_a_rival_must_come_close_to_the_best_score(cand):
    close = cluster([cand("40", 0, 5.0), cand("35", 2, 5.0 - CONFLICT_MARGIN + 0.01)])
    far = cluster([cand("40", 0, 5.0), cand("35", 2, 5.0 - CONFLICT_MARGIN - 0.01)])
    assert len(rivals(close, "number", SOURCES)) == 1
    assert rivals(far, "number", SOURCES) == []


def test_a_rival_must_have_the_same_label_and_match_the_question_as_well(cand):
    other_label = cluster([cand("40", 0, 5.0), cand("35", 2, 4.5, "MONEY")])
    weak_match = cluster([cand("40", 0, 5.0, cover=1.0), cand("35", 2, 4.5, cover=0.5)])
    assert rivals(other_label, "number", SOURCES) == []
    assert rivals(weak_match, "number", SOURCES) == []


def test_a_single_value_has_no_rivals(cand):
    groups = cluster([cand("40", 0, 5.0), cand("40", 2, 4.5)])
    assert len(groups) == 1 and rivals(groups, "number", SOURCES) == []
