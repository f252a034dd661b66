"""Hard-wrapped text (man pages, e-mail, PDF lines) joined back into paragraphs.

Text wrapped at a fixed width has most of its lines close to that width; a line that fills it
goes on in the next line. Lines of a file written one paragraph a line are far longer than
any wrap width, so such a file is left exactly as it is. A word hyphenated at a line's end
is joined again only where the joined word is a word ("docu-" "ment" -> "document"), so a
compound keeps its hyphen ("well-" "known" -> "well-known").
"""
from __future__ import annotations

import re

_WIDEST_WRAP = 100  # wider than this, lines were not wrapped by a program
_FILLS = 0.6  # a line this share of the wrap width or more goes on in the next one
_FINAL = (".", "!", "?", ":", ";", '"', "”", ")")
# A list item or a heading starts something new even after a full line.
_NEW_BLOCK = re.compile(r"\s*([-*•◦‣+]\s|\d{1,3}[.)]\s|#|\||>)")
_HYPHENATED = re.compile(r"(\w+)-$")
_WORD_START = re.compile(r"[a-z]+")


def wrap_width(lines: list[str]) -> int | None:
    """The width the text was wrapped at, or None when it was not wrapped."""
    lengths = sorted(len(line.rstrip()) for line in lines if line.strip())
    if len(lengths) < 3:
        return None
    width = lengths[int(len(lengths) * 0.9)]
    near = sum(1 for n in lengths if n >= 0.75 * width)
    return width if width <= _WIDEST_WRAP and near >= 0.3 * len(lengths) else None


def unwrap(text: str) -> str:
    """`text` with each hard-wrapped paragraph on one line; other text as it was."""
    lines = text.split("\n")
    width = wrap_width(lines)
    if width is None:
        return text
    out: list[str] = []
    last = ""  # the previous line as it was wrapped
    for line in lines:
        if out and _goes_on(last, line, width):
            out[-1] = _join(out[-1], line, text)
        else:
            out.append(line)
        last = line
    return "\n".join(out)


def _goes_on(line: str, nxt: str, width: int) -> bool:
    """True when `nxt` continues the paragraph that `line` is part of."""
    end, start = line.rstrip(), nxt.strip()
    if not end.strip() or not start or _NEW_BLOCK.match(nxt):
        return False
    if abs(_indent(line) - _indent(nxt)) > 4:
        return False
    if start[0].islower() and not end.endswith(_FINAL):
        return True
    return len(end) >= _FILLS * width


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _join(line: str, nxt: str, text: str) -> str:
    end, start = line.rstrip(), nxt.strip()
    cut = _HYPHENATED.search(end)
    tail = _WORD_START.match(start)
    if cut and tail:
        joined = cut.group(1) + tail.group(0)
        if _is_word(joined, text):
            return end[:-1] + start
        return end + start
    return f"{end} {start}"


def _is_word(word: str, text: str) -> bool:
    """The document itself uses the word unbroken, or the dictionary knows it."""
    if re.search(rf"\b{re.escape(word)}\b", text, re.IGNORECASE):
        return True
    from retrieval.wordnet import is_word  # loaded only when a line ends in a hyphen

    return is_word(word)
