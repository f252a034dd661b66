"""Plain text of any name (.txt, .md, .rst, .log, .csv, none): its encoding detected, its
hard-wrapped paragraphs joined, its Markdown headings kept as places."""
from __future__ import annotations

import re

from retrieval.ingest.base import Extracted, Unreadable, section
from retrieval.ingest.wrapping import unwrap

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # all but \t \n \r
# A Markdown ATX heading ("## Install"), or a line underlined with === or --- (Setext, rst).
_ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
_UNDERLINE = re.compile(r"(?<=\n)(=+|-+|~+)[ \t]*$", re.MULTILINE)  # the line under a heading


def decode(raw: bytes) -> str:
    """Bytes to text: UTF-8 when it is, else the encoding charset-normalizer finds (Latin-1
    and Windows-1252 files are common); `Unreadable` when the bytes are not text at all."""
    if b"\x00" in raw:
        raise Unreadable("unsupported", "binary file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes  # only for the files that need it

        found = from_bytes(raw)
        best = found.best()
        if best is None:
            raise Unreadable("unsupported", "binary file (no text encoding fits)") from None
        # On a tie (short Western text fits several code pages equally), Windows-1252: the
        # most common encoding of text files that are not UTF-8.
        tied = [m for m in found if m.chaos == best.chaos and m.coherence == best.coherence]
        best = next((m for m in tied if m.encoding == "cp1252"), best)
        text = str(best)
    return decode_controls(text)


def decode_controls(text: str) -> str:
    """Newlines as \\n, and a space for each other control character (a form feed, a NUL),
    so the text keeps its shape and nothing unprintable reaches a reply."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub(" ", text)


def read_text(raw: bytes) -> Extracted:
    text = unwrap(decode(raw))
    return Extracted(text, places=headings(text))


def headings(text: str) -> tuple[tuple[int, str], ...]:
    """Where each Markdown or reStructuredText heading starts, and its words."""
    found = [(m.start(), section(m.group(2))) for m in _ATX.finditer(text)]
    for m in _UNDERLINE.finditer(text):
        start = text.rfind("\n", 0, m.start() - 1) + 1
        words = text[start : m.start() - 1].strip()
        if any(ch.isalnum() for ch in words) and len(m.group(1)) >= max(3, len(words) - 2):
            found.append((start, section(words)))
    return tuple(sorted(found))
