"""answer_key and same_answer: which answer strings name the same value."""
from __future__ import annotations

import pytest

from retrieval.normalize import answer_key, same_answer


@pytest.mark.parametrize("text,key", [
    ("Jan 25", ("january", "25")),
    ("Jan. 25", ("january", "25")),
    ("January 25", ("january", "25")),
    ("Sept 3", ("september", "3")),
    ("1,000", ("1000",)),
    ("2,000,000", ("2000000",)),
    ("more than 1,000", ("1000",)),
    ("at least 3,000", ("3000",)),
    ("about 40 million euros", ("40", "million", "euros")),
    ("The United Nations", ("united", "nations")),
    ("U.S.", ("us",)),
    ("well-known", ("well", "known")),
])
def test_answer_key_folds_case_months_commas_and_qualifiers(text, key):
    assert answer_key(text) == key


def test_answer_key_keeps_a_decimal_point_apart_from_a_thousands_separator():
    assert answer_key("1.5") != answer_key("15")
    assert answer_key("1,500") == answer_key("1500")


def test_answer_key_of_only_fillers_is_empty():
    assert answer_key("the") == ()
    assert answer_key("at least") == ()


@pytest.mark.parametrize("a,b", [
    ("Jan 25", "January 25"),
    ("1,000", "1000"),
    ("more than 1,000", "1000"),
    ("at least 3,000", "3,000"),
    ("over 90", "90"),
    ("Paris", "PARIS"),
    ("the Senate", "Senate"),
    ("U.S.", "US"),
    ("Kerry", "John Kerry"),  # the surname alone
    ("Mr Kerry", "Kerry"),  # a title before the name
    ("Sergei Lavrov", "Sergey Lavrov"),  # transliteration
])
def test_same_answer(a, b):
    assert same_answer(a, b) and same_answer(b, a)


@pytest.mark.parametrize("a,b", [
    ("90", "91"),
    ("1,000", "10,000"),
    ("January 25", "January 26"),
    ("January 25", "February 25"),
    ("Jan 25, 2016", "January 25"),  # numbers must match exactly
    ("Moscow", "Kiev"),
    ("Smith", "Smyth"),
    ("kerry", "John Kerry"),  # a lowercase word is not a surname
    ("Li", "Jet Li"),  # too short to stand for the whole name
    ("", "Paris"),
    ("the", "the"),  # nothing left to compare
])
def test_different_answers(a, b):
    assert not same_answer(a, b) and not same_answer(b, a)


def test_similar_country_names_are_different_answers():
    assert not same_answer("Austria", "Australia")


def test_a_place_is_not_the_same_as_a_longer_place_ending_in_it():
    assert not same_answer("Sudan", "South Sudan")
