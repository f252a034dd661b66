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

from spacy.tokens import Doc, Token

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
        headline = _title_case(doc)
        for tok in doc:
            if tok.text[:1].isupper() and (tok.ent_type_ or (
                    not headline and _untagged_name(tok))):
                forms.setdefault(tok.lower_, Counter())[tok.text] += 1

    def cased(m: re.Match[str]) -> str:
        # A function word typed in lowercase is one: "who said ...?" does not ask about the
        # WHO, nor "us" about the US.
        seen = forms.get(m.group()) if m.group() not in STOPWORDS else None
        return seen.most_common(1)[0][0] if seen else m.group()

    out = _WORD.sub(cased, question)
    return out[:1].upper() + out[1:]


def _title_case(doc: Doc) -> bool:
    """A headline that capitalises most of its words ("Syria Peace Talks Expected to
    Start"): its capitals say nothing of which words are names."""
    words = [t.text for t in doc if t.is_alpha]
    return sum(w[:1].isupper() for w in words) > len(words) / 2


def _untagged_name(tok: Token) -> bool:
    """A proper noun the tagger gave no entity, in a run of several: "White Helmets". Not a
    title before a person's name ("Foreign Minister" of "Foreign Minister Sergei Lavrov")."""
    doc = tok.doc

    def capital_propn(i: int) -> bool:
        return 0 <= i < len(doc) and doc[i].pos_ == "PROPN" and doc[i].text[:1].isupper()

    end = tok.i
    while capital_propn(end + 1) and not doc[end + 1].ent_type_:
        end += 1
    in_run = end > tok.i or capital_propn(tok.i - 1)
    before_person = end + 1 < len(doc) and doc[end + 1].ent_type_ == "PERSON"
    return capital_propn(tok.i) and in_run and not before_person
