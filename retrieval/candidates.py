"""Candidate answer spans in a parsed sentence: entities, noun phrases, numbers, phrases."""
from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span

from retrieval.parsed import Tokens, names_a_people, tokens
from retrieval.wordnet import wordnet

MAX_TOKENS = 12
_DROP_LEADING = {"DT", "PRP$", "WDT", "POS", "CC", "IN", "RB", "PDT"}
NUMERIC_LABELS = frozenset({"CARDINAL", "QUANTITY", "MONEY", "PERCENT", "ORDINAL"})
_REASON_DEPS = {"advcl", "xcomp"}
_CLAUSE_DEPS = {"advcl", "acl", "relcl"}  # adjuncts: a complement ("to escape") is part of it
_TITLE_DEPS = {"compound", "nmod", "amod"}  # the words of a title before a name
_PHRASE_DEPS = {"pobj", "dobj", "attr", "appos", "nsubj", "nsubjpass", "oprd", "acomp", "npadvmod"}


@dataclass(frozen=True)
class Candidate:
    """A span of a parsed sentence (token offsets) and what kind of span it is."""

    start: int
    end: int
    label: str  # a spaCy entity label, or NP / NUM / PHRASE / LIST


def _trim(tk: Tokens, start: int, end: int) -> tuple[int, int]:
    """Drop leading determiners and trailing punctuation: "the talks," -> "talks"."""
    first = start
    while start < end and (tk.tag[start] in _DROP_LEADING or tk.punct[start]):
        start += 1
    while end > start and (tk.punct[end - 1] or tk.tag[end - 1] == "POS"):
        end -= 1
    # Keep a qualifier whole: "at least 3,000", never "least 3,000".
    if start > first and start < end and tk.lower[start] in ("least", "most"):
        start -= 1
    return start, end


def _label(ent: Span) -> str:
    """The entity's label, with three of the tagger's slips fixed: names like "TF1" or
    "G20" typed as numbers are NAME, a singular proper noun typed as a people that reads as
    no people's name is a place ("all of Aleppo" is tagged NORP), and so is a place typed
    as a language."""
    if ent.label_ in NUMERIC_LABELS and not any(t.like_num for t in ent) and any(
        ch.isdigit() for ch in ent.text
    ) and any(ch.isalpha() for ch in ent.text):
        return "NAME"
    if ent.label_ == "NORP" and len(ent) == 1 and ent[0].tag_ == "NNP" and not names_a_people(
            ent.text):
        return "GPE"
    if ent.label_ == "LANGUAGE" and _is_place(ent.text):  # "the Syrian city of Aleppo"
        return "GPE"
    return ent.label_


def _is_place(name: str) -> bool:
    """Whether WordNet knows the name as a place first of all, not a language: "Aleppo"."""
    lexicon = wordnet()
    return lexicon is not None and lexicon.lexname(name) == "location"


def _purpose(tk: Tokens, i: int) -> bool:
    """The verb of "in a bid / an effort / order to ...", which says what something was for."""
    noun = tk.head[i]
    return tk.dep[i] == "acl" and tk.dep[noun] == "pobj" and tk.lower[tk.head[noun]] == "in"


def _titles(doc: Doc, tk: Tokens, kids: list[list[int]]) -> list[tuple[int, int]]:
    """What names a person's post: "Russian Foreign Minister" of "Russian Foreign Minister
    Sergei Lavrov", "the State Department spokesman" of "John Kirby, the State Department
    spokesman" and "the UN envoy for Syria" of "the UN envoy for Syria, Staffan de Mistura"."""
    spans = []
    for name in range(len(tk.head)):
        if tk.ent_type[name] != "PERSON" or (
                name + 1 < len(tk.head) and tk.ent_type[name + 1] == "PERSON"):
            continue  # a name's last word heads it: "Lavrov" of "Sergei Lavrov"
        first = name
        while first > 0 and tk.ent_type[first - 1] == "PERSON":
            first -= 1
        before = [k for k in kids[name] if k < first and tk.dep[k] in _TITLE_DEPS
                  and tk.ent_type[k] != "PERSON" and tk.pos[k] in ("NOUN", "PROPN")]
        if before:
            spans.append((doc[before[0]].left_edge.i, first))
        for k in kids[name]:
            if tk.dep[k] == "appos" and tk.pos[k] == "NOUN":
                spans.append((doc[k].left_edge.i, doc[k].right_edge.i + 1))
        head = tk.head[name]
        if tk.dep[name] == "appos" and tk.pos[head] == "NOUN" and head < first:
            end = head + 1  # the title's own tail ("for Syria"), not the name after it
            while end < first and not tk.punct[end]:
                end += 1
            spans.append((doc[head].left_edge.i, end))
    out = [_trim(tk, _after_owner(tk, start, end), end) for start, end in spans]
    return [(s, e) for s, e in out if e > s]


def _after_owner(tk: Tokens, start: int, end: int) -> int:
    """Where a title begins after its owner: "spokesman" of "Kerry's spokesman"."""
    for i in range(end - 1, start - 1, -1):
        if tk.tag[i] == "POS":
            return i + 1
    return start


