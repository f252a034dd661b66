"""Corpus loading: ids, titles, recursion, and files that must be skipped with a warning."""
from __future__ import annotations

import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from retrieval import Engine
from retrieval.corpus import CorpusError, load_corpus, source_id
from tests.conftest import write_corpus

NOBODY = 65534


def test_source_id_is_leading_digits_else_stem(tmp_path):
    assert source_id(tmp_path / "000_a354fa8a.txt") == "000"
    assert source_id(tmp_path / "notes.md") == "notes"
    assert source_id(tmp_path / "2024report.txt") == "2024report"


def test_loads_text_files_recursively_with_titles(tmp_path):
    write_corpus(tmp_path, {
        "001_first.txt": "\n\nFirst title\n\nBody text here.",
        "sub/deeper/002_second.md": "Second title\nMore body.",
        "sub/README": "# Third *title*\n\nA file without a suffix is read when it is text.",
        "broken.pdf": "not a PDF at all",
    })
    docs = load_corpus(tmp_path)
    assert [(d.source, d.title) for d in docs] == [
        ("001", "First title"), ("README", "Third title"), ("002", "Second title")]


def test_title_skips_page_chrome(tmp_path):
    write_corpus(tmp_path, {"a.txt": "Skip to main content\n\nReal headline here\n\nBody."})
    assert load_corpus(tmp_path)[0].title == "Real headline here"


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder that every user may enter (pytest's tmp_path is root's alone when run as root)."""
    path = Path(tempfile.mkdtemp(prefix="qabot-corpus-"))
    path.chmod(0o755)
    yield path
    for sub in path.rglob("*"):
        if sub.is_dir() and not sub.is_symlink():
            sub.chmod(0o755)
    shutil.rmtree(path)


@contextmanager
def unprivileged() -> Iterator[None]:
    """Root reads any file whatever its mode: act as nobody meanwhile, so permissions count."""
    if os.geteuid() != 0:
        yield
        return
    os.seteuid(NOBODY)
    try:
        yield
    finally:
        os.seteuid(0)


def load_logged(folder: Path, caplog: pytest.LogCaptureFixture) -> tuple[list[str], list[str]]:
    """The loaded sources and the warnings, loading in a thread so that a hang fails the test."""
    loaded: list[list[str]] = []
    with caplog.at_level(logging.WARNING, logger="retrieval.corpus"):
        worker = threading.Thread(
            target=lambda: loaded.append([d.source for d in load_corpus(folder)]), daemon=True
        )
        worker.start()
        worker.join(30)
    assert loaded, "load_corpus hung or failed"
    return loaded[0], [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


def warned_once(messages: list[str], name: str, reason: str) -> None:
    about = [m for m in messages if name in m]
    assert len(about) == 1 and reason in about[0], (name, messages)


def test_bad_files_are_skipped_with_one_warning_each(tmp_path, caplog):
    write_corpus(tmp_path, {
        "good.txt": "A readable document about rivers.",
        "binary.txt": b"\x00\x01\x02binary",
        "late-nul.txt": b"Looks like text. " * 1000 + b"\x00\x01",
        "png.md": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "empty.txt": "",
        "chrome-only.txt": "Skip to main content\n\n404\n",
    })
    with open(tmp_path / "huge.txt", "wb") as huge:  # 50 MB, sparse: nothing is written
        huge.truncate(50 * 2**20)
    os.mkfifo(tmp_path / "pipe.txt")  # opening it to read would wait for a writer forever
    (tmp_path / "zero.txt").symlink_to("/dev/zero")  # endless
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    (tmp_path / "ping.txt").symlink_to(tmp_path / "pong.txt")
    (tmp_path / "pong.txt").symlink_to(tmp_path / "ping.txt")
    sources, messages = load_logged(tmp_path, caplog)
    assert sources == ["good"]
    for name, reason in [
        ("binary.txt", "binary"), ("late-nul.txt", "binary"),
        ("png.md", "binary"), ("empty.txt", "no text"), ("chrome-only.txt", "no text"),
        ("huge.txt", "50 MB, over the 16 MB limit"), ("pipe.txt", "not a regular file"),
        ("zero.txt", "not a regular file"), ("dangling.txt", "cannot read"),
        ("ping.txt", "cannot read"), ("pong.txt", "cannot read"),
    ]:
        warned_once(messages, name, reason)
    assert len(messages) == 11


def test_unreadable_files_and_folders_are_skipped_with_one_warning_each(shared_dir, caplog):
    write_corpus(shared_dir, {"good.txt": "A readable document about rivers.",
                              "locked.txt": "secret", "private/inner.txt": "secret too"})
    (shared_dir / "locked.txt").chmod(0)
    (shared_dir / "private").chmod(0)
    with unprivileged():
        sources, messages = load_logged(shared_dir, caplog)
    assert sources == ["good"]
    warned_once(messages, "locked.txt", "Permission denied")
    warned_once(messages, "private", "Permission denied")
    assert len(messages) == 2


def test_symlink_loop_does_not_hang_and_is_one_warning(tmp_path, caplog):
    write_corpus(tmp_path, {"sub/doc.txt": "Text about lakes."})
    (tmp_path / "sub" / "loop").symlink_to(tmp_path, target_is_directory=True)
    sources, messages = load_logged(tmp_path, caplog)
    assert sources == ["doc"]
    (message,) = messages
    assert "loop" in message and "symlink" in message


def test_thousands_of_tiny_files_are_all_indexed(tmp_path, caplog):
    write_corpus(tmp_path, {
        f"{i:04d}_note.txt": f"Note {i}\n\nWidget {i} was made by Person{i}." for i in range(3000)
    })
    sources, messages = load_logged(tmp_path, caplog)
    assert sources == [f"{i:04d}" for i in range(3000)] and messages == []
    answer = Engine.from_folder(tmp_path).answer("Who made widget 1234?")
    assert answer.sources == ("1234",)


def test_control_characters_become_spaces_in_place(tmp_path):
    write_corpus(tmp_path, {"a.txt": "Title\x0c here\n\nThe \x1b[1mbold\x1b[0m river\x7f.\r\n"})
    (doc,) = load_corpus(tmp_path)
    assert doc.title == "Title here"  # a title's spaces collapse; the text keeps its shape
    assert doc.text == "Title  here\n\nThe  [1mbold [0m river .\n"


def test_duplicate_ids_get_distinct_sources(tmp_path):
    write_corpus(tmp_path, {"a/001_x.txt": "One.", "b/001_y.txt": "Two."})
    assert [d.source for d in load_corpus(tmp_path)] == ["001", "001-2"]


def test_empty_or_missing_corpus_is_a_clear_error(tmp_path):
    with pytest.raises(CorpusError, match="no readable"):
        load_corpus(tmp_path)
    write_corpus(tmp_path, {"a.txt": b"\x00", "b.md": ""})
    with pytest.raises(CorpusError, match=r"no readable .* \(2 skipped: 1 unsupported, 1 empty\)"):
        load_corpus(tmp_path)
    with pytest.raises(CorpusError, match="not found"):
        load_corpus(tmp_path / "nope")
