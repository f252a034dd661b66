"""Corpus loading: ids, titles, recursion, and files that must be skipped with a warning."""
from __future__ import annotations

import logging
import os

import pytest

from retrieval.corpus import CorpusError, load_corpus, source_id
from tests.conftest import write_corpus


def test_source_id_is_leading_digits_else_stem(tmp_path):
    assert source_id(tmp_path / "000_a354fa8a.txt") == "000"
    assert source_id(tmp_path / "notes.md") == "notes"
    assert source_id(tmp_path / "2024report.txt") == "2024report"


def test_loads_txt_and_md_recursively_with_titles(tmp_path):
    write_corpus(tmp_path, {
        "001_first.txt": "\n\nFirst title\n\nBody text here.",
        "sub/deeper/002_second.md": "Second title\nMore body.",
        "ignored.pdf": "not a text document",
    })
    docs = load_corpus(tmp_path)
    assert [(d.source, d.title) for d in docs] == [("001", "First title"), ("002", "Second title")]


def test_title_skips_page_chrome(tmp_path):
    write_corpus(tmp_path, {"a.txt": "Skip to main content\n\nReal headline here\n\nBody."})
    assert load_corpus(tmp_path)[0].title == "Real headline here"


def test_bad_files_are_skipped_with_one_warning_each(tmp_path, caplog):
    write_corpus(tmp_path, {
        "good.txt": "A readable document about rivers.",
        "latin1.txt": "caf\xe9 cr\xe8me".encode("latin-1"),
        "binary.txt": b"\x00\x01\x02binary",
        "empty.txt": "",
    })
    locked = tmp_path / "locked.txt"
    locked.write_text("secret")
    locked.chmod(0)
    with caplog.at_level(logging.WARNING):
        docs = load_corpus(tmp_path)
    readable = ["good", "locked"] if os.geteuid() == 0 else ["good"]  # root reads any mode
    assert [d.source for d in docs] == readable
    messages = [r.getMessage() for r in caplog.records]
    for name in ("latin1.txt", "binary.txt", "empty.txt"):
        assert sum(name in m for m in messages) == 1, messages
    if os.geteuid() != 0:
        assert sum("locked.txt" in m for m in messages) == 1


def test_symlink_loop_does_not_hang(tmp_path):
    write_corpus(tmp_path, {"sub/doc.txt": "Text about lakes."})
    (tmp_path / "sub" / "loop").symlink_to(tmp_path, target_is_directory=True)
    assert [d.source for d in load_corpus(tmp_path)] == ["doc"]


def test_duplicate_ids_get_distinct_sources(tmp_path):
    write_corpus(tmp_path, {"a/001_x.txt": "One.", "b/001_y.txt": "Two."})
    assert [d.source for d in load_corpus(tmp_path)] == ["001", "001-2"]


def test_empty_or_missing_corpus_is_a_clear_error(tmp_path):
    with pytest.raises(CorpusError, match="no readable"):
        load_corpus(tmp_path)
    with pytest.raises(CorpusError, match="not found"):
        load_corpus(tmp_path / "nope")
