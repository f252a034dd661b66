"""SparseBM25 against rank-bm25's BM25Okapi: the same scores, the same top-k, a safe file format."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

import retrieval.sparse_bm25 as sparse_bm25
from retrieval.bm25 import make_scorer, top_k
from retrieval.sparse_bm25 import SparseBM25

# (seed, passages, vocabulary, longest passage): tiny corpora up to a few thousand passages
SIZES = [(1, 1, 3, 4), (2, 2, 4, 5), (3, 3, 6, 3), (4, 40, 25, 12), (5, 300, 200, 30),
         (6, 2500, 1500, 45)]


def zipf_corpus(seed: int, n: int, words: int, longest: int) -> list[list[str]]:
    """Passages of Zipf-distributed words: a few words fill more than half the passages."""
    rng = np.random.default_rng(seed)
    p = 1.0 / np.arange(1, words + 1) ** 1.1
    lengths = rng.integers(0, longest + 1, size=n)
    ids = rng.choice(words, size=int(lengths.sum()), p=p / p.sum())
    ends = np.cumsum(lengths)
    return [[f"w{i}" for i in ids[end - size:end]] for end, size in zip(ends, lengths)]


def queries(seed: int, words: int, count: int = 60) -> list[list[str]]:
    """Queries of 0-6 words, with repeats and words no passage holds."""
    rng = np.random.default_rng(seed + 1000)
    out: list[list[str]] = [[], ["unknown"], ["w0", "w0"], ["w0", "unknown", "w1", "w0"]]
    for _ in range(count):
        ids = rng.zipf(1.3, size=int(rng.integers(1, 7))) - 1  # mostly common words, some unseen
        out.append([f"w{i}" for i in ids] + (["w1"] if rng.random() < 0.2 else []))
    return out


def best(scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    """The k best positive scores by a full sort, ties to the lower index."""
    order = sorted(np.flatnonzero(scores > 0), key=lambda i: (-scores[i], i))[:k]
    return [(int(i), float(scores[i])) for i in order]


@pytest.mark.parametrize("seed,n,words,longest", SIZES)
@pytest.mark.parametrize("cheap", [0, 5_000, 10**9])  # pruned MaxScore, default, exact unions
def test_scores_and_top_k_match_rank_bm25(
    monkeypatch: pytest.MonkeyPatch, seed: int, n: int, words: int, longest: int, cheap: int
) -> None:
    monkeypatch.setattr(sparse_bm25, "_CHEAP", cheap)
    corpus = zipf_corpus(seed, n, words, longest)
    if not any(corpus):
        corpus[0] = ["w0"]
    reference, index = BM25Okapi(corpus), SparseBM25(corpus)
    for query in queries(seed, words):
        expected = reference.get_scores(query)
        np.testing.assert_array_equal(index.get_scores(query), expected)  # bit for bit
        for k in (1, 3, 10):
            got = index.top_k(query, k)
            assert got == best(expected, k)
            assert sorted(s for _, s in got) == sorted(s for _, s in top_k(expected, k))


def test_corpora_reach_the_epsilon_floor_and_zero_idf() -> None:
    corpus = zipf_corpus(6, 2500, 1500, 45)
    df: dict[str, int] = {}
    for passage in corpus:
        for word in set(passage):
            df[word] = df.get(word, 0) + 1
    assert max(df.values()) > len(corpus) / 2  # the floor above is exercised
    two = [["a", "b"], ["a", "c", "c"]]  # b and c: log(1.5) - log(1.5) == 0
    reference, index = BM25Okapi(two), SparseBM25(two)
    assert reference.idf["b"] == 0.0
    for query in (["b"], ["a", "c"], ["c", "c", "a"]):
        np.testing.assert_array_equal(index.get_scores(query), reference.get_scores(query))
    assert index.top_k(["b"], 5) == []


@pytest.mark.parametrize("corpus", [
    [[], ["a"], [], ["a", "b", "a"]],  # empty passages
    [["a"], ["a"], ["a", "b"]],  # a floored at a negative mean idf
    [["a"], ["a"], ["a"]],  # every score negative
    [["x", "y"]] * 3 + [["z"]] * 4,  # ties
])
def test_edge_corpora(corpus: list[list[str]]) -> None:
    reference, index = BM25Okapi(corpus), SparseBM25(corpus)
    for query in ([], ["a"], ["b", "a", "b"], ["x"], ["x", "z", "nope"]):
        expected = reference.get_scores(query)
        np.testing.assert_array_equal(index.get_scores(query), expected)
        assert index.top_k(query, 3) == best(expected, 3)
    assert index.top_k(["a"], 0) == []


def test_ties_go_to_the_lower_passage() -> None:
    index = SparseBM25([["z"], ["x", "y"], ["x", "y"], ["z"], ["x", "y"], ["z"], ["z"]])
    assert [i for i, _ in index.top_k(["x"], 2)] == [1, 2]
    assert [i for i, _ in index.top_k(["x", "z"], 7)] == [1, 2, 4, 0, 3, 5, 6]


@pytest.mark.parametrize("corpus", [[], [[]], [[], []]])
def test_corpus_without_terms_is_refused(corpus: list[list[str]]) -> None:
    with pytest.raises(ValueError):
        SparseBM25(corpus)


def test_make_scorer_backends() -> None:
    corpus = [["a", "b"], ["b", "c"], ["d"]]
    assert isinstance(make_scorer(corpus), SparseBM25)
    assert isinstance(make_scorer(corpus, "rank-bm25"), BM25Okapi)
    with pytest.raises(ValueError, match="backend"):
        make_scorer(corpus, "elastic")


@pytest.mark.parametrize("seed,n,words,longest", SIZES[2:])
def test_index_from_term_ids_equals_index_from_lists(seed: int, n: int, words: int,
                                                     longest: int) -> None:
    corpus = zipf_corpus(seed, n, words, longest)
    corpus[0] = ["w7", "w0"] + corpus[0]  # first appearances out of id order
    terms = [f"w{i}" for i in range(words + 3)]  # ids no passage holds, too
    ids = np.array([int(t[1:]) for p in corpus for t in p], dtype=np.int32)
    lengths = np.array([len(p) for p in corpus])
    by_lists, by_ids = SparseBM25(corpus), SparseBM25.from_ids(ids, lengths, terms)
    assert list(by_ids.vocab.items()) == list(by_lists.vocab.items())
    assert by_ids.params == by_lists.params
    for name in ("doc_len", "indptr", "indices", "tf", "term_max"):
        np.testing.assert_array_equal(getattr(by_ids, name), getattr(by_lists, name))
    with pytest.raises(ValueError):
        SparseBM25.from_ids(np.array([], dtype=np.int32), np.zeros(3, dtype=np.int64), terms)


@pytest.fixture
def saved(tmp_path: Path) -> tuple[SparseBM25, Path]:
    index = SparseBM25(zipf_corpus(5, 300, 200, 30))
    index.save(tmp_path / "index")
    return index, tmp_path / "index"


def test_save_load_round_trip(saved: tuple[SparseBM25, Path]) -> None:
    index, folder = saved
    loaded = SparseBM25.load(folder)
    assert loaded.vocab == index.vocab and loaded.params == index.params
    for query in queries(5, 200, 20):
        np.testing.assert_array_equal(loaded.get_scores(query), index.get_scores(query))
        assert loaded.top_k(query, 5) == index.top_k(query, 5)


def flip_byte(path: Path, at: int) -> None:
    raw = bytearray(path.read_bytes())
    raw[at] ^= 0x5A
    path.write_bytes(bytes(raw))


def test_frequencies_take_the_smallest_type(saved: tuple[SparseBM25, Path]) -> None:
    index, _ = saved
    assert index.tf.dtype == np.uint8 and index.indices.dtype == np.int32
    wide = SparseBM25([["a"] * 300, ["a", "b"]])
    assert wide.tf.dtype == np.uint16
    np.testing.assert_array_equal(wide.get_scores(["a"]), BM25Okapi([["a"] * 300, ["a", "b"]])
                                  .get_scores(["a"]))


@pytest.mark.parametrize("damage", [
    "cut passages", "cut lengths", "cut meta", "flip tf", "flip passage", "lengths changed",
    "vocabulary short", "meta not json", "no tf", "other postings", "old format",
])
def test_damaged_index_is_refused(saved: tuple[SparseBM25, Path], damage: str) -> None:
    _, folder = saved
    meta = folder / "meta.json"
    if damage.startswith("cut"):
        path = folder / f"{damage.split()[1]}.npy" if damage != "cut meta" else meta
        path.write_bytes(path.read_bytes()[: path.stat().st_size * 2 // 3])
    elif damage == "flip tf":
        flip_byte(folder / "tf.npy", 200)
    elif damage == "flip passage":
        flip_byte(folder / "passages.npy", 300)
    elif damage == "lengths changed":
        values = np.load(folder / "lengths.npy")
        values[3] += 1
        np.save(folder / "lengths.npy", values, allow_pickle=False)
    elif damage == "vocabulary short":
        doc = json.loads(meta.read_text(encoding="utf-8"))
        doc["vocabulary"].popitem()
        meta.write_text(json.dumps(doc), encoding="utf-8")
    elif damage == "meta not json":
        meta.write_text("{", encoding="utf-8")
    elif damage == "no tf":
        (folder / "tf.npy").unlink()
    elif damage == "other postings":
        SparseBM25(zipf_corpus(4, 40, 25, 12)).save(folder.parent / "other")
        for name in ("passages.npy", "tf.npy"):
            (folder / name).write_bytes((folder.parent / "other" / name).read_bytes())
    elif damage == "old format":
        doc = json.loads(meta.read_text(encoding="utf-8"))
        meta.write_text(json.dumps(doc | {"format": "qabot-sparse-bm25/1"}), encoding="utf-8")
    with pytest.raises(ValueError, match="unusable BM25 index"):
        SparseBM25.load(folder)
