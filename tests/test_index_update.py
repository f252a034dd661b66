"""An index updated with the files that changed is the index a full build makes, file for file."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import write_corpus

from retrieval.index_store import open_index

FILES = {
    "001_bridge.txt": "Bridge opens\n\nThe new Harbour Bridge opened on March 3, 2019. "
                      "Mayor Anna Berg cut the ribbon.",
    "sub/002_news.md": "# City news\n\nThe Harbour Bridge cost 40 million euros. It took four "
                       "years.\n\n## Traffic\n\nTen thousand cars cross it every day.",
    "003_rain.txt": "Weather\n\nHeavy rain fell across the region on Sunday.",
    "picture.png": "\x89PNG\r\n\x1a\n not text at all \x00\x01\x02",
}


def saved_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_as_built(corpus: Path, cache: Path, tmp_path: Path) -> str:
    """Open (so update) the index in `cache`; check it equals a full build's, file for file;
    return what the update said it did."""
    updated = open_index(corpus, cache)
    full = open_index(corpus, tmp_path / "full", force=True)
    assert updated.changes is not None and full.changes is None
    assert updated.folder is not None and full.folder is not None
    assert updated.folder.name == full.folder.name  # the same fingerprint
    assert saved_files(updated.folder) == saved_files(full.folder)
    assert list(updated.documents) == list(full.documents)
    assert updated.skipped == full.skipped
    return str(updated.changes)


@pytest.mark.parametrize("change, said", [
    (lambda c: (c / "004_new.txt").write_text("Added\n\nA brand new dock was built.", "utf-8"),
     "1 added, 0 changed, 0 removed"),
    (lambda c: (c / "sub" / "002_news.md").write_text("# City news\n\nIt cost 41 million.",
                                                      "utf-8"),
     "0 added, 1 changed, 0 removed"),
    (lambda c: (c / "003_rain.txt").unlink(), "0 added, 0 changed, 1 removed"),
    (lambda c: (c / "001_bridge.txt").rename(c / "sub" / "005_bridge.txt"),
     "1 added, 0 changed, 1 removed"),
    # the same id twice: the ids are numbered again in corpus order
    (lambda c: (c / "000" / "001_first.txt").parent.mkdir() or (
        c / "000" / "001_first.txt").write_text("First\n\nThe first ferry sailed in 1901.",
                                                "utf-8"), "1 added, 0 changed, 0 removed"),
    (lambda c: (c / "picture.png").write_text("Now text\n\nA picture no more.", "utf-8"),
     "1 added, 0 changed, 0 removed"),  # a skipped file became readable
    (lambda c: (c / "003_rain.txt").write_bytes(b"\x00\x01\x02\x03" * 64),
     "0 added, 0 changed, 1 removed"),  # a document became unreadable: skipped now
    (lambda c: [(c / n).unlink() for n in ("001_bridge.txt", "003_rain.txt")],
     "0 added, 0 changed, 2 removed"),
])
def test_an_update_equals_a_full_build(tmp_path: Path, change: object, said: str) -> None:
    corpus = write_corpus(tmp_path / "corpus", FILES)
    cache = tmp_path / "cache"
    open_index(corpus, cache)
    change(corpus)  # type: ignore[operator]
    assert assert_as_built(corpus, cache, tmp_path) == said
    assert len(list(cache.iterdir())) == 1  # the earlier index is gone


def test_updates_one_after_another_stay_equal_to_full_builds(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", FILES)
    cache = tmp_path / "cache"
    open_index(corpus, cache)
    for n in range(4):
        (corpus / f"1{n}_note.txt").write_text(
            f"Note {n}\n\nThe council met on day {n} and voted {n} to {n + 1}.", "utf-8")
        if n == 2:
            (corpus / "10_note.txt").unlink()
        assert_as_built(corpus, cache, tmp_path)
    again = open_index(corpus, cache)
    assert not again.built and again.changes is None  # current: loaded, nothing read


def test_an_update_that_leaves_no_document_says_so(tmp_path: Path) -> None:
    from retrieval.corpus import CorpusError

    corpus = write_corpus(tmp_path / "corpus", {"a.txt": "Alpha\n\nOne sentence here."})
    open_index(corpus, tmp_path / "cache")
    (corpus / "a.txt").write_bytes(b"\x00\x01" * 100)
    with pytest.raises(CorpusError, match="no readable documents"):
        open_index(corpus, tmp_path / "cache")
