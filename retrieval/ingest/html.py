"""Web pages through trafilatura: the main text without menus, footers and other
boilerplate, its headings kept as places, its title from <title> or the page's metadata."""
from __future__ import annotations

from functools import cache
from typing import Any

from retrieval.ingest.base import Extracted, Unreadable, section
from retrieval.ingest.text import decode, decode_controls
from retrieval.ingest.titles import clean

_SPACES = " \t\n\r\f\v"


def read_html(raw: bytes) -> Extracted:
    return html_text(decode(raw))


def html_text(markup: str, title: str | None = None) -> Extracted:
    """The main text of an HTML page (also an e-mail's or an EPUB chapter's)."""
    import trafilatura  # only when a page is read

    found = trafilatura.bare_extraction(
        markup, include_formatting=True, include_tables=True, include_comments=False,
        with_metadata=True, favor_recall=True, config=_config())
    if found is None or found.body is None:
        raise Unreadable("no text", "no readable text in the page")
    blocks: list[tuple[str, bool]] = []  # (text, is a heading)
    for element in found.body:
        _blocks(element, blocks)
    text, places = "", []
    for words, heading in blocks:
        text += "\n\n" if text else ""
        if heading:
            places.append((len(text), section(words)))
        text += words
    if not text.strip():
        raise Unreadable("no text", "no readable text in the page")
    page_title = clean(found.title or "") or None
    return Extracted(decode_controls(text), title or page_title, tuple(places))


@cache
def _config() -> Any:
    """trafilatura's settings, but for short pages: below its 250-character minimum it falls
    back to taking every line of the page, menus included, where a short note, an e-mail or
    a book's chapter wants its main text too."""
    from trafilatura.settings import use_config

    config = use_config()
    for key in ("MIN_EXTRACTED_SIZE", "MIN_OUTPUT_SIZE", "MIN_EXTRACTED_COMM_SIZE",
                "MIN_OUTPUT_COMM_SIZE"):
        config.set("DEFAULT", key, "1")
    return config


def _blocks(element: Any, into: list[tuple[str, bool]]) -> None:
    """Each paragraph, heading, list item and table row of trafilatura's tree, as one line."""
    tag = element.tag
    if tag == "list":
        for item in element:
            _blocks(item, into)
    elif tag == "table":
        for row in element.iter("row"):
            cells = [_words(cell) for cell in row]
            if any(cells):
                into.append((" | ".join(c for c in cells if c), False))
    elif (words := _words(element)):
        into.append((words, tag == "head"))


def _words(element: Any) -> str:
    return " ".join("".join(element.itertext()).split())
