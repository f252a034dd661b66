"""Real files of each format, made by the tests themselves (no binary fixtures)."""
from __future__ import annotations

import zipfile
from email.message import EmailMessage
from pathlib import Path


def _pdf_string(text: str) -> str:
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def make_pdf(path: Path, pages: list[list[str]], title: str | None = None) -> Path:
    """A PDF whose pages hold these lines of text in Helvetica (an empty page: no text layer,
    as a scan without OCR would be)."""
    objects: list[str] = []
    count = len(pages)
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(count))
    objects.append("<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {count} >>")
    objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for lines in pages:
        page_no = len(objects) + 1
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                       f"/Resources << /Font << /F1 3 0 R >> >> /Contents {page_no + 1} 0 R >>")
        if lines:
            shown = " ".join(f"{_pdf_string(line)} Tj 0 -16 Td" for line in lines)
            stream = f"BT /F1 11 Tf 72 740 Td {shown} ET"
        else:  # a grey box: a page with marks but no text
            stream = "0.5 g 72 72 468 648 re f"
        objects.append(f"<< /Length {len(stream.encode('latin-1'))} >>\nstream\n{stream}\nendstream")
    info = None
    if title is not None:
        objects.append(f"<< /Title {_pdf_string(title)} >>")
        info = len(objects)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    trailer = f"<< /Size {len(objects) + 1} /Root 1 0 R" + (f" /Info {info} 0 R" if info else "")
    out += f"trailer\n{trailer} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(bytes(out))
    return path


def make_docx(path: Path, blocks: list[tuple[str, str]], title: str | None = None) -> Path:
    """A Word file of ("heading" | "text" | "table", words) blocks; a table's words are rows
    separated by ';' and cells by ','."""
    import docx

    document = docx.Document()
    if title:
        document.core_properties.title = title
    for kind, words in blocks:
        if kind == "heading":
            document.add_heading(words, level=1)
        elif kind == "table":
            rows = [row.split(",") for row in words.split(";")]
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell.strip()
        else:
            document.add_paragraph(words)
    document.save(str(path))
    return path


def make_eml(path: Path, subject: str, body: str, html: str | None = None) -> Path:
    message = EmailMessage()
    message["From"] = "Ann Lee <ann@example.org>"
    message["To"] = "team@example.org"
    message["Subject"] = subject
    if html is None:
        message.set_content(body)
    else:
        message.set_content(body)
        message.add_alternative(html, subtype="html")
    path.write_bytes(bytes(message))
    return path


def make_html_email(path: Path, subject: str, html: str) -> Path:
    message = EmailMessage()
    message["Subject"] = subject
    message.set_content(html, subtype="html")
    path.write_bytes(bytes(message))
    return path


def make_epub(path: Path, title: str, chapters: list[tuple[str, str]]) -> Path:
    """An EPUB 3 book of (chapter title, paragraph) chapters."""
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        book.writestr("META-INF/container.xml", (
            '<?xml version="1.0"?><container version="1.0" '
            'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
            '<rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
            "</rootfiles></container>"))
        items = "".join(f'<item id="c{i}" href="c{i}.xhtml" media-type="application/xhtml+xml"/>'
                        for i in range(len(chapters)))
        spine = "".join(f'<itemref idref="c{i}"/>' for i in range(len(chapters)))
        book.writestr("OEBPS/content.opf", (
            '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0">'
            f'<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{title}</dc:title>'
            f"</metadata><manifest>{items}</manifest><spine>{spine}</spine></package>"))
        for i, (heading, paragraph) in enumerate(chapters):
            book.writestr(f"OEBPS/c{i}.xhtml", (
                '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><head>'
                f"<title>{heading}</title></head><body><h1>{heading}</h1><p>{paragraph}</p>"
                "</body></html>"))
    return path


def page_html(title: str, heading: str, paragraphs: list[str], section: str | None = None,
              more: list[str] | None = None) -> str:
    """A web page with menus and a footer around its article."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    if section:
        body += f"<h2>{section}</h2>" + "".join(f"<p>{p}</p>" for p in more or [])
    return (f"<!DOCTYPE html><html><head><title>{title}</title></head><body>"
            "<nav><ul><li><a href='/'>Home</a></li><li><a href='/news'>News</a></li>"
            "<li><a href='/contact'>Contact us</a></li></ul></nav>"
            f"<main><article><h1>{heading}</h1>{body}</article></main>"
            "<footer><p>Copyright 2024 Example Times. All rights reserved.</p>"
            "<p><a href='/privacy'>Privacy policy</a> | <a href='/terms'>Terms</a></p></footer>"
            "</body></html>")
