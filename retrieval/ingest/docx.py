"""Word .docx through python-docx: paragraphs and tables in order, headings kept as places,
the title from the document's properties or its first heading."""
from __future__ import annotations

import io
import zipfile

from retrieval.ingest.base import Extracted, Unreadable, section
from retrieval.ingest.text import decode_controls


def read_docx(raw: bytes) -> Extracted:
    import docx  # only when a Word file is read
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(raw))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as err:
        raise Unreadable("unreadable", f"damaged Word file ({err})") from err
    text, places = "", []
    body = document.element.body
    for child in body.iterchildren():
        kind = child.tag.rsplit("}", 1)[-1]
        if kind == "p":
            paragraph = docx.text.paragraph.Paragraph(child, document)
            words = " ".join(paragraph.text.split())
            style = (paragraph.style.name if paragraph.style is not None else "") or ""
            heading = style.startswith("Heading") or style == "Title"
        elif kind == "tbl":
            table = docx.table.Table(child, document)
            rows = [" | ".join(dict.fromkeys(c.text.strip() for c in row.cells if c.text.strip()))
                    for row in table.rows]
            words, heading = "\n".join(r for r in rows if r), False
        else:
            continue
        if not words:
            continue
        text += "\n\n" if text else ""
        if heading:
            places.append((len(text), section(words)))
        text += words
    if not text:
        raise Unreadable("no text", "no text in the Word file")
    title = (document.core_properties.title or "").strip() or None
    return Extracted(decode_controls(text), title, tuple(places))
