"""Capitals for a question typed all in lowercase, as the corpus writes its names.

People type "how many people died in madaya" in a chat. The parser and the entity tagger
learned from edited text, where "Madaya" is a name because of its capital; without it they
miss the place, and the reader loses what kind of thing each word is. The sentences the
reader parses say which of the question's words are names there, and how they are written.
Only names: "President" is capitalised before a name ("President Assad"), yet "who is the
president of France?" asks about a president.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from spacy.tokens import Doc

from retrieval.tokenize import STOPWORDS

_WORD = re.compile(r"[^\W\d_]+")  # spaCy splits "Assad's" and "al-Assad" too


def truecase(question: str, sentences: Iterable[Doc]) -> str:
    """The question with each word the sentences tag as part of a name written as they
    write it most ("madaya" -> "Madaya", "un" -> "UN"), function words excepted, and a
    capital first letter; a question with any capital letter is left as its writer typed it."""
    if any(ch.isupper() for ch in question):
        return question
    forms: dict[str, Counter[str]] = {}
    for doc in sentences:
        for tok in doc:
            if tok.ent_type_ and tok.text[:1].isupper():
                forms.setdefault(tok.lower_, Counter())[tok.text] += 1

    def cased(m: re.Match[str]) -> str:
        # A function word typed in lowercase is one: "who said ...?" does not ask about the
        # WHO, nor "us" about the US.
        seen = forms.get(m.group()) if m.group() not in STOPWORDS else None
        return seen.most_common(1)[0][0] if seen else m.group()

    out = _WORD.sub(cased, question)
    return out[:1].upper() + out[1:]
