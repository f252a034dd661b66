"""Question analysis: wh-word, expected kind, focus noun and its modifiers, names, slot."""
from __future__ import annotations

import pytest

from retrieval.nlp import pipeline
from retrieval.question import KIND_LABELS, Question, analyze


@pytest.fixture(scope="module")
def ask():
    nlp = pipeline()

    def parse(text: str) -> Question:
        return analyze(text, nlp(text))

    return parse


@pytest.mark.parametrize("text,wh,kind", [
    ("Who will meet Putin?", "who", "person"),
    ("Whom did the minister meet?", "whom", "person"),
    ("When did the bridge open?", "when", "date"),
    ("Where was the treaty signed?", "where", "place"),
    ("How many people attended the concert?", "how", "number"),
    ("How much did the bridge cost?", "how", "money"),
    ("How long did the war last?", "how", "duration"),
    ("How soon will the talks start?", "how", "duration"),
    ("How old is the bridge?", "how", "number"),
    ("Why did the talks fail?", "why", "reason"),
    ("What percentage of voters chose Smith?", "what", "percent"),
])
def test_wh_word_and_expected_kind(ask, text, wh, kind):
    q = ask(text)
    assert (q.wh, q.kind) == (wh, kind)


@pytest.mark.parametrize("text,focus,kind", [
    ("Which city hosted the 2012 Olympics?", "city", "place"),
    ("What was the purpose of the pause?", "purpose", "reason"),
    ("Milutin Tesla died at what age?", "age", "number"),
    ("In which Swiss city is the bank based?", "city", "place"),
    ("Which German leader visited Warsaw in 1970?", "leader", "person"),
    ("Which company did not sign the deal?", "company", "org"),
    ("What year did the war end?", "year", "date"),
    ("What is the capital of France?", "capital", "place"),
    ("What is the name of the river that flows through Paris?", "river", "place"),
    ("What kind of company makes the engines?", "company", "org"),
    ("What position does Sergei Lavrov hold?", "position", "title"),
    ("What was Kenneth Swezey's job?", "job", "title"),
    ("What position did the team finish in?", "position", "thing"),  # no one's post
    # Nouns the table does not list take their kind from WordNet's class of the noun.
    ("Which linebacker recovered the fumble?", "linebacker", "person"),
    ("What venue hosted the final?", "venue", "place"),
    ("What machine did he build?", "machine", "thing"),
    # Typed as keywords, without a wh-word: the phrase's head noun.
    ("syria talks start date", "date", "date"),
    ("date of the syria talks", "date", "date"),
    ("Kerry Lavrov meeting city", "city", "place"),
    ("Name the UN envoy for Syria", "envoy", "person"),
])
def test_focus_noun_sets_the_kind(ask, text, focus, kind):
    q = ask(text)
    assert (q.focus, q.kind) == (focus, kind)


def test_who_is_a_named_person_asks_for_their_post(ask):
    assert ask("Who is John Kirby?").kind == "title"
    assert ask("Who is the US Secretary of State?").kind == "person"
    assert ask("Who met John Kirby?").kind == "person"
    # The clause goes on past the person: a person is asked for (the parser hangs it on "was").
    assert ask("Whom was Kerry due to see later on Tuesday during his Moscow visit?").kind == "person"


def test_the_places_a_question_is_set_in(ask):
    assert ask("How many people live in the besieged town of Madaya?").places == {"madaya"}
    assert ask("How many people did the Washington-led coalition kill?").places == set()


def test_how_many_takes_the_counted_noun_as_focus(ask):
    q = ask("How many Syrian civilians were killed?")
    assert (q.kind, q.focus) == ("number", "civilian")
    assert q.focus_mods == {"syrian"}
    assert q.slot == ("kill", "obj")  # the civilians were killed: passive subject = object


def test_focus_modifiers_are_the_terms_that_narrow_the_focus(ask):
    assert ask("Which German leader visited Warsaw in 1970?").focus_mods == {"german"}
    assert ask("In which Swiss city is the bank based?").focus_mods == {"swiss"}
    assert ask("Which city hosted the 2012 Olympics?").focus_mods == frozenset()


def test_plural_focus(ask):
    assert ask("Which countries joined the alliance?").plural
    assert ask("Which cities did the storm hit?").plural
    assert not ask("Which country joined the alliance?").plural


