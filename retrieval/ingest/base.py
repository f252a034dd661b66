"""What every format's reader returns, and the one way it says a file cannot be read."""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

# About three million words of text: a bigger text file is a dump or a log and would hold up
# start-up (indexing takes about a second per megabyte); split it into files to index it.
MAX_TEXT_BYTES = 16 * 1024 * 1024
# PDF, Word and EPUB files carry fonts and pictures beside their text: a bigger limit.
MAX_PACKED_BYTES = 100 * 1024 * 1024


@dataclass(frozen=True)
class Extracted:
    """A document's plain text, its title when the format names one, and where in the source
    each part of the text comes from: `(offset, place)` pairs in order, such as (0, "p. 1"),
    (1830, "p. 2") for a PDF or (0, "Introduction") for a heading, so a quote can be cited."""

    text: str
    title: str | None = None
    places: tuple[tuple[int, str], ...] = ()


class Unreadable(Exception):
    """A file qabot skips; `kind` groups the reasons in the summary ("unsupported")."""

    def __init__(self, kind: str, detail: str | None = None) -> None:
        super().__init__(detail or kind)
        self.kind = kind
        self.detail = detail or kind


def read_regular_file(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes.

    A FIFO or a device (say, a link to /dev/zero) would block or never end: opening without
    blocking lets us look before reading. One byte past the limit is read, as the file may
    have grown since we looked.
    """
    try:
        with os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as file:
            info = os.fstat(file.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise Unreadable("not a regular file")
            raw = file.read(limit + 1) if info.st_size <= limit else b""
    except OSError as err:
        raise Unreadable("unreadable", f"cannot read it ({err.strerror or err})") from err
    size = max(info.st_size, len(raw))
    if size > limit:
        raise Unreadable("too large", f"{size / 2**20:.0f} MB, over the {limit // 2**20} MB "
                                      "limit for one file (split it)")
    return raw


def section(heading: str) -> str:
    """How a citation names the section under `heading`: '§ Installing qabot'."""
    words = " ".join(heading.split())
    if len(words) > 60:
        words = words[: words.rfind(" ", 0, 60) if " " in words[:60] else 60].rstrip(",;:") + "…"
    return f"§ {words}"
