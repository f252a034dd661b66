"""EPUB books: a zip of XHTML chapters, read in the order of the book's spine through the
web-page reader, each chapter's title kept as a place. `zipfile` and the standard XML parser
only (the common EPUB libraries are AGPL)."""
from __future__ import annotations

import io
import posixpath
import zipfile
from xml.etree import ElementTree

from retrieval.ingest.base import MAX_TEXT_BYTES, Extracted, Unreadable, section
from retrieval.ingest.html import html_text

_OPF = "{http://www.idpf.org/2007/opf}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_CONTAINER = "{urn:oasis:names:tc:opendocument:xmlns:container}"


def read_epub(raw: bytes) -> Extracted:
    try:
        book = zipfile.ZipFile(io.BytesIO(raw))
        container = ElementTree.fromstring(book.read("META-INF/container.xml"))
        rootfile = container.find(f".//{_CONTAINER}rootfile")
        if rootfile is None:
            raise KeyError("no rootfile")
        opf_path = rootfile.attrib["full-path"]
        opf = ElementTree.fromstring(book.read(opf_path))
        base = posixpath.dirname(opf_path)
        items = {i.attrib["id"]: i.attrib["href"] for i in opf.iter(f"{_OPF}item")}
        order = [items[r.attrib["idref"]] for r in opf.iter(f"{_OPF}itemref")
                 if r.attrib.get("idref") in items]
        title_node = opf.find(f".//{_DC}title")
        chapters = [_chapter(book, posixpath.join(base, href)) for href in order]
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError) as err:
        raise Unreadable("unreadable", f"damaged EPUB ({err})") from err
    text, places = "", []
    for chapter in chapters:
        try:
            read = html_text(chapter)
        except Unreadable:
            continue  # a cover or an image page
        text += "\n\n" if text else ""
        places += [(len(text) + at, where) for at, where in read.places]
        if not read.places and read.title:
            places.append((len(text), section(read.title)))
        text += read.text
    if not text:
        raise Unreadable("no text", "an EPUB without text")
    title = (title_node.text or "").strip() if title_node is not None else ""
    return Extracted(text, title or None, tuple(sorted(places)))


def _chapter(book: zipfile.ZipFile, name: str) -> str:
    info = book.getinfo(name)
    if info.file_size > MAX_TEXT_BYTES:  # a zip bomb says its size before it is unpacked
        raise zipfile.BadZipFile(f"{name} unpacks to {info.file_size // 2**20} MB")
    return book.read(info).decode("utf-8", "replace")
