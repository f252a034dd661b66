"""Sentence-level passages: each sentence is indexed with a little neighbouring context."""
from __future__ import annotations

from collections.abc import Sequence
from typing import overload

import numpy as np

from retrieval.sentences import split_sentences
from retrieval.values import Document, Sentence


def split_corpus(docs: list[Document]) -> list[Sentence]:
    """Every content sentence of every document, in corpus order."""
    out: list[Sentence] = []
    for i, doc in enumerate(docs):
        out.extend(Sentence(i, s, e, doc.text[s:e]) for s, e in split_sentences(doc.text))
    return out


def window_tokens(
    own: list[list[str]], sentences: list[Sentence], titles: list[list[str]], context: int = 1
) -> list[list[str]]:
    """Index terms of each sentence's window: the title, the sentence and `context` neighbours.

    The window lets a question match a sentence whose subject is named in the title or
    the sentence before ("He said ..."), without blurring which sentence is quoted.
    """
    out = []
    for i, s in enumerate(sentences):
        terms = list(titles[s.doc])
        for j in range(max(0, i - context), min(len(sentences), i + context + 1)):
            if sentences[j].doc == s.doc:
                terms.extend(own[j])
        out.append(terms)
    return out


class Sentences(Sequence[Sentence]):
    """The corpus's sentences from their (document, start, end) spans, sliced when asked for.

    A million sentences as three integers each instead of a million objects and text copies.
    """

    def __init__(self, documents: Sequence[Document], spans: np.ndarray) -> None:
        self.documents = documents
        self.spans = spans

    def __len__(self) -> int:
        return len(self.spans)

    @overload
    def __getitem__(self, i: int) -> Sentence: ...
    @overload
    def __getitem__(self, i: slice) -> list[Sentence]: ...
    def __getitem__(self, i: int | slice) -> Sentence | list[Sentence]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        doc, start, end = self.spans[i].tolist()
        return Sentence(doc, start, end, self.documents[doc].text[start:end])

