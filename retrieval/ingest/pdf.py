"""PDF through pypdfium2 (PDFium: BSD/Apache, a wheel with no system packages): the text
layer page by page, each page's start kept as a place so a quote can cite its page."""
from __future__ import annotations

from retrieval.ingest.base import Extracted, Unreadable
from retrieval.ingest.text import decode_controls
from retrieval.ingest.wrapping import unwrap


def read_pdf(raw: bytes) -> Extracted:
    import pypdfium2 as pdfium  # only when a PDF is read

    try:
        pdf = pdfium.PdfDocument(raw)
    except pdfium.PdfiumError as err:
        raise Unreadable("unreadable", f"damaged or encrypted PDF ({err})") from err
    try:
        title = (pdf.get_metadata_dict().get("Title") or "").strip() or None
        pages: list[str] = []
        for number in range(len(pdf)):
            page = pdf[number]
            textpage = page.get_textpage()
            # PDFium marks a hyphen that breaks a word at a line's end as \x02
            pages.append(textpage.get_text_bounded().replace("\x02", "-"))
            textpage.close()
            page.close()
    except pdfium.PdfiumError as err:
        raise Unreadable("unreadable", f"damaged PDF ({err})") from err
    finally:
        pdf.close()
    if not any(p.strip() for p in pages):
        raise Unreadable("scanned PDF without text",
                         f"no text layer in {len(pages)} page(s): a scan (qabot has no OCR)")
    text, places = "", []
    for number, page in enumerate(pages, 1):
        if page.strip():
            text += "\n\n" if text else ""
            places.append((len(text), f"p. {number}"))
            text += unwrap(decode_controls(page)).strip("\n")
    return Extracted(text, title, tuple(places))
