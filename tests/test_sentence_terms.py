"""Sentences and term ids in batches and in worker processes: the same as one sentence at a time."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import retrieval.sentence_terms as sentence_terms_module
from retrieval import load_corpus
from retrieval.passages import split_corpus
from retrieval.sentence_terms import sentence_terms, term_ids
from retrieval.tokenize import tokenize
from tests.conftest import SEEDS

_PIECES = st.sampled_from([
    "U.S.", "1,000", "5.", "000", "\u0301", "\u00b4", "ﬁ", "Å", "A\u030a", "\u1100\u1161", "the",
    "IT", " ", ".", ",", "\n", "qabotxsentencexbreak", "_", "é", "İ", "ß",
])


def as_terms(ids: np.ndarray, counts: np.ndarray, vocab: dict[str, int]) -> list[list[str]]:
    terms = list(vocab)
    ends = np.cumsum(counts).tolist()
    return [[terms[i] for i in ids[end - n:end]] for end, n in zip(ends, counts.tolist())]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.one_of(_PIECES, st.text(max_size=6)), max_size=12).map("".join),
                max_size=6))
def test_batched_term_ids_equal_tokenize(texts: list[str]) -> None:
    vocab: dict[str, int] = {}
    ids, counts = term_ids(texts, vocab)
    assert as_terms(ids, counts, vocab) == [tokenize(t) for t in texts]


@pytest.mark.parametrize("workers", [False, True])
def test_sentence_terms_in_processes_equal_one_sentence_at_a_time(
    monkeypatch: pytest.MonkeyPatch, workers: bool
) -> None:
    docs = load_corpus(SEEDS)
    monkeypatch.setattr(sentence_terms_module, "CHUNK_CHARS", 3000)  # several tasks
    if workers:
        monkeypatch.setattr(sentence_terms_module, "PARALLEL_CHARS", 0)
        monkeypatch.setattr(sentence_terms_module.os, "cpu_count", lambda: 2)
    heard: list[tuple[int, int]] = []
    found = sentence_terms([d.text for d in docs], lambda done, total: heard.append((done, total)))
    sentences = split_corpus(docs)
    assert found.spans.tolist() == [[s.doc, s.start, s.end] for s in sentences]
    vocab = {t: i for i, t in enumerate(found.terms)}
    assert as_terms(found.ids, found.counts, vocab) == [tokenize(s.text) for s in sentences]
    assert len(heard) > 1 and heard[-1] == (len(docs), len(docs))


def test_no_documents() -> None:
    found = sentence_terms([])
    assert found.spans.shape == (0, 3) and len(found.ids) == 0 and found.terms == []


def test_workers_that_cannot_start_leave_it_to_this_process(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    class BrokenPool:
        def __init__(self, *args: object, **kwargs: object) -> None: ...
        def __enter__(self) -> BrokenPool:
            return self
        def __exit__(self, *exc: object) -> None: ...
        def map(self, *args: object) -> None:
            raise sentence_terms_module.BrokenProcessPool("no __main__ guard")

    monkeypatch.setattr(sentence_terms_module, "PARALLEL_CHARS", 0)
    monkeypatch.setattr(sentence_terms_module, "CHUNK_CHARS", 10)
    monkeypatch.setattr(sentence_terms_module.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(sentence_terms_module, "ProcessPoolExecutor", BrokenPool)
    found = sentence_terms(["One text here.", "Another one."])
    assert found.spans.tolist() == [[0, 0, 14], [1, 0, 12]]
    assert "one process" in caplog.text
