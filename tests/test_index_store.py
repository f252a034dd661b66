"""The saved index: loaded while the corpus is unchanged, rebuilt when it changes or is damaged."""
from __future__ import annotations

import json
import logging
import os
import zlib
from pathlib import Path

import numpy as np
import pytest

from retrieval import Engine, load_corpus
from retrieval.fingerprint import fingerprint
from retrieval.index_store import open_index
from retrieval.window_bm25 import WindowBM25
from tests.conftest import write_corpus

FILES = {
    "001_bridge.txt": "Bridge opens\n\nThe new Harbour Bridge opened on March 3, 2019. "
                      "Mayor Anna Berg cut the ribbon.",
    "sub/002_news.md": "City news\n\nThe Harbour Bridge cost 40 million euros. It took four years.",
    "003_rain.txt": "Weather\n\nHeavy rain fell across the region on Sunday.",
}
QUERIES = [["harbour", "bridg"], ["rain", "sunday"], ["cost", "euro", "bridg"], ["nope"]]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "corpus", FILES)


def opened(corpus: Path, cache: Path, caplog: pytest.LogCaptureFixture, **kw: object) -> str:
    """Open the index; say whether it was "loaded", "updated" (only changed files read) or
    "built" (from the log, as a user sees it)."""
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="retrieval.index_store"):
        result = open_index(corpus, cache, **kw)  # type: ignore[arg-type]
    assert result.built == ("indexed" in caplog.text or "updated" in caplog.text)
    assert (result.changes is not None) == ("updated" in caplog.text)
    return "updated" if result.changes else "built" if result.built else "loaded"


def test_a_loaded_index_searches_as_the_built_one(corpus: Path, tmp_path: Path) -> None:
    built = open_index(corpus, tmp_path / "cache")
    loaded = open_index(corpus, tmp_path / "cache")
    assert built.built and not loaded.built and loaded.folder == built.folder
    assert list(loaded.documents) == list(built.documents) == load_corpus(corpus)
    np.testing.assert_array_equal(loaded.index.spans, built.index.spans)
    assert dict(loaded.index.idf) == dict(built.index.idf)
    for q in QUERIES:
        for name in ("own", "window"):
            a, b = getattr(loaded.index, name), getattr(built.index, name)
            np.testing.assert_array_equal(a.get_scores(q), b.get_scores(q))
    with_cache = Engine.from_folder(corpus, cache_dir=tmp_path / "cache")
    without = Engine.from_folder(corpus)
    question = "When did the Harbour Bridge open?"
    assert with_cache.search(question, 5) == without.search(question, 5)
    assert with_cache.answer(question) == without.answer(question)


