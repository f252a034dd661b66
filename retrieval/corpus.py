"""Load a folder of text documents into `Document` values."""
from __future__ import annotations

import logging
import os
import re
import stat
from pathlib import Path

from retrieval.chrome import first_content_line
from retrieval.values import Document

log = logging.getLogger(__name__)

SUFFIXES = (".txt", ".md")
# About three million words: a bigger "document" is a dump or a log, and would hold up start-up
# (indexing takes about a second per megabyte); split it into files to index it.
MAX_FILE_BYTES = 16 * 1024 * 1024
_LEADING_ID = re.compile(r"^(\d+)_")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # all but \t \n \r


class CorpusError(Exception):
    """The corpus folder is missing or holds no readable document."""


def source_id(path: Path) -> str:
    """`000_a354.txt` -> `000`; any other name -> its stem."""
    match = _LEADING_ID.match(path.name)
    return match.group(1) if match else path.stem


def corpus_files(root: Path) -> list[Path]:
    """Every .txt/.md file below `root`, sorted, following no symlink loop twice."""
    found: list[Path] = []
    seen_dirs: set[tuple[int, int]] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True, onerror=_walk_error):
        st = os.stat(dirpath)
        if (st.st_dev, st.st_ino) in seen_dirs:
            log.warning("skipping %s: folder already visited (symlink loop)", dirpath)
            dirnames[:] = []
            continue
        seen_dirs.add((st.st_dev, st.st_ino))
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.lower().endswith(SUFFIXES) and not name.startswith("."):
                found.append(Path(dirpath) / name)
    return found


def _walk_error(err: OSError) -> None:
    log.warning("skipping %s: %s", err.filename, err.strerror or err)


def read_document(path: Path) -> Document | None:
    """One file as a Document, or None (with one warning) when it is unusable."""
    try:
        raw = _read_regular_file(path)
    except OSError as err:
        log.warning("skipping %s: cannot read it (%s)", path, err.strerror or err)
        return None
    if raw is None:
        return None
    if b"\x00" in raw:
        log.warning("skipping %s: binary file", path)
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        log.warning("skipping %s: not UTF-8 text (byte %d)", path, err.start)
        return None
    if _CONTROL.search(text):  # one space each, so offsets into the text stay true
        text = _CONTROL.sub(" ", text)
    title = first_content_line(text)
    if title is None:
        log.warning("skipping %s: no text", path)
        return None
    title_start, title_end = title
    return Document(
        source=source_id(path), title=text[title_start:title_end], path=str(path), text=text
    )


def _read_regular_file(path: Path) -> bytes | None:
    """The bytes of a regular file within the size limit; None (with a warning) otherwise.

    A FIFO or a device (say, a link to /dev/zero) would block or never end; opening without
    blocking lets us look before reading.
    """
    with os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):
            log.warning("skipping %s: not a regular file", path)
            return None
        # Read one byte past the limit: the file may have grown since fstat.
        raw = file.read(MAX_FILE_BYTES + 1) if info.st_size <= MAX_FILE_BYTES else b""
    size = max(info.st_size, len(raw))
    if size > MAX_FILE_BYTES:
        log.warning("skipping %s: %d MB, over the %d MB limit for one file (split it)",
                    path, size // 2**20, MAX_FILE_BYTES // 2**20)
        return None
    return raw


def load_corpus(root: str | Path) -> list[Document]:
    """Every usable document below `root`; raises CorpusError when there is none."""
    folder = Path(root)
    if not folder.is_dir():
        raise CorpusError(f"corpus folder not found: {folder}")
    files = corpus_files(folder)
    docs = [doc for path in files if (doc := read_document(path))]
    if not docs:
        skipped = f" ({len(files)} skipped, see the warnings)" if files else ""
        raise CorpusError(f"no readable .txt or .md documents in {folder}{skipped}")
    return _unique_sources(docs)


def _unique_sources(docs: list[Document]) -> list[Document]:
    """Two files with the same id (a/001_x.txt, b/001_y.txt) get distinct ids."""
    counts: dict[str, int] = {}
    out = []
    for doc in docs:
        n = counts.get(doc.source, 0)
        counts[doc.source] = n + 1
        if n:
            doc = Document(f"{doc.source}-{n + 1}", doc.title, doc.path, doc.text)
        out.append(doc)
    return out
