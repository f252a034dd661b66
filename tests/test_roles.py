"""Grammatical slots: what a question asks for (`asked`) and what a word fills (`filled`)."""
from __future__ import annotations

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from retrieval.nlp import pipeline
from retrieval.roles import asked, filled, matches


@pytest.fixture(scope="module")
def nlp() -> Language:
    return pipeline()


def index(doc: Doc, word: str) -> int:
    return next(t.i for t in doc if t.text == word)


def slots(doc: Doc, word: str) -> set[tuple[str, str]]:
    """The slots `word` fills, by the lemma of the word each slot belongs to."""
    return {(doc[head].lemma_.lower(), role) for head, role in filled(doc, index(doc, word))}


@pytest.mark.parametrize("question,wh,slot", [
    ("Who will meet Putin?", "Who", ("meet", "subj")),
    ("Whom did the minister meet?", "Whom", ("meet", "obj")),
    ("Who was killed in the attack?", "Who", ("kill", "obj")),  # passive subject = object
    ("Where was the treaty signed?", "Where", ("sign", "adv")),
])
def test_asked_slot_of_the_wh_word(nlp, question, wh, slot):
    doc = nlp(question)
    assert asked(doc, doc[index(doc, wh)]) == slot


def test_asked_is_none_for_light_verbs(nlp):
    doc = nlp("Who is the mayor?")
    assert asked(doc, doc[0]) is None


def test_relative_clause_gives_its_antecedent_the_slot(nlp):
    doc = nlp("Kerry, who will meet Putin later, told Lavrov about the plan.")
    assert slots(doc, "Kerry") == {("meet", "subj"), ("tell", "subj")}
    assert slots(doc, "Lavrov") == {("tell", "obj")}
    assert slots(doc, "Putin") == {("meet", "obj")}


def test_matches_tells_the_asked_slot_from_other_slots_of_the_same_word(nlp):
    doc = nlp("Kerry, who will meet Putin later, told Lavrov about the plan.")
    slot = ("meet", "subj")
    assert matches(doc, index(doc, "Kerry"), slot) == (True, True)
    assert matches(doc, index(doc, "Putin"), slot) == (False, True)  # attached, wrong role
    assert matches(doc, index(doc, "Lavrov"), slot) == (False, False)  # another verb's slot


def test_the_noun_of_the_asked_verb_gives_its_slots_through_prepositions(nlp):
    doc = nlp("Valls faced criticism from opposition lawmakers over his handling of Syria.")
    slot = ("criticise", "subj")
    assert matches(doc, index(doc, "lawmakers"), slot) == (True, True)
    assert matches(doc, index(doc, "Syria"), slot) == (False, False)
    doc = nlp("The bombing of Aleppo by Russian jets went on.")
    assert matches(doc, index(doc, "Aleppo"), ("bomb", "obj")) == (True, True)
    assert matches(doc, index(doc, "jets"), ("bomb", "subj")) == (True, True)


def test_passive_subject_fills_the_object_and_the_agent_the_subject(nlp):
    doc = nlp("The treaty was signed by Smith and Jones.")
    assert slots(doc, "treaty") == {("sign", "obj")}
    assert slots(doc, "Smith") == {("sign", "subj")}
    assert slots(doc, "Jones") == {("sign", "subj")}  # listed with Smith


def test_passive_and_active_agree(nlp):
    question = nlp("Who was killed in the attack?")
    slot = asked(question, question[0])
    active = nlp("The soldiers killed the journalist.")
    passive = nlp("The journalist was killed in Moscow.")
    assert matches(active, index(active, "journalist"), slot)[0]
    assert matches(passive, index(passive, "journalist"), slot)[0]
    assert not matches(active, index(active, "soldiers"), slot)[0]


def test_prepositions_are_folded_into_the_role(nlp):
    doc = nlp("The journalist was killed in Moscow.")
    assert slots(doc, "Moscow") == {("kill", "prep:in")}
    # "Where was he killed?" asks for an adverb slot, which a place after "in" fills.
    assert matches(doc, index(doc, "Moscow"), ("kill", "adv")) == (True, True)
    assert matches(doc, index(doc, "Moscow"), ("kill", "obj")) == (False, True)


def test_participle_clause_makes_its_noun_the_object(nlp):
    doc = nlp("The talks held in Geneva ended on Friday.")
    assert slots(doc, "talks") == {("end", "subj"), ("hold", "obj")}
    assert slots(doc, "Friday") == {("end", "prep:on")}


def test_number_shares_the_role_of_the_noun_it_counts(nlp):
    doc = nlp("Police arrested 40 protesters.")
    assert slots(doc, "40") == {("arrest", "obj")}


def test_words_that_modify_nothing_fill_no_slot(nlp):
    doc = nlp("The journalist was killed in Moscow.")
    assert filled(doc, index(doc, "The")) == set()
    assert filled(doc, index(doc, "killed")) == set()
