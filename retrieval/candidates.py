"""Candidate answer spans in a parsed sentence: entities, noun phrases, numbers, phrases."""
from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span

MAX_TOKENS = 12
_DROP_LEADING = {"DT", "PRP$", "WDT", "POS", "CC", "IN", "RB", "PDT"}
_NUMERIC = {"CARDINAL", "QUANTITY", "MONEY", "PERCENT", "ORDINAL"}
_PHRASE_DEPS = {"pobj", "dobj", "attr", "appos", "nsubj", "nsubjpass", "oprd", "acomp", "npadvmod"}


@dataclass(frozen=True)
class Candidate:
    """A span of a parsed sentence (token offsets) and what kind of span it is."""

    start: int
    end: int
    label: str  # a spaCy entity label, or NP / NUM / PHRASE / LIST


def _trim(span: Span) -> tuple[int, int]:
    """Drop leading determiners and trailing punctuation: "the talks," -> "talks"."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].tag_ in _DROP_LEADING or doc[start].is_punct):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].tag_ == "POS"):
        end -= 1
    # Keep a qualifier whole: "at least 3,000", never "least 3,000".
    if start > span.start and start < end and doc[start].lower_ in ("least", "most"):
        start -= 1
    return start, end


def _label(ent: Span) -> str:
    """The entity's label, with names like "TF1" or "G20" that spaCy types as numbers fixed."""
    if ent.label_ in _NUMERIC and not any(t.like_num for t in ent) and any(
        ch.isdigit() for ch in ent.text
    ) and any(ch.isalpha() for ch in ent.text):
        return "NAME"
    return ent.label_


def extract(doc: Doc) -> list[Candidate]:
    """Every distinct candidate span of the sentence, entities first."""
    found: dict[tuple[int, int], str] = {}

    def add(start: int, end: int, label: str) -> None:
        if 0 < end - start <= MAX_TOKENS and (start, end) not in found:
            if any(not doc[i].is_stop and not doc[i].is_punct for i in range(start, end)):
                found[(start, end)] = label

    for ent in doc.ents:
        label = _label(ent)
        add(ent.start, ent.end, label)
        add(*_trim(ent), label)
    for chunk in doc.noun_chunks:
        add(chunk.start, chunk.end, "NP")
        add(*_trim(chunk), "NP")
        # "the role of the president": a noun phrase with its "of" complement.
        nxt = chunk.end
        if nxt < len(doc) and doc[nxt].lower_ == "of":
            obj = [c for c in doc[nxt].children if c.dep_ == "pobj"]
            if obj:
                add(*_trim(doc[chunk.start : obj[0].right_edge.i + 1]), "NP")
    for tok in doc:
        conjuncts = [c for c in tok.children if c.dep_ == "conj"]
        if conjuncts and tok.dep_ != "conj" and tok.pos_ in ("NOUN", "PROPN"):
            # "Turkey, Saudi Arabia and possibly Qatar": the whole list is one answer.
            add(*_trim(doc[tok.left_edge.i : conjuncts[-1].right_edge.i + 1]), "LIST")
        if tok.like_num and not tok.ent_type_:
            add(tok.i, tok.i + 1, "NUM")
        if tok.dep_ in _PHRASE_DEPS and tok.pos_ in ("NOUN", "PROPN", "ADJ", "NUM"):
            add(*_trim(doc[tok.left_edge.i : tok.right_edge.i + 1]), "PHRASE")
        if tok.dep_ == "prep" and tok.head.pos_ == "VERB":
            add(tok.i, tok.right_edge.i + 1, "PHRASE")
    return [Candidate(s, e, label) for (s, e), label in found.items()]
