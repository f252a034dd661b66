"""Window scores from the sentence index against rank-bm25 over each window's listed terms."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

import retrieval.window_bm25 as window_bm25
from retrieval.sparse_bm25 import SparseBM25
from retrieval.window_build import build_window
from retrieval.window_bm25 import WindowBM25


def random_corpus(seed: int, documents: int, words: int) -> tuple[list[list[list[str]]],
                                                                   list[list[str]]]:
    """Documents as lists of sentences (some none, some empty) and titles, Zipf words.

    Titles also draw from words no sentence holds ("t0", "t1", ...), repeat words, or are empty.
    """
    rng = np.random.default_rng(seed)
    p = 1.0 / np.arange(1, words + 1) ** 1.1
    p /= p.sum()

    def text(size: int) -> list[str]:
        return [f"w{i}" for i in rng.choice(words, size=size, p=p)]

    docs = [[text(int(rng.integers(0, 8))) for _ in range(int(rng.integers(0, 6)))]
            for _ in range(documents)]
    titles = [text(int(rng.integers(0, 3))) + [f"t{i}" for i in rng.integers(0, 4, size=2)][
        :int(rng.integers(0, 3))] for _ in range(documents)]
    return docs, titles


def windows(docs: list[list[list[str]]], titles: list[list[str]], context: int) -> list[list[str]]:
    """Each sentence's window listed: the title, then sentences i-c..i+c of its document."""
    out = []
    for sentences, title in zip(docs, titles):
        for i in range(len(sentences)):
            near = sentences[max(0, i - context):i + context + 1]
            out.append(title + [t for s in near for t in s])
    return out


def scorer(docs: list[list[list[str]]], titles: list[list[str]], context: int) -> WindowBM25:
    terms = sorted({t for d in docs for s in d for t in s} | {t for t in sum(titles, [])})
    ids = {t: i for i, t in enumerate(terms)}
    sentences = [s for d in docs for s in d]
    own = SparseBM25.from_ids(np.array([ids[t] for s in sentences for t in s], dtype=np.int32),
                              np.array([len(s) for s in sentences]), terms)
    doc = np.repeat(np.arange(len(docs)), [len(d) for d in docs])
    title_ids = np.array([ids[t] for title in titles for t in title], dtype=np.int64)
    return build_window(own, doc, title_ids, np.array([len(t) for t in titles]), terms, context)


CASES = [(seed, documents, words, context) for seed, documents, words in
         [(1, 3, 4), (2, 12, 10), (3, 40, 30), (4, 150, 120)] for context in (0, 1, 2)]


@pytest.mark.parametrize("seed,documents,words,context", CASES)
@pytest.mark.parametrize("wide", [8, 10**9])  # big terms counted over all windows; never
def test_window_scores_equal_rank_bm25_over_listed_windows(
    monkeypatch: pytest.MonkeyPatch, seed: int, documents: int, words: int, context: int, wide: int
) -> None:
    monkeypatch.setattr(window_bm25, "_WIDE", wide)
    docs, titles = random_corpus(seed, documents, words)
    listed = windows(docs, titles, context)
    if not any(listed):
        pytest.skip("rank-bm25 cannot index a corpus without terms")
    reference, window = BM25Okapi(listed), scorer(docs, titles, context)
    assert window.params["average_idf"] == reference.average_idf
    rng = np.random.default_rng(seed)
    vocabulary = list(reference.idf)
    for term in vocabulary + ["nope"]:
        expected = reference.get_scores([term])
        np.testing.assert_array_equal(window.get_scores([term]), expected)  # bit for bit
        if (t := window.term(term)) is not None:
            assert window.df[t] == sum(term in w for w in listed)
            if window.idf[t] >= 0:  # (a negative bound stops the pruning that uses bounds)
                assert (expected <= window.bound[t]).all()
            windows_of, _ = window.posting(t)
            held = np.flatnonzero([term in w for w in listed])
            np.testing.assert_array_equal(windows_of, held)
            counts = [w.count(term) for w in listed]
            np.testing.assert_array_equal(window.frequencies(t, np.arange(len(listed))), counts)
    for _ in range(30):  # repeats and unknown words keep rank-bm25's order of addition
        query = list(rng.choice(vocabulary + ["nope"], size=int(rng.integers(1, 6))))
        np.testing.assert_array_equal(window.get_scores(query), reference.get_scores(query))


def test_saved_windows_load_and_score_the_same(tmp_path: Path) -> None:
    docs, titles = random_corpus(3, 40, 30)
    window = scorer(docs, titles, 1)
    window.save(tmp_path / "window")
    loaded = WindowBM25.load(tmp_path / "window", window.own, window.doc)
    for term in ["w0", "w3", "t1", "nope"]:
        np.testing.assert_array_equal(loaded.get_scores([term]), window.get_scores([term]))
    meta = json.loads((tmp_path / "window" / "meta.json").read_text(encoding="utf-8"))
    meta["extra"]["zzz"] = 10**6
    (tmp_path / "window" / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ValueError, match="unusable window index"):
        WindowBM25.load(tmp_path / "window", window.own, window.doc)
