"""A question typed in lowercase gets the capitals the corpus gives its names, and only those."""
from __future__ import annotations

import pytest

from tests.conftest import rules_engine
from retrieval.nlp import pipeline
from retrieval.truecase import truecase
from retrieval.values import Document


def parsed(*texts: str):
    return list(pipeline().pipe(texts))


def test_names_are_written_as_the_sentences_write_them():
    docs = parsed("Dozens have died of hunger in Madaya, the UN said on Monday.")
    assert truecase("how many people died in madaya, says the un", docs) == (
        "How many people died in Madaya, says the UN")


def test_names_inside_possessives_and_hyphenated_words_get_their_capitals():
    docs = parsed("Bashar al-Assad's forces took the town, the Washington-led coalition said.")
    assert truecase("did assad's forces or the washington-led coalition take it", docs) == (
        "Did Assad's forces or the Washington-led coalition take it")


def test_a_function_word_stays_one_even_when_a_name_spells_it():
    docs = parsed("The WHO said the outbreak in Guinea was over.")
    assert truecase("who said the outbreak in guinea was over", docs) == (
        "Who said the outbreak in Guinea was over")


def test_a_name_the_tagger_left_untyped_gets_its_capitals_but_not_a_headline_s_words():
    docs = parsed(
        "In a posting, the Syria Civil Defence Force [also known as the White Helmets], a "
        "rescue service operating in rebel-held areas, said 25 people had died.",
        "Syria Peace Talks Expected to Start in Few Days",
        "Russian Foreign Minister Sergei Lavrov met Kerry.")
    assert truecase("who heads the white helmets", docs) == "Who heads the White Helmets"
    assert truecase("when do the talks start", docs) == "When do the talks start"
    assert truecase("who is the foreign minister", docs) == "Who is the foreign minister"


def test_a_title_capitalised_before_a_name_stays_a_common_word():
    docs = parsed("French President Francois Hollande met Vladimir Putin in Paris.",
                  "President Hollande said France would not back down.")
    assert truecase("who is the president of france", docs) == "Who is the president of France"


@pytest.mark.parametrize("question", ["Who met putin in paris?", "who met Putin", "WHO MET PUTIN"])
def test_a_question_with_any_capital_is_left_as_typed(question):
    assert truecase(question, parsed("Hollande met Putin in Paris.")) == question


def test_a_lowercase_question_is_read_as_its_capitalised_form():
    # Without the capital, "madaya" is no place: the count told of Aleppo would answer.
    engine = rules_engine([
        Document("001", "Syria", "001.txt", "Syria\n\nPeople in Madaya are starving under a siege. "
                 "In Aleppo, air strikes killed 25 people on Wednesday."),
        Document("002", "Markets", "002.txt", "Markets\n\nGrain prices rose on Monday."),
    ])
    cased = engine.answer("How many people were killed in Madaya?")
    typed = engine.answer("how many people were killed in madaya")
    assert not cased.found and not typed.found
    assert engine.answer("how many people were killed in aleppo").text == "25"


def test_a_question_in_capitals_is_read_as_its_capitalised_form():
    # In capitals every word looks like an acronym or a name: "IS" and "THE" included.
    engine = rules_engine([
        Document("001", "Bridge", "001.txt", "Bridge\n\nThe Harbour Bridge opened on March 3, 2019. "
                 "Mayor Anna Berg cut the ribbon."),
        Document("002", "Markets", "002.txt", "Markets\n\nGrain prices rose on Monday."),
    ])
    for question in ("WHO CUT THE RIBBON?", "WHEN DID THE HARBOUR BRIDGE OPEN?"):
        assert engine.answer(question).text == engine.answer(question.capitalize()).text
        assert engine.answer(question).found
