"""Grammatical roles: which slot of which word a question asks for, and what a span fills.

"Who will meet Putin?" asks for the subject of "meet"; in "Kerry, who will meet Putin,
told Lavrov" Kerry fills that slot (through the relative clause) and Lavrov does not.
Roles are coarse so that active and passive, or "which" and its antecedent, agree.
"""
from __future__ import annotations

from spacy.tokens import Doc, Token

from retrieval.tokenize import tokenize

Role = tuple[int, str]  # (index of the word the slot belongs to, role)

_ROLE_OF_DEP = {
    "nsubj": "subj", "csubj": "subj", "expl": "subj",
    "nsubjpass": "obj", "dobj": "obj", "dative": "obj", "attr": "attr", "oprd": "attr",
    "advmod": "adv", "npadvmod": "adv",
}
_THROUGH = frozenset({"nummod", "conj", "appos", "compound", "quantmod"})  # share the head's role
LIGHT_VERBS = frozenset({"be", "have", "do"})


def _role(tok: Token) -> Role | None:
    """The slot a token fills for its head, with prepositions folded into the role."""
    if tok.dep_ == "pobj" and tok.head.dep_ in ("prep", "agent", "dative"):
        prep = tok.head
        return prep.head.i, "subj" if prep.dep_ == "agent" else f"prep:{prep.lower_}"
    role = _ROLE_OF_DEP.get(tok.dep_)
    return (tok.head.i, role) if role else None


def filled(doc: Doc, i: int) -> set[Role]:
    """The slots token i fills: its own, those of the words it modifies or is listed with,
    and the ones a relative or participle clause about it gives it."""
    out: set[Role] = set()
    tok = doc[i]
    for _ in range(4):
        role = _role(tok)
        if role:
            out.add(role)
        for clause in tok.children:
            if clause.dep_ == "relcl":
                rel = [c for c in clause.children if c.tag_ in ("WDT", "WP", "WP$") or c.lower_ == "that"]
                role = _role(rel[0]) if rel else None
                out.add(role if role else (clause.i, "obj"))
            elif clause.dep_ == "acl" and clause.tag_ == "VBN":  # "the talks held in Geneva"
                out.add((clause.i, "obj"))
        if tok.dep_ not in _THROUGH or tok.head.i == tok.i:
            break
        tok = tok.head
    return out


def doers(verb: Token) -> list[Token]:
    """Who or what does a verb: its subjects, and the nouns of a passive's "by" phrase."""
    return [c for c in verb.children if c.dep_ == "nsubj"] + [
        g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]


def asked(doc: Doc, slot: Token) -> tuple[str, str] | None:
    """(lemma of the word, role) the question's slot token fills, unless it is a light verb."""
    role = _role(slot)
    if role is None and slot.dep_ in _THROUGH:
        role = _role(slot.head)
    if role is None:
        return None
    role = _through_report(doc, role)
    head = doc[role[0]]
    if head.lemma_.lower() in LIGHT_VERBS or head.pos_ not in ("VERB", "NOUN", "ADJ"):
        return None
    return head.lemma_.lower(), role[1]


def _through_report(doc: Doc, role: Role) -> Role:
    """The slot in the clause a question reports, which the parser gives to the reporting
    verb: in "Which group does Russia say it is targeting?" the group is the object of
    "targeting", not a second subject of "say"; in "Who does Lavrov say will decide?" it is
    the subject of "decide", not the object of "say"."""
    verb = doc[role[0]]
    clause = next((c for c in verb.children if c.dep_ == "ccomp" and c.pos_ in ("VERB", "AUX")),
                  None)
    if clause is None or role[1] not in ("subj", "obj"):
        return role
    deps = {c.dep_ for c in clause.children}
    if role[1] == "subj" and sum(c.dep_ == "nsubj" for c in verb.children) > 1 and not (
            deps & {"dobj", "attr", "ccomp", "xcomp"}):
        return clause.i, "obj"
    if role[1] == "obj" and not deps & {"nsubj", "nsubjpass", "expl"}:
        return clause.i, "subj"
    return role


# The slot of a verb that a preposition after its noun fills: "criticism FROM lawmakers"
# says who criticised, "the bombing OF Aleppo" what was bombed.
_NOUN_SLOTS = {"prep:from": "subj", "prep:by": "subj", "prep:of": "obj"}


def matches(doc: Doc, i: int, slot: tuple[str, str]) -> tuple[bool, bool]:
    """Whether token i fills the asked slot of a word with the asked lemma, or of the noun
    of the asked verb ("criticism" for "criticise"), and whether it fills any slot of such
    a word."""
    lemma, role = slot
    stem = tokenize(lemma)
    exact = attached = False
    for head, got in filled(doc, i):
        word = doc[head]
        if word.lemma_.lower() != lemma:
            if not (word.pos_ == "NOUN" and stem and tokenize(word.lemma_) == stem
                    and got in _NOUN_SLOTS):
                continue
            got = _NOUN_SLOTS[got]
        attached = True
        exact = exact or got == role or (role == "adv" and (got == "adv" or got.startswith("prep:")))
    return exact, attached
