"""From start/end logits to the best verbatim span of each window."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from retrieval.span_reader.inputs import Encoded, answer_mask

MAX_ANSWER_TOKENS = 24  # longer spans are sentences, not answers
TOP_STARTS = 20  # start and end positions searched per window
CANDIDATES = 3  # spans per window the ranker chooses among
_EDGE = " \t\n,;:.!?\"'“”‘’()[]"
_CLOSERS = {")": "(", "]": "["}


@dataclass(frozen=True)
class Span:
    """The best answer in one window: its text, the sentence it is quoted from, and its
    score (start + end logit; the model is trained so that scores compare across windows)."""

    window: int
    sentence: int
    text: str
    start: int  # character offsets in the sentence
    end: int
    score: float


def no_answer_score(start: np.ndarray, end: np.ndarray) -> float:
    """The score of "no answer in any window": [CLS] as start and as end, summed over the
    windows as the training normalises them."""
    return float(np.logaddexp.reduce(start[:, 0]) + np.logaddexp.reduce(end[:, 0]))


def best_span(n: int, e: Encoded, start: np.ndarray, end: np.ndarray) -> Span | None:
    """The highest-scoring span of window n that lies inside one sentence, or None."""
    found = window_spans(n, e, start, end, 1)
    return found[0] if found else None


def window_spans(
    n: int, e: Encoded, start: np.ndarray, end: np.ndarray, k: int = CANDIDATES
) -> list[Span]:
    """Up to k highest-scoring spans of window n, best first, each inside one sentence and
    none overlapping a better one (a runner-up that only shifts an edge is no alternative)."""
    allowed = answer_mask(e, len(start))
    if not allowed.any():
        return []
    s_logits = np.where(allowed, start, -np.inf)
    e_logits = np.where(allowed, end, -np.inf)
    starts = np.argsort(-s_logits)[:TOP_STARTS]
    ends = np.argsort(-e_logits)[:TOP_STARTS]
    pairs: list[tuple[float, int, int]] = []
    for s in starts:
        if not np.isfinite(s_logits[s]):
            break
        for t in ends:
            if t < s or t - s >= MAX_ANSWER_TOKENS or not np.isfinite(e_logits[t]):
                continue
            pairs.append((float(s_logits[s] + e_logits[t]), int(s), int(t)))
    pairs.sort(reverse=True)
    out: list[Span] = []
    taken: list[tuple[int, int]] = []
    for score, s, t in pairs:
        if any(s <= b and t >= a for a, b in taken):
            continue
        located = _locate(e, e.offsets[s][0], e.offsets[t][1])  # type: ignore[index]
        if located is None:
            continue
        taken.append((s, t))
        sentence, text, a, b = located
        out.append(Span(n, sentence, text, a, b, score))
        if len(out) == k:
            break
    return out


def _locate(e: Encoded, a: int, b: int) -> tuple[int, str, int, int] | None:
    """The span [a, b) of the context as (sentence, verbatim text, start, end) within the
    sentence that holds its start, widened to whole words and trimmed of edge punctuation."""
    starts = e.sentence_starts
    k = max(n for n, s in enumerate(starts) if s <= a)
    base = starts[k]
    sent_end = starts[k + 1] - 1 if k + 1 < len(starts) else len(e.context)
    text = e.context[base:sent_end]
    a, b = a - base, min(b, sent_end) - base
    while a > 0 and text[a - 1].isalnum():
        a -= 1
    while b < len(text) and text[b].isalnum():
        b += 1
    a, b = _trim(text, a, b)
    if a >= b:
        return None
    return e.sentences[k], text[a:b], a, b


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    """Edge punctuation off, but a closing bracket stays with its opener, and a full stop
    after a capital's abbreviation ("U.S.") stays."""
    while a < b and text[a] in _EDGE and text[a] not in "([":
        a += 1
    while a < b and text[b - 1] in _EDGE:
        ch = text[b - 1]
        if ch in _CLOSERS and _CLOSERS[ch] in text[a : b - 1]:
            break
        if ch == "." and b - a >= 3 and text[b - 3] == "." and text[b - 2].isupper():
            break
        b -= 1
    if a < b and text[a] in "([" and text[a + 1 : b].count(")]"[text[a] == "["]) == 0:
        a += 1
    return a, b
