"""Question words a sentence says in other words: "begin" for "start", "spoke" for "speak".

A sentence word that shares one of its common WordNet senses with a content word of the
question, or is one WordNet makes from it or it from ("back" for "backer", "invade" for
"invasion"), counts as that question term, so coverage, proximity and paths see the match.
Words are compared by spaCy's lemma, which also catches the irregular forms the stemmer
leaves apart ("spoke").
"""
from __future__ import annotations

from collections.abc import Callable

from spacy.tokens import Doc

from retrieval.parsed import tokens
from retrieval.tokenize import tokenize
from retrieval.wordnet import Sense, WordNet

# a sense -> the question terms with that sense; a word (str) -> the terms of the question
# word it is made from or makes ("back" -> the terms of "backer")
Senses = dict[Sense | str, frozenset[str]]


def question_senses(doc: Doc, lexicon: WordNet | None,
                    known: Callable[[str], bool] = lambda t: True) -> Senses:
    """The common senses of the question's content words, with the terms they stand for.
    A noun the corpus never uses (`known` is false) brings every sense: "chief" is "head"."""
    out: dict[Sense, frozenset[str]] = {}
    if lexicon is None:
        return out
    tk = tokens(doc)
    for terms, lemma, pos in zip(tk.terms, tk.lemma, tk.pos):
        if terms:  # stopwords have none
            every = pos == "NOUN" and not all(map(known, terms))
            for sense in lexicon.meanings(lemma, pos, every):
                out[sense] = out.get(sense, frozenset()) | terms
            if pos in ("NOUN", "VERB"):
                for word in lexicon.derived_words(lemma, pos):
                    if _same_stem(word, lemma):
                        out[word] = out.get(word, frozenset()) | terms
    return out


def _same_stem(a: str, b: str) -> bool:
    """Whether two related words are one word's forms ("backer", "back"; "invasion",
    "invade"), not synonyms of its sense ("founder", "begin")."""
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n >= 4 and n >= min(len(a), len(b)) // 2


def with_paraphrases(
    doc: Doc, terms: tuple[frozenset[str], ...], senses: Senses, lexicon: WordNet | None
) -> tuple[frozenset[str], ...]:
    """Each token's terms, plus the question terms it shares a sense with."""
    if not senses or lexicon is None:
        return terms
    tk = tokens(doc)
    out = list(terms)
    for i, (lemma, pos) in enumerate(zip(tk.lemma, tk.pos)):
        if terms[i]:
            for sense in lexicon.meanings(lemma, pos):
                if sense in senses:
                    out[i] = out[i] | senses[sense]
            if lemma in senses:
                out[i] = out[i] | senses[lemma]
    return tuple(out)


def said_otherwise(
    doc: Doc, known: Callable[[str], bool], lexicon: WordNet | None
) -> frozenset[str]:
    """The question's terms a corpus never uses (`known` is false) but has a word for:
    "start" in a corpus that only says "begun". The question is not off the corpus's topic
    for using them."""
    if lexicon is None:
        return frozenset()
    tk = tokens(doc)
    out: set[str] = set()
    for terms, lemma, pos in zip(tk.terms, tk.lemma, tk.pos):
        if terms and not all(map(known, terms)) and has_word_for(lemma, pos, known, lexicon):
            out |= terms
    return frozenset(out)


def has_word_for(lemma: str, upos: str, known: Callable[[str], bool], lexicon: WordNet,
                 every: bool = False) -> bool:
    """Whether a corpus (`known` terms) uses the lemma, or a word sharing one of its common
    senses, in any of their forms: "begun" for "start", "kids" for "child". With `every`,
    a word whose common sense is any sense of the lemma counts too ("chief" for "head")."""
    # A verb is told by one that brings it about: "killed" tells of "died".
    words = lexicon.synonyms(lemma, upos, every) | {lemma} | (
        lexicon.causes(lemma) if upos == "VERB" else set())
    said = (tokenize(form) for word in words for form in lexicon.forms(word))
    return any(terms and all(map(known, terms)) for terms in said)
