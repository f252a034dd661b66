"""Documents in: one reader per format, chosen by the registry below from the file's name
and first bytes. Each reader returns the document's plain text, its title when the format
names one, and a map from text offsets back to pages or headings. Adding a format is one
module and one line here.

    pdf.py   PDF (pypdfium2)        html.py  web pages (trafilatura)   docx.py  Word (python-docx)
    eml.py   e-mail (email)         epub.py  EPUB (zipfile + html.py)  text.py  any text file
"""
from __future__ import annotations

import gzip
import importlib
import io
import zlib
from pathlib import Path

from retrieval.ingest.base import (
    MAX_PACKED_BYTES,
    MAX_TEXT_BYTES,
    Extracted,
    Unreadable,
    read_regular_file,
)

# suffix -> (module, function, the largest file it reads)
READERS: dict[str, tuple[str, str, int]] = {
    ".pdf": ("pdf", "read_pdf", MAX_PACKED_BYTES),
    ".html": ("html", "read_html", MAX_TEXT_BYTES),
    ".htm": ("html", "read_html", MAX_TEXT_BYTES),
    ".xhtml": ("html", "read_html", MAX_TEXT_BYTES),
    ".docx": ("docx", "read_docx", MAX_PACKED_BYTES),
    ".eml": ("eml", "read_eml", MAX_TEXT_BYTES),
    ".epub": ("epub", "read_epub", MAX_PACKED_BYTES),
}
TEXT = ("text", "read_text", MAX_TEXT_BYTES)  # any other file whose bytes are text
_HTML_START = (b"<!doctype html", b"<html")

__all__ = ["MAX_PACKED_BYTES", "Extracted", "Unreadable", "extract", "formats"]


def formats() -> list[str]:
    """The suffixes with a reader of their own (any other text file is read as text)."""
    return sorted([*READERS, ".gz"])


def extract(path: Path) -> Extracted:
    """The document in the file at `path`; `Unreadable` says why not."""
    name = path.name.lower()
    if name.endswith(".gz"):
        raw = _gunzip(read_regular_file(path, MAX_TEXT_BYTES))
        name = name[:-3]
    else:
        raw = read_regular_file(path, _reader(name, b"")[2])
    module, function, limit = _reader(name, raw)
    if len(raw) > limit:
        raise Unreadable("too large", f"over the {limit // 2**20} MB limit for one file")
    read = getattr(importlib.import_module(f"retrieval.ingest.{module}"), function)
    return read(raw)


def _reader(name: str, head: bytes) -> tuple[str, str, int]:
    """By the name's suffix; a file without a known suffix by its first bytes."""
    suffix = Path(name).suffix
    if suffix in READERS:
        return READERS[suffix]
    if head.startswith(b"%PDF-"):
        return READERS[".pdf"]
    if head.startswith(b"PK\x03\x04"):
        raise Unreadable("unsupported", "a zip archive or an office format qabot does not read")
    if head[:200].lstrip(b"\xef\xbb\xbf \t\r\n").lower().startswith(_HTML_START):
        return READERS[".html"]
    return TEXT


def _gunzip(packed: bytes) -> bytes:
    """A gzip file's contents, stopping one byte past the limit (a zip bomb stops there)."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(packed)) as file:
            raw = file.read(MAX_TEXT_BYTES + 1)
    except (OSError, EOFError, zlib.error) as err:
        raise Unreadable("unreadable", f"damaged gzip file ({err})") from err
    if len(raw) > MAX_TEXT_BYTES:
        raise Unreadable("too large", f"unpacks to over {MAX_TEXT_BYTES // 2**20} MB")
    return raw
