"""Load a folder of text documents into `Document` values."""
from __future__ import annotations

import logging
import os
import re
from pathlib import Path

from retrieval.chrome import content_lines
from retrieval.values import Document

log = logging.getLogger(__name__)

SUFFIXES = (".txt", ".md")
MAX_FILE_BYTES = 64 * 1024 * 1024
_LEADING_ID = re.compile(r"^(\d+)_")


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
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            log.warning("skipping %s: larger than %d MB", path, MAX_FILE_BYTES // 2**20)
            return None
        raw = path.read_bytes()
    except OSError as err:
        log.warning("skipping %s: cannot read it (%s)", path, err.strerror or err)
        return None
    if b"\x00" in raw[:8192]:
        log.warning("skipping %s: binary file", path)
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        log.warning("skipping %s: not UTF-8 text", path)
        return None
    lines = content_lines(text)
    if not lines:
        log.warning("skipping %s: no text", path)
        return None
    title_start, title_end = lines[0]
    return Document(
        source=source_id(path), title=text[title_start:title_end], path=str(path), text=text
    )


def load_corpus(root: str | Path) -> list[Document]:
    """Every usable document below `root`; raises CorpusError when there is none."""
    folder = Path(root)
    if not folder.is_dir():
        raise CorpusError(f"corpus folder not found: {folder}")
    docs = [doc for path in corpus_files(folder) if (doc := read_document(path))]
    if not docs:
        raise CorpusError(f"no readable .txt or .md documents in {folder}")
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
