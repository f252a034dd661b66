"""Typos mended from the corpus's own words, and only typos."""
from __future__ import annotations

from retrieval.engine import Engine
from retrieval.spelling import respell
from retrieval.tokenize import tokenize
from retrieval.values import Document
from retrieval.wordnet import wordnet

TEXT = ("Russian Foreign Minister Sergei Lavrov met the negotiators. The interceptions "
        "and the government council were discussed at length.")
VOCAB = {t: 1.0 for t in tokenize(TEXT)}


def test_a_word_one_edit_from_a_corpus_word_is_mended():
    lexicon = wordnet()
    assert respell("Who is the foriegn minister?", VOCAB, lexicon) == "Who is the foreign minister?"
    assert respell("How many intercpetions?", VOCAB, lexicon) == "How many interceptions?"
    assert respell("Goverment counil", VOCAB, lexicon) == "Government council"


def test_real_words_short_words_and_strangers_are_left_alone():
    lexicon = wordnet()
    # English words the corpus lacks: the question may be about something else.
    assert respell("What is the capital of France?", VOCAB, lexicon) == (
        "What is the capital of France?")
    assert respell("How many refugees fled?", VOCAB, lexicon) == "How many refugees fled?"
    assert respell("Who met the minstr?", VOCAB, lexicon) == "Who met the minstr?"  # short
    # A name is not mended: another place or person, which the corpus may not know.
    assert respell("Who is Lavrof of the Goverment?", VOCAB, lexicon) == (
        "Who is Lavrof of the Goverment?")
    assert respell("Who is Zxqwvbn?", VOCAB, lexicon) == "Who is Zxqwvbn?"  # nothing near
    long = "what about " + "interceptionz" * 40  # no word: not worth its 27,000 edits
    assert respell(long, VOCAB, lexicon) == long
    assert respell("Who is the foriegn minister?", VOCAB, None) == "Who is the foriegn minister?"


def test_the_engine_answers_a_question_with_a_typo():
    engine = Engine([Document("001", "Talks", "001_talks.txt", TEXT)])
    a = engine.answer("Who is the Russian foriegn minister?")
    assert a.found and "Lavrov" in a.text
    assert a.question == "Who is the Russian foriegn minister?"  # as the user typed it
