"""The index build: the same sentences, terms, scorers and idf as tokenising each sentence."""
from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from retrieval import load_corpus
from retrieval.index import build_index
from retrieval.passages import Sentences, split_corpus, window_tokens
from retrieval.sparse_bm25 import SparseBM25
from retrieval.tokenize import tokenize
from retrieval.values import Document
from tests.conftest import SEEDS

LITERAL = [
    Document("a", "The Bridge", "a.txt",
             "The Bridge\n\nIt opened in 2019. The U.S. paid 1,000 euros."),
    Document("b", "Rain", "b.txt",
             "Rain\n\nRain fell. Größe 😀 matters — a lot! And the the the."),
    Document("c", "Only", "c.txt", "Only"),
]


def reference(docs: list[Document], context: int) -> tuple[list, list, list, dict[str, float]]:
    """What the engine built before the index: lists of terms per sentence and per window."""
    sentences = split_corpus(docs)
    own = [tokenize(s.text) for s in sentences]
    window = window_tokens(own, sentences, [tokenize(d.title) for d in docs], context)
    df = Counter(t for toks in own for t in set(toks))
    n = len(own)
    idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
    return sentences, own, window, idf


def same_index(got: SparseBM25, want: SparseBM25) -> None:
    assert list(got.vocab.items()) == list(want.vocab.items()) and got.params == want.params
    for name in ("doc_len", "indptr", "indices", "tf", "term_max"):
        np.testing.assert_array_equal(getattr(got, name), getattr(want, name))


@pytest.mark.parametrize("corpus", ["literal", "seeds"])
@pytest.mark.parametrize("context", [0, 1, 2])
def test_sparse_index_equals_the_per_sentence_build(corpus: str, context: int) -> None:
    docs = LITERAL if corpus == "literal" else load_corpus(SEEDS)
    sentences, own, window, idf = reference(docs, context)
    index = build_index(docs, context)
    assert list(Sentences(docs, index.spans)) == sentences
    same_index(index.own, SparseBM25(own))
    reference_window = BM25Okapi(window)
    for term in reference_window.idf:  # the window scores of every term, as rank-bm25's
        np.testing.assert_array_equal(index.window.get_scores([term]),
                                      reference_window.get_scores([term]))
    assert dict(index.idf) == idf and all(t in index.idf for t in idf) and "zzz" not in index.idf
    assert index.idf.unseen == math.log(1 + (len(own) + 0.5) / 0.5)


def test_rank_bm25_index_scores_as_the_sparse_one() -> None:
    docs = load_corpus(SEEDS)
    sparse, reference_index = build_index(docs), build_index(docs, backend="rank-bm25")
    assert dict(sparse.idf) == dict(reference_index.idf)
    for query in (["syria", "talk"], ["januari", "25", "talk"], ["nope"]):
        for a, b in ((sparse.own, reference_index.own), (sparse.window, reference_index.window)):
            np.testing.assert_array_equal(a.get_scores(query), b.get_scores(query))


def test_a_term_prefix_is_found_by_search_of_the_sorted_terms() -> None:
    idf = build_index(load_corpus(SEEDS)).idf
    for prefix in ("civil", "syri", "zzz", "a", "", "ü"):
        assert idf.has_prefix(prefix) == any(t.startswith(prefix) for t in idf), prefix


def test_progress_reaches_every_stage() -> None:
    heard: dict[str, tuple[int, int]] = {}
    build_index(LITERAL, progress=lambda stage, done, total: heard.__setitem__(
        stage, (done, total)))
    assert heard == {"documents": (3, 3), "scorers": (2, 2)}


def test_sentences_are_slices_of_their_documents() -> None:
    index = build_index(LITERAL)
    sentences = Sentences(LITERAL, index.spans)
    assert sentences[-1].text == "Only" and sentences[-1].doc == 2
    assert [s.text for s in sentences[1:3]] == ["It opened in 2019.", "The U.S. paid 1,000 euros."]
    with pytest.raises(IndexError):
        sentences[len(sentences)]