def test_any_change_to_the_corpus_updates_the_index_and_nothing_else_does(
    corpus: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = tmp_path / "cache"
    assert opened(corpus, cache, caplog) == "built"
    assert opened(corpus, cache, caplog) == "loaded"
    os.utime(corpus / "003_rain.txt", (1, 1))  # touched, same bytes
    assert opened(corpus, cache, caplog) == "loaded"
    (corpus / "004_new.txt").write_text("Added\n\nA new document.", encoding="utf-8")
    assert opened(corpus, cache, caplog) == "updated"
    assert "1 added, 0 changed, 0 removed" in caplog.text
    (corpus / "sub" / "002_news.md").write_text("City news\n\nIt cost 41 million.", "utf-8")
    assert opened(corpus, cache, caplog) == "updated"
    assert "0 added, 1 changed, 0 removed" in caplog.text
    (corpus / "003_rain.txt").unlink()
    assert opened(corpus, cache, caplog) == "updated"
    assert "0 added, 0 changed, 1 removed" in caplog.text
    assert opened(corpus, cache, caplog) == "loaded"
    assert opened(corpus, cache, caplog, context=2) == "built"  # a setting that shapes it
    assert opened(corpus, cache, caplog, force=True) == "built"
    assert len(list(cache.iterdir())) == 1  # each rebuild replaced the corpus's older index


def damage(folder: Path, how: str) -> None:
    path = folder / {"cut text": "text.npy", "cut titles": "window/title_docs.npy",
                     "flip text": "text.npy", "flip tf": "own/tf.npy",
                     "flip window counts": "window/df.npy", "bad meta": "meta.json",
                     "meta a list": "meta.json", "cut lengths": "own/lengths.npy",
                     "no window": "window/meta.json", "old format": "meta.json",
                     "spans": "spans.npy"}[how]
    raw = bytearray(path.read_bytes())
    if how.startswith("cut"):
        path.write_bytes(bytes(raw[: len(raw) // 2]))
    elif how.startswith("flip"):
        raw[len(raw) // 2] ^= 0x20
        path.write_bytes(bytes(raw))
    elif how == "bad meta":
        path.write_text('{"format": "qabot-index/1", "documents": [', encoding="utf-8")
    elif how == "meta a list":
        path.write_text("[]", encoding="utf-8")
    elif how == "no window":
        path.unlink()
    elif how == "old format":
        meta = json.loads(path.read_text(encoding="utf-8"))
        path.write_text(json.dumps(meta | {"format": "qabot-index/1"}), encoding="utf-8")
    else:  # a span past its document's end, its checksum updated: the values are checked too
        spans = np.load(path)
        spans[-1, 2] += 10_000
        np.save(path, spans)
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        meta["arrays"]["spans"][2] = zlib.crc32(path.read_bytes())
        (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")


@pytest.mark.parametrize("how", ["cut text", "cut titles", "flip text", "flip tf",
                                 "flip window counts", "bad meta", "meta a list", "cut lengths",
                                 "no window", "old format", "spans"])
def test_a_damaged_index_is_rebuilt_with_one_warning(
    corpus: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture, how: str
) -> None:
    first = open_index(corpus, tmp_path / "cache")
    assert first.folder is not None
    documents = list(first.documents)  # before the damage: texts are read when asked for
    damage(first.folder, how)
    assert opened(corpus, tmp_path / "cache", caplog) == "built"
    assert [r.levelname for r in caplog.records].count("WARNING") == 1
    assert "unusable index" in caplog.text
    again = open_index(corpus, tmp_path / "cache")
    assert not again.built and list(again.documents) == documents


def test_saved_documents_read_as_a_list_and_refuse_a_cut_file(corpus: Path,
                                                               tmp_path: Path) -> None:
    built = open_index(corpus, tmp_path / "cache")
    loaded = open_index(corpus, tmp_path / "cache")
    assert not loaded.built and loaded.folder is not None
    assert loaded.documents[-1] == built.documents[-1]
    assert loaded.documents[1:] == built.documents[1:]
    with pytest.raises(IndexError):
        loaded.documents[len(built.documents)]
    fresh = open_index(corpus, tmp_path / "cache").documents
    text = loaded.folder / "text.npy"
    text.write_bytes(text.read_bytes()[:-5])  # cut while in use: a read says so
    with pytest.raises(OSError, match="cut short"):
        fresh[-1]


def test_an_interrupted_save_leaves_no_index(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def write_then_fail(self: WindowBM25, folder: Path) -> None:
        original(self, folder)  # its files are written; its meta.json and the index's are not
        raise OSError(28, "No space left on device")

    original = WindowBM25.save
    monkeypatch.setattr(WindowBM25, "save", write_then_fail)
    cache = tmp_path / "cache"
    result = open_index(corpus, cache)
    assert result.folder is None and "cannot save the index" in caplog.text
    assert list(cache.iterdir()) == []  # neither the index nor its half-written folder
    monkeypatch.undo()
    assert opened(corpus, cache, caplog) == "built"


def test_rank_bm25_is_indexed_at_every_start(
    corpus: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    assert opened(corpus, tmp_path / "cache", caplog, backend="rank-bm25") == "built"
    assert "cannot be saved" in caplog.text and not (tmp_path / "cache").exists()


def test_an_unwritable_cache_still_answers(
    corpus: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    engine = Engine.from_folder(corpus, cache_dir=blocked / "cache")
    assert engine.answer("Who cut the ribbon?").found
    assert "cannot save the index" in caplog.text


def test_the_fingerprint_reads_no_fifo(corpus: Path, tmp_path: Path) -> None:
    os.mkfifo(corpus / "pipe.txt")
    first = fingerprint(corpus, 1)  # returns: a FIFO is not read
    (corpus / "pipe.txt").unlink()
    assert fingerprint(corpus, 1) != first


def test_meta_names_the_corpus_and_its_documents(corpus: Path, tmp_path: Path) -> None:
    result = open_index(corpus, tmp_path / "cache")
    assert result.folder is not None
    meta = json.loads((result.folder / "meta.json").read_text(encoding="utf-8"))
    assert meta["corpus"] == str(corpus.resolve())
    paths = [d[2] for d in meta["documents"]]
    assert paths == ["001_bridge.txt", "003_rain.txt", "sub/002_news.md"]