def test_names_are_proper_nouns_and_numbers(ask):
    q = ask("Which city hosted the 2012 Olympics?")
    assert q.names == {"2012", "olymp"}
    assert ask("When did the bridge open?").names == frozenset()


def test_names_of_several_words_are_kept_whole(ask):
    assert ask("Who designed the Upati Garden in Warsaw?").name_phrases == ("upati garden",)
    assert ask("What did Angela Merkel tell Vladimir Putin?").name_phrases == (
        "angela merkel", "vladimir putin")
    assert ask("Who designed the garden in Warsaw?").name_phrases == ()


def test_negation_and_superlatives(ask):
    assert ask("Which company did not sign the deal?").negated
    assert not ask("Which company signed the deal?").negated
    assert ask("What is the largest lake in Africa?").superlatives == {"largest"}
    assert ask("What is a lake in Africa?").superlatives == frozenset()


@pytest.mark.parametrize("text,slot", [
    ("Who will meet Putin?", ("meet", "subj")),
    ("Whom did the minister meet?", ("meet", "obj")),
    ("Which countries joined the alliance?", ("join", "subj")),
    ("Which cities did the storm hit?", ("hit", "obj")),
    ("When did the bridge open?", ("open", "adv")),
    ("Who is the mayor?", None),  # "be" says nothing about the answer's role
    # a reported clause's slot, which the parser gives to the reporting verb
    ("Which group does the army say its jets are bombing?", ("bomb", "obj")),
    ("Who does the minister say will chair the talks?", ("chair", "subj")),
    ("Who said the talks would start?", ("say", "subj")),
])
def test_slot(ask, text, slot):
    assert ask(text).slot == slot


def test_terms_and_labels(ask):
    q = ask("When did the bridge open?")
    assert q.terms == ("bridg", "open")
    assert q.labels == KIND_LABELS["date"] and "DATE" in q.labels
    assert "NAME" in ask("Which channel aired the debate?").labels  # "TF1" (candidates.py)


def test_generic_noun_phrase_keeps_its_slot(ask):
    assert ask("What kind of company makes the engines?").slot == ("make", "subj")


def test_generic_noun_is_not_a_focus_modifier(ask):
    assert "kind" not in ask("What kind of company makes the engines?").focus_mods
    assert "name" not in ask("What is the name of the river that flows through Paris?").focus_mods


def test_kinds_rule_out_entity_labels_that_cannot_answer(ask):
    assert {"PERSON", "DATE"} <= ask("Which country sent troops?").clashes
    assert {"GPE", "PERSON"} <= ask("When did the war start?").clashes
    assert "PERSON" in ask("Which organisation gets the final say?").clashes  # not "Lavrov"
    assert "DATE" in ask("How many appearances has the team made?").clashes
    assert "DATE" not in ask("How many years did the war last?").clashes
    assert "DATE" not in ask("How old was he?").clashes  # "25 years old"
    assert ask("What did the minister say?").clashes == frozenset()


def test_a_who_question_names_the_role_it_asks_about(ask):
    assert ask("Who is the king of Saudi Arabia?").role == "king"
    assert ask("Who was the first man on the Moon?").role == "man"
    assert ask("Who will meet Putin?").role is None
    assert ask("Which king ruled Poland?").role is None  # the focus already says it


@pytest.mark.parametrize("text,places", [
    ("Who is the president of France?", {"franc"}),
    ("Who is the French president?", {"franc"}),
    ("What is the name of Saudi Arabia's foreign minister?", {"saudi", "arabia"}),
    ("Who is the mayor of the city?", set()),
])
def test_the_places_a_role_belongs_to(ask, text, places):
    assert places <= ask(text).role_places and (places or not ask(text).role_places)


def test_a_count_question_knows_who_does_the_verb_to_what_it_counts(ask):
    # The parser takes a fronted object for a subject; the doer is the other one.
    assert ask("How many people has the civil war killed?").agent == ("kill", {"war"})
    assert ask("How many touchdowns did Newton throw?").agent == ("throw", {"newton"})
    assert ask("How many civilians were killed by the coalition's strikes?").agent == (
        "kill", {"coalition", "strike"})
    # No doer, or a light verb: nothing to compare.
    assert ask("How many people were killed in Madaya?").agent is None
    assert ask("How many sacks did Allen have?").agent is None
