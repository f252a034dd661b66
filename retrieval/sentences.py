"""Sentence splitting with exact character offsets, so every quote is verbatim."""
from __future__ import annotations

import ctypes

import blingfire
import numpy as np

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


def sentence_offsets(block: str) -> list[tuple[int, int]]:
    """blingfire's sentence (start, end) offsets in `block`, as `text_to_sentences_and_offsets`.

    blingfire's own wrapper maps UTF-8 byte offsets to characters in a Python loop over
    every byte, the slowest step of building a large index; the C call is the same.
    """
    data = block.encode("utf-8")
    if not data:  # blingfire's wrapper fails an assertion here
        return []
    size = len(data) * 2
    # zeroed numpy buffers, as ctypes' own, which take as long to make as blingfire takes to split
    out, starts, ends = np.zeros(size, np.uint8), np.zeros(size, np.int32), np.zeros(size, np.int32)
    pointers = (ctypes.c_void_p(buffer.ctypes.data) for buffer in (out, starts, ends))
    got = blingfire.blingfire.TextToSentencesWithOffsets(
        ctypes.c_char_p(data), ctypes.c_int(len(data)), *pointers, ctypes.c_int(size))
    if got == -1 or got > size:
        return []
    n = out[:got].tobytes().split(b"\0", 1)[0].count(b"\n") + 1
    first = starts[:n]
    last = ends[:n] + 1  # blingfire's ends are inclusive
    if not block.isascii():  # character offset: how many characters start before the byte
        lead = (np.frombuffer(data, dtype=np.uint8) & 0xC0) != 0x80
        chars = np.concatenate(([0], np.cumsum(lead)))
        first, last = chars[first], chars[np.minimum(last, len(data))]
    return list(zip(first.tolist(), last.tolist()))


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the content sentences of a document."""
    spans: list[tuple[int, int]] = []
    for p_start, p_end in paragraphs(text):
        block = text[p_start:p_end].replace("\n", " ").replace("\r", " ")
        for s, e in sentence_offsets(block):
            s, e = p_start + s, p_start + e
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if e > s:
                spans.extend(_chunks(text, s, e))
    return spans
