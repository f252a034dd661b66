"""Sentence-level passages: each sentence is indexed with a little neighbouring context."""
from __future__ import annotations

from retrieval.sentences import split_sentences
from retrieval.tokenize import tokenize
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
