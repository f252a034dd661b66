"""Token ids of (question, window) pairs, and where each context token sits in the text."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer

from retrieval.span_reader.windows import Window

TITLE_GAP = "\n"  # between the title and the first sentence: never part of an answer
MAX_QUESTION_TOKENS = 40


@dataclass(frozen=True)
class Encoded:
    """One model input: ids, and for each token its character span in `context` (None for
    question and special tokens); `first_answer_char` is where the title ends."""

    ids: list[int]
    type_ids: list[int]
    offsets: list[tuple[int, int] | None]
    context: str
    sentence_starts: tuple[int, ...]  # character offset of each sentence read, in `context`
    sentences: tuple[int, ...]  # the corpus indices of the sentences read
    first_answer_char: int


def context_text(title: str, texts: Sequence[str]) -> tuple[str, tuple[int, ...]]:
    """The window as one string, title first, and where each sentence starts in it."""
    parts, starts, at = [title, TITLE_GAP], [], len(title) + len(TITLE_GAP)
    for n, text in enumerate(texts):
        if n:
            parts.append(" ")
            at += 1
        starts.append(at)
        parts.append(text)
        at += len(text)
    return "".join(parts), tuple(starts)


class Encoder:
    """Encodes pairs with the model's own WordPiece tokenizer (`tokenizer.json`)."""

    def __init__(self, tokenizer_file: str | Path, max_tokens: int) -> None:
        self.tokenizer = Tokenizer.from_file(str(tokenizer_file))
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        self.max_tokens = max_tokens

    def shortened(self, question: str) -> str:
        """The question cut to MAX_QUESTION_TOKENS, so that a long one leaves room for text."""
        q_ids = self.tokenizer.encode(question, add_special_tokens=False).ids
        if len(q_ids) <= MAX_QUESTION_TOKENS:
            return question
        return self.tokenizer.decode(q_ids[:MAX_QUESTION_TOKENS])

    def encode_all(self, question: str, windows: Sequence[Window]) -> list[Encoded]:
        """Every window with one question, shortened once."""
        question = self.shortened(question)
        return [self._pair(question, w) for w in windows]

    def encode(self, question: str, window: Window) -> Encoded:
        """The pair within `max_tokens` (see `_pair`)."""
        return self._pair(self.shortened(question), window)

    def _pair(self, question: str, window: Window) -> Encoded:
        """The pair within `max_tokens`: neighbours far from the centre go first, then the
        text's end is cut, so the retrieved sentence is read whole whenever it fits."""
        texts, kept = list(window.texts), list(window.sentences)
        centre = window.sentences.index(window.centre)
        while True:
            context, starts = context_text(window.title, texts)
            enc = self.tokenizer.encode(question, context)
            if len(enc.ids) <= self.max_tokens or len(texts) == 1:
                break
            # Drop the neighbour farther from the centre (the later one on a tie).
            if len(texts) - 1 - centre >= centre:
                texts.pop()
                kept.pop()
            else:
                texts.pop(0)
                kept.pop(0)
                centre -= 1
        ids, types = enc.ids, enc.type_ids
        seq = enc.sequence_ids
        offsets = [enc.offsets[n] if seq[n] == 1 else None for n in range(len(ids))]
        if len(ids) > self.max_tokens:  # one long sentence: cut its end, keep the last [SEP]
            keep = self.max_tokens - 1
            ids, types, offsets = ids[:keep] + ids[-1:], types[:keep] + types[-1:], (
                offsets[:keep] + [None])
        return Encoded(ids, types, offsets, context, starts, tuple(kept), starts[0])


def batch_arrays(encoded: Sequence[Encoded]) -> dict[str, np.ndarray]:
    """Right-padded int64 arrays, as the model takes them."""
    width = max(len(e.ids) for e in encoded)
    ids = np.zeros((len(encoded), width), dtype=np.int64)
    mask = np.zeros_like(ids)
    types = np.zeros_like(ids)
    for row, e in enumerate(encoded):
        n = len(e.ids)
        ids[row, :n] = e.ids
        mask[row, :n] = 1
        types[row, :n] = e.type_ids
    return {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}


def answer_mask(e: Encoded, width: int) -> np.ndarray:
    """True at the tokens an answer may start or end on: the window's sentences, not its
    title, the question or padding."""
    mask = np.zeros(width, dtype=bool)
    for n, off in enumerate(e.offsets):
        if off is not None and off[0] >= e.first_answer_char and off[1] > off[0]:
            mask[n] = True
    return mask
