"""E-mail (.eml) through the standard `email` package: the subject as title, the plain-text
body unwrapped, or the HTML body through the web-page reader when there is no plain one."""
from __future__ import annotations

from email import policy
from email.parser import BytesParser

from retrieval.ingest.base import Extracted, Unreadable
from retrieval.ingest.html import html_text
from retrieval.ingest.text import decode_controls
from retrieval.ingest.titles import clean
from retrieval.ingest.wrapping import unwrap


def read_eml(raw: bytes) -> Extracted:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    subject = clean(str(message.get("subject", "") or "")) or None
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        raise Unreadable("no text", "an e-mail without a text body")
    try:
        content = body.get_content()
    except (LookupError, UnicodeError, AssertionError) as err:  # an unknown charset, say
        raise Unreadable("unreadable", f"e-mail body in an unknown encoding ({err})") from err
    if body.get_content_subtype() == "html":
        return html_text(content, subject)
    text = unwrap(decode_controls(content)).strip()
    if not text:
        raise Unreadable("no text", "an empty e-mail")
    return Extracted(text, subject)
