"""Split Telegram HTML into messages of at most 4,096 characters without breaking markup."""
from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from itertools import accumulate

MAX_MESSAGE = 4096
# A tag, an entity, a paragraph break, other whitespace, a run of plain text, or a lone < or &.
_TOKEN = re.compile(r"<[^<>]*>|&#?\w+;|\n[ \t]*\n\s*|\s+|[^<&\s]+|[<&]")
_TAG = re.compile(r"<(/?)([\w-]+)[^<>]*?(/?)>")

Open = tuple[tuple[str, str], ...]  # (name, opening tag) of each element open at a point


def utf16_len(text: str) -> int:
    """Telegram counts message length in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def split_html(html: str, limit: int = MAX_MESSAGE) -> list[str]:
    """`html` as chunks of at most `limit` units, cut at paragraphs, else lines, else spaces.

    Raw HTML is never shorter than the text Telegram counts, so measuring it is safe. A cut
    inside an element closes it at the end of one chunk and reopens it at the next (the open
    elements' tags must take well under 3/4 of `limit`, as ours do).
    """
    html = html.strip()
    if utf16_len(html) <= limit:
        return [html] if _visible(html) else []
    tokens = _tokens(html, limit // 4)
    before = _open_before(tokens)
    ends = [0, *accumulate(utf16_len(t) for t in tokens)]

    def fits(start: int, cut: int) -> bool:
        """Whether tokens[start:cut], with reopening and closing tags, fits one message."""
        size = _reopen_len(before[start]) + ends[cut] - ends[start] + _close_len(before[cut])
        return size <= limit

    chunks: list[str] = []
    start, n = 0, len(tokens)
    while start < n:
        stop = start + 1  # one token always fits: text runs were cut to a quarter message
        while stop < n and fits(start, stop + 1):
            stop += 1
        cut = stop if stop == n else _best_cut(tokens, start, stop, partial(fits, start))
        chunks.append(_chunk(tokens, before, start, cut))
        start = cut + 1 if cut < n and tokens[cut].isspace() else cut
    return [c for c in chunks if _visible(c)]


def _visible(chunk: str) -> bool:
    """Whether Telegram would show any text: it rejects empty messages."""
    return bool(_TAG.sub("", chunk).strip())


def _tokens(html: str, width: int) -> list[str]:
    """Tokens, with plain-text runs longer than `width` cut so any token fits a message."""
    out: list[str] = []
    for token in _TOKEN.findall(html):
        if token[0] in "<&" or token.isspace() or utf16_len(token) <= width:
            out.append(token)
        else:
            out.extend(token[i : i + width] for i in range(0, len(token), width))
    return out


def _open_before(tokens: list[str]) -> list[Open]:
    """For every position 0..len(tokens), the elements open just before it."""
    stack: list[tuple[str, str]] = []
    out: list[Open] = [()]
    for token in tokens:
        match = _TAG.fullmatch(token)
        if match and not match.group(3):
            closing, name = match.group(1), match.group(2)
            if not closing:
                stack.append((name, token))
            elif stack and stack[-1][0] == name:
                stack.pop()
        out.append(tuple(stack))
    return out


def _reopen_len(open_: Open) -> int:
    return sum(utf16_len(tag) for _, tag in open_)


def _close_len(open_: Open) -> int:
    return sum(len(name) + 3 for name, _ in open_)  # </name>


def _best_cut(tokens: list[str], start: int, stop: int, fits: Callable[[int], bool]) -> int:
    """Cut before the last fitting paragraph break, else line break, else space, else at `stop`."""
    spaces = [c for c in range(stop, start, -1) if tokens[c].isspace() and fits(c)]
    for rank in (2, 1, 0):
        for cut in spaces:
            if tokens[cut].count("\n") >= rank:
                return cut
    return stop


def _chunk(tokens: list[str], before: list[Open], start: int, cut: int) -> str:
    reopen = "".join(tag for _, tag in before[start])
    close = "".join(f"</{name}>" for name, _ in reversed(before[cut]))
    return (reopen + "".join(tokens[start:cut]) + close).strip()