def _acronym(tk: Tokens, i: int) -> bool:
    """An untyped noun in capitals: "AFP", "NATO", and "IS", which the tagger reads as a
    common noun."""
    word = tk.text[i]
    return (tk.pos[i] in ("PROPN", "NOUN") and not tk.ent_type[i] and len(word) >= 2
            and word.isalpha() and word.isupper())


def _children(tk: Tokens) -> list[list[int]]:
    """Each token's dependents in sentence order, as spaCy's `Token.children` gives them."""
    out: list[list[int]] = [[] for _ in tk.head]
    for i, h in enumerate(tk.head):
        if h != i:
            out[h].append(i)
    return out


def extract(doc: Doc) -> list[Candidate]:
    """Every distinct candidate span of the sentence, entities first."""
    tk = tokens(doc)
    found: dict[tuple[int, int], str] = {}

    def add(start: int, end: int, label: str) -> None:
        if 0 < end - start <= MAX_TOKENS and (start, end) not in found:
            if any(tk.content[start:end]):
                found[(start, end)] = label

    for ent in doc.ents:
        label = _label(ent)
        add(ent.start, ent.end, label)
        add(*_trim(tk, ent.start, ent.end), label)
        if label in NUMERIC_LABELS:  # "27 punts", "around 11 miles": the number alone too
            nums = [i for i in range(ent.start, ent.end) if tk.like_num[i]]
            if nums:
                add(nums[0], nums[-1] + 1, label)
    kids = _children(tk)
    for start, end in _titles(doc, tk, kids):  # before noun phrases: a title is the better label
        add(start, end, "TITLE")
    for chunk in doc.noun_chunks:
        start, end = _trim(tk, chunk.start, chunk.end)
        if end - start == 1 and _acronym(tk, start):
            add(start, end, "NAME")  # "AFP", which the tagger left untyped
        add(chunk.start, chunk.end, "NP")
        add(start, end, "NP")
        # "the role of the president", "an end to air strikes": a noun phrase with its complement.
        nxt = chunk.end
        if nxt < len(doc) and tk.lower[nxt] in ("of", "to"):
            obj = [c for c in kids[nxt] if tk.dep[c] == "pobj"]
            if obj:
                add(*_trim(tk, chunk.start, doc[obj[0]].right_edge.i + 1), "NP")
                add(*_trim(tk, chunk.start, obj[0] + 1), "NP")  # without the object's own tail
    for i, kid in enumerate(kids):
        pos, dep = tk.pos[i], tk.dep[i]
        conjuncts = [c for c in kid if tk.dep[c] == "conj"]
        if conjuncts and dep != "conj" and pos in ("NOUN", "PROPN"):
            # "Turkey, Saudi Arabia and possibly Qatar": the whole list is one answer.
            add(*_trim(tk, doc[i].left_edge.i, doc[conjuncts[-1]].right_edge.i + 1), "LIST")
        if tk.like_num[i] and not tk.ent_type[i]:
            add(i, i + 1, "NUM")
        if (dep == "amod" and pos in ("ADJ", "VERB") or dep == "compound" and pos == "NOUN") \
                and tk.pos[tk.head[i]] in ("NOUN", "PROPN"):
            # "What kind of economy?" -> "tech-oriented", of "a tech-oriented economy";
            # "What kind of rally?" -> "pep", of "a pep rally".
            tok = doc[i]
            add(*_trim(tk, tok.left_edge.i, tok.right_edge.i + 1), "MOD")
        if dep in _PHRASE_DEPS and pos in ("NOUN", "PROPN", "ADJ", "NUM"):
            tok = doc[i]
            add(*_trim(tk, tok.left_edge.i, tok.right_edge.i + 1), "PHRASE")
        if dep == "prep" and tk.pos[tk.head[i]] == "VERB":
            add(i, doc[i].right_edge.i + 1, "PHRASE")
        if dep == "pcomp" and pos in ("VERB", "AUX"):
            # The clause after a preposition: "disagreement over who will represent ...".
            add(*_trim(tk, doc[i].left_edge.i, doc[i].right_edge.i + 1), "PHRASE")
        if dep == "ccomp":
            # What was said or asked: "(demand) that Assad leave at the start of the process",
            # with and without its "that".
            start, end = doc[i].left_edge.i, doc[i].right_edge.i + 1
            add(start, end, "STATEMENT")
            add(*_trim(tk, start, end), "STATEMENT")
        if (dep in _REASON_DEPS or _purpose(tk, i)) and pos in ("VERB", "AUX"):
            # Why-answers: "(designed) to allow civilians to escape", "because prices rose",
            # "(met) in a bid to create momentum".
            marks = [c for c in kid if tk.lower[c] in ("to", "because", "so")]
            if marks and marks[0] < i:
                whole = doc[i].right_edge.i + 1
                # and without a clause of its own: "to create momentum for talks (to kick off ...)"
                inner = [doc[j].left_edge.i for j in range(i + 1, whole) if tk.dep[j] in _CLAUSE_DEPS]
                for end in {whole, min(inner, default=whole)}:
                    add(marks[0], end, "CLAUSE")
                    add(marks[0] + 1, end, "CLAUSE")
    return [Candidate(s, e, label) for (s, e), label in found.items()]
