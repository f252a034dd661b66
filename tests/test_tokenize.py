"""The shared tokenizer: case, stems, stopwords, acronyms, numbers, any script."""
from __future__ import annotations

from retrieval.tokenize import acronym_terms, tokenize


def test_lowercase_stems_and_no_stopwords():
    assert tokenize("The talks were starting") == ["talk", "start"]


def test_words_that_set_something_aside_are_not_searched_for():
    # "Apart from Russia, who ...?": the corpus need not say "apart" to answer it.
    assert tokenize("Apart from aid, aside from that and besides Iran") == ["aid", "iran"]


def test_according_to_names_a_source_and_is_not_searched_for():
    # "..., according to the Observatory?" must not favour whichever sentence says
    # "according"; the source's name is what to match. An accord is still a word.
    assert tokenize("According to the Observatory, the accord holds") == ["observatori", "accord", "hold"]


def test_acronyms_survive_even_when_they_spell_a_stopword():
    assert tokenize("U.S. officials and the US") == ["us", "offici", "us"]
    assert "us" not in tokenize("tell us more")


def test_thousands_separators_join_numbers():
    assert tokenize("3,000 people and 1.000 more") == ["3000", "peopl", "1000"]


def test_unicode_words_and_no_emoji():
    assert tokenize("Größe naïve שלום 😀 東京 हिन्दी") == ["große", "naiv", "שלום", "東京", "हिन्दी"]


def test_latin_accents_fold_so_spellings_meet():
    assert tokenize("Katyń café") == tokenize("Katyn cafe")


def test_british_and_american_spellings_meet():
    assert tokenize("Neighbourhood organisations, defence programmes, the theatre centre") == (
        tokenize("neighborhood organizations, defense programs, the theater center"))
    assert tokenize("Which neighbourhood?") == ["neighborhood"]


def test_question_of_only_stopwords_has_no_terms():
    assert tokenize("What is it that they were?") == []


def test_acronym_terms_are_the_initials_of_runs_of_capitalised_words():
    text = "But the United States and the Syrian Observatory for Human Rights"
    assert {"us", "sohr"} <= acronym_terms(text)
    assert "usa" in acronym_terms("the United States of America")
    assert acronym_terms("no names here at all") == frozenset()
    assert acronym_terms("Only Once") == {"oo"}  # one run of two words
