"""A corpus's fingerprint: its files' paths and bytes, and the code that indexes them."""
from __future__ import annotations

import hashlib
import json
import os
import stat
from functools import cache
from importlib.metadata import version
from pathlib import Path

from retrieval.corpus import MAX_FILE_BYTES, corpus_files

# The modules whose code decides what an index holds: editing one makes a new fingerprint.
_SHAPING = (
    "arrays", "chrome", "corpus", "index", "index_store", "index_update", "okapi", "sentence_terms", "sentences",
    "sparse_bm25", "tokenize", "window_bm25", "window_build", "ingest/__init__", "ingest/base",
    "ingest/docx", "ingest/eml", "ingest/epub", "ingest/html", "ingest/pdf", "ingest/text",
    "ingest/titles", "ingest/wrapping",
)


def fingerprint(root: Path, *settings: str | int, files: dict[str, str] | None = None) -> str:
    """A digest of every corpus file's path and bytes (`files`, from `file_digests`, when
    given), the indexing code and `settings`."""
    digest = hashlib.sha256(json.dumps([*settings, code_digest()]).encode())
    for name, file in (file_digests(root) if files is None else files).items():
        digest.update(name.encode("utf-8", "surrogateescape") + b"\0" + file.encode() + b"\0")
    return digest.hexdigest()[:32]


def file_digests(root: Path) -> dict[str, str]:
    """Each corpus file's path below `root` and a digest of its bytes, in `corpus_files` order:
    what tells an index which files it must read again."""
    return {path.relative_to(root).as_posix(): _file_digest(path).hex()
            for path in corpus_files(root)}


@cache
def code_digest() -> str:
    """A digest of the code and library versions that decide what an index holds."""
    code = hashlib.sha256()
    for name in _SHAPING:
        code.update((Path(__file__).parent / f"{name}.py").read_bytes())
    for package in ("blingfire", "PyStemmer", "breame", "pypdfium2", "trafilatura", "python-docx",
                    "charset-normalizer"):
        code.update(version(package).encode())
    return code.hexdigest()


def _file_digest(path: Path) -> bytes:
    """The file's sha256, or what stands for it when the corpus will skip the file anyway."""
    try:  # without blocking, as a FIFO would; the corpus skips it
        with os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as file:
            info = os.fstat(file.fileno())
            if not stat.S_ISREG(info.st_mode):
                return b"not a regular file"
            if info.st_size > MAX_FILE_BYTES:  # skipped too: its size says when that changes
                return f"{info.st_size} bytes".encode()
            return hashlib.file_digest(file, "sha256").digest()
    except OSError as err:
        return f"unreadable: {err.errno}".encode()
