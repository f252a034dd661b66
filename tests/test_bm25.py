"""BM25Okapi retrieval, including rank-bm25's idf floor for common terms."""
from __future__ import annotations

import numpy as np

from retrieval import Engine
from retrieval.bm25 import make_scorer, top_k
from retrieval.values import Document


def test_top_k_is_best_first_and_drops_zero_scores():
    scores = np.array([0.0, 2.0, 5.0, 2.0, 0.5])
    assert top_k(scores, 3) == [(2, 5.0), (1, 2.0), (3, 2.0)]
    assert top_k(np.zeros(4), 2) == []
    assert top_k(scores, 0) == []


def test_scores_match_rank_bm25_for_repeated_terms():
    corpus = [["a", "b"], ["b", "c", "c"], ["d"]]
    scorer = make_scorer(corpus, "rank-bm25")
    once, twice = scorer.get_scores(["c"]), scorer.get_scores(["c", "c"])
    np.testing.assert_allclose(twice, 2 * once)


def test_common_terms_are_floored_but_rare_terms_still_find_their_passage():
    # "river" is in every document, so BM25Okapi floors its idf to a small epsilon;
    # the rare word of the question must still bring back the right sentence.
    docs = [
        Document(f"{i:03d}", f"River notes {i}", "", f"River notes {i}\n\nThe river flows past town {i}. "
                 f"The river is wide near the old mill {i}.")
        for i in range(6)
    ]
    docs.append(Document("099", "Trout", "", "Trout\n\nThe river holds trout near the weir."))
    engine = Engine(docs)
    hits = engine.search("Where does the river hold trout?", 3)
    assert hits[0].source == "099" and "trout" in hits[0].text
