"""Sentence splitting with exact character offsets, so every quote is verbatim."""
from __future__ import annotations

import blingfire

from retrieval.chrome import content_lines

_FINAL = (".", "!", "?", ":", ";", '"', "”", "’", "'", ")")
MAX_SENTENCE_CHARS = 600


def _soft_wrapped(text: str, line: tuple[int, int], nxt: tuple[int, int]) -> bool:
    """True when the newline between two lines only wraps one paragraph."""
    gap = text[line[1] : nxt[0]]
    if gap.count("\n") != 1 or text[line[0] : line[1]].endswith(_FINAL):
        return False
    first, second = line[1] - line[0], nxt[1] - nxt[0]
    starts_lower = text[nxt[0]].islower() or text[nxt[0]].isdigit()
    return starts_lower or first >= 80 or (first >= 55 and second >= 55)


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Content lines joined where they are one hard-wrapped paragraph."""
    merged: list[tuple[int, int]] = []
    for line in content_lines(text):
        if merged and _soft_wrapped(text, merged[-1], line):
            merged[-1] = (merged[-1][0], line[1])
        else:
            merged.append(line)
    return merged


def _chunks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cut an over-long run of text at spaces so no quote is a wall of text."""
    out = []
    while end - start > MAX_SENTENCE_CHARS:
        cut = text.rfind(" ", start, start + MAX_SENTENCE_CHARS)
        cut = cut if cut > start else start + MAX_SENTENCE_CHARS
        out.append((start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if start < end:
        out.append((start, end))
    return out


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the content sentences of a document."""
    spans: list[tuple[int, int]] = []
    for p_start, p_end in paragraphs(text):
        block = text[p_start:p_end].replace("\n", " ").replace("\r", " ")
        _, offsets = blingfire.text_to_sentences_and_offsets(block)
        for s, e in offsets:
            s, e = p_start + s, p_start + e
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if e > s:
                spans.extend(_chunks(text, s, e))
    return spans
