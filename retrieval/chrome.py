"""Web-page chrome: lines scraped along with an article that are not its content.

General rules, no list of any corpus's lines: navigation and UI phrases, photo
credits, reading-time and comment counters, error pages, newsletter prompts,
caption lines, and lines repeated within the document.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

# Rules for the start of a line, tried there only (`match`): a long line costs no more.
_AT_START = re.compile(
    r"""
    ^(skip|jump)\s+to\s+(main\s+)?(content|navigation)
    | ^(photo|image|picture|video|graphic|illustration)s?\s*(by|credit|courtesy|source)?\s*[:|]
    | ^(photo|image|picture)s?\s+(by|credit|courtesy)\b
    | ^comments?\s*[:(]?\s*\d*\)?$ | ^\d+\s+comments?$
    | ^\d+\s*(min|mins|minutes?)(\s+read)?$
    | ^404\b
    | ^subscribe\b | ^sign\s+(up|in)\b | ^log\s*in\b
    | ^(share|tweet|email|print)(\s+(this|on|article|story)\b.*)?$
    | ^advertisement$ | ^(related|recommended|more)\s+(stories|articles|from\b.*|news)$
    | ^read\s+more\b | ^click\s+here\b | ^follow\s+us\b | ^©
    | ^(updated|published|posted|last\s+modified)\s*:?\s+\w+\.?\s+\d
    """,
    re.IGNORECASE | re.VERBOSE,
)
# "Reuters and agencies": only tried on a line that ends so, as it rescans the whole line.
_AGENCIES = re.compile(r"^(by\s+)?[\w .'-]+\s+and\s+agencies$", re.IGNORECASE)
_ENDS_AGENCIES = re.compile(r"agencies$", re.IGNORECASE)
# Rules that may match anywhere in a line.
_ANYWHERE = re.compile(
    r"""
    page\s+not\s+found | does\s+not\s+exist\s+or\s+is\s+not\s+available | newsletter
    | all\s+rights\s+reserved | cookies?\s+(policy|settings|consent)
    """,
    re.IGNORECASE | re.VERBOSE,
)
# "George Smith, AFP | A general view shows ..." — a credit, or a credit and its caption.
_PIPED = re.compile(r"\s\|\s")
_CAPTION_WORDS = 5  # a caption after the bar is a sentence of at least this many words
_CREDIT_WORDS = 8  # a credit before it is at most this many


def is_chrome(line: str) -> bool:
    """True for a line that belongs to the page around an article, not to it."""
    stripped = line.strip()
    if not stripped or not any(ch.isalpha() for ch in stripped):
        return True
    ends_agencies = _ENDS_AGENCIES.search(stripped, max(0, len(stripped) - 9))
    return bool(
        _AT_START.match(stripped) or _ANYWHERE.search(stripped) or _piped(stripped)
        or (ends_agencies and _AGENCIES.match(stripped))
    )


def _piped(line: str) -> bool:
    """A credit or a run of links: a few words before a " | " ("George Smith, AFP | ...",
    "Home | World"), not a paragraph that uses a bar ("the language {xx | x is ...}")."""
    bar = _PIPED.search(line)
    return bar is not None and len(line[: bar.start()].split()) <= _CREDIT_WORDS


def content_lines(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the lines of `text` that are content, in order.

    A line repeated later in the document (a headline shown twice, a credit) is kept
    only the first time.
    """
    return list(_content(text))


def first_content_line(text: str) -> tuple[int, int] | None:
    """(start, end) of the first content line, as `content_lines(text)[0]`, without the rest."""
    return next(_content(text), None)


def _content(text: str) -> Iterator[tuple[int, int]]:
    seen: set[str] = set()
    pos = 0
    for line in text.splitlines(keepends=True):
        start, end = pos, pos + len(line.rstrip("\r\n"))
        pos += len(line)
        if is_chrome(line):
            cut = _caption_start(line)
            if cut is None:
                continue
            start += cut
        key = " ".join(text[start:end].split()).lower()
        if key in seen:
            continue
        seen.add(key)
        # Trim surrounding spaces so quotes never start or end with blanks.
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        yield start, end


def _caption_start(line: str) -> int | None:
    """Where the caption of a "credit | caption" line starts ("George Smith, AFP | A general
    view shows destruction in Aleppo."): a sentence of its own, which is content."""
    pipes = list(_PIPED.finditer(line))
    if not pipes:
        return None
    caption = line[pipes[-1].end() :].strip()
    is_sentence = (caption[:1].isupper() and caption.endswith((".", "!", "?"))
                   and len(caption.split()) >= _CAPTION_WORDS)
    return pipes[-1].end() if is_sentence and not is_chrome(caption) else None
