"""Candidate spans: entities, trimmed noun phrases, "of"/"to" complements, qualifiers, lists, numbers."""
from __future__ import annotations

import pytest

from retrieval.candidates import MAX_TOKENS, extract
from retrieval.nlp import pipeline


@pytest.fixture(scope="module")
def spans():
    nlp = pipeline()

    def parse(text: str) -> dict[str, str]:
        """Each candidate's text and label, in the order `extract` gives them."""
        doc = nlp(text)
        return {doc[c.start : c.end].text: c.label for c in extract(doc)}

    return parse


def test_entities_come_first_with_their_labels(spans):
    found = spans("Prices rose by 12 percent in 2019.")
    labels = list(found.values())
    assert labels[:3] == ["PERCENT", "PERCENT", "DATE"]  # "12 percent", "12", "2019"
    assert found["12 percent"] == found["12"] == "PERCENT" and found["2019"] == "DATE"


def test_noun_phrases_with_and_without_their_determiner(spans):
    found = spans("The minister met the leaders of Turkey and Iran.")
    assert found["The minister"] == found["minister"] == "NP"
    assert found["the leaders"] == found["leaders"] == "NP"


def test_noun_phrase_with_its_of_or_to_complement(spans):
    found = spans("The minister met the leaders of Turkey and Iran.")
    assert found["leaders of Turkey and Iran"] == "NP"
    assert spans("The role of the president is limited.")["role of the president"] == "NP"
    assert spans("They demanded an end to the strikes.")["end to the strikes"] == "NP"
    # and without the object's own tail, which may run past the candidate's length
    found = spans("They demanded an end to air strikes and flights over the old city of Aleppo.")
    assert found["end to air strikes"] == "NP"


def test_entity_with_a_leading_article_is_also_offered_trimmed(spans):
    found = spans("It was a long meeting with the European Parliament.")
    assert found["the European Parliament"] == found["European Parliament"] == "ORG"


@pytest.mark.parametrize("text,qualified,number", [
    ("At least 3,000 people attended the concert in Berlin.", "At least 3,000", "3,000"),
    ("More than 1,000 workers lost their jobs.", "More than 1,000", "1,000"),
])
def test_qualifiers_stay_whole(spans, text, qualified, number):
    found = spans(text)
    assert found[qualified] == found[number] == "CARDINAL"  # the reader picks one
    assert not any(t.lower().startswith(("least", "than")) for t in found)


@pytest.mark.parametrize("text,number", [
    ("Ginn returned 27 punts for 277 yards.", "27"),
    ("The midway point lies around 11 miles south of the city.", "11"),
    ("Miller had six total tackles.", "six"),  # a number word is a stopword, still an answer
    ("Warsaw has two botanic gardens.", "two"),
])
def test_a_counted_number_is_also_offered_alone(spans, text, number):
    assert spans(text)[number] in ("CARDINAL", "QUANTITY", "MONEY", "NUM")


@pytest.mark.parametrize("text,span,label", [
    # a noun's adjective: "What kind of economy?"
    ("Northern California grew a tech-oriented economy.", "tech-oriented", "MOD"),
    # the clause after a preposition
    ("A disagreement over who will represent the opposition raised doubts.",
     "who will represent the opposition", "PHRASE"),
    # what was said, with and without its "that"
    ("Opposition groups demand that Assad leave at the start of the process.",
     "that Assad leave at the start of the process", "STATEMENT"),
    ("Opposition groups demand that Assad leave at the start of the process.",
     "Assad leave at the start of the process", "STATEMENT"),
])
def test_parts_of_a_sentence_that_answer_questions_are_candidates(spans, text, span, label):
    assert spans(text)[span] == label


def test_a_list_is_one_candidate(spans):
    found = spans("The plan was backed by Turkey, Saudi Arabia and possibly Qatar.")
    assert found["Turkey, Saudi Arabia and possibly Qatar"] == "LIST"
    assert found["Turkey"] == found["Saudi Arabia"] == found["Qatar"] == "GPE"


def test_a_name_spacy_types_as_a_number_is_relabelled_name(spans):
    found = spans("Hollande spoke to TF1.")
    assert found["TF1"] == "NAME"
    # Real numbers keep their label, written in digits or not.
    assert spans("She bought 17 apples.")["17"] == "CARDINAL"
    assert spans("Seven of the 10 sites were closed.")["Seven"] == "CARDINAL"


def test_an_untyped_proper_noun_in_capitals_is_a_name(spans):
    found = spans('A US State Department source confirmed the meeting to AFP: "Can confirm it."')
    assert found["AFP"] == "NAME"  # the tagger gives it no type in this sentence
    assert found["meeting"] == "NP"
    # A name in capitals is no stopword, even when it spells one ("IS", "US").
    assert "IS" in spans("The war drove recruits to IS, which profited from the chaos.")
    found = spans('Russia says it is targeting IS and other "terrorist" groups.')
    assert found["IS"] == "NAME"  # the tagger reads it as a plural common noun


def test_a_number_spacy_did_not_tag_is_num(spans):
    assert spans("The vote was 5-4.")["4"] == "NUM"


def test_phrases_of_the_verb_and_its_objects(spans):
    found = spans("Prices rose by 12 percent in 2019.")
    assert found["by 12 percent"] == found["in 2019"] == "PHRASE"


def test_no_candidate_is_only_stopwords_or_punctuation(spans):
    assert spans("It was what they had done to them, and so it was.") == {}


def test_long_phrases_are_left_out():
    nlp = pipeline()
    text = ("The report described the long and difficult negotiations between the two "
            "neighbouring countries over the disputed border region near the river.")
    doc = nlp(text)
    cands = extract(doc)
    assert cands and all(0 < c.end - c.start <= MAX_TOKENS for c in cands)
    obj = next(t for t in doc if t.dep_ == "dobj")
    assert obj.right_edge.i + 1 - obj.left_edge.i > MAX_TOKENS
    assert (obj.left_edge.i, obj.right_edge.i + 1) not in {(c.start, c.end) for c in cands}


def test_spans_are_distinct():
    doc = pipeline()("At least 3,000 people attended the concert in Berlin.")
    offsets = [(c.start, c.end) for c in extract(doc)]
    assert len(offsets) == len(set(offsets))


def test_a_place_the_tagger_calls_a_people_is_a_place(spans):
    # The small model tags "Aleppo" NORP here; a people's name reads otherwise.
    found = spans("Assad aims to take back all of Aleppo, which was Syria's biggest city.")
    assert found["Aleppo"] == "GPE"
    found = spans("Syrian and Kurdish forces joined Iranian militias.")
    assert found["Syrian"] == found["Kurdish"] == found["Iranian"] == "NORP"


def test_a_place_the_tagger_calls_a_language_is_a_place(spans):
    # The small model tags "Aleppo" LANGUAGE here; WordNet knows it as a place.
    sentence = ("The resumption of diplomatic talks came as heavy air strikes continued to pound "
                "rebel-held areas of the northern Syrian city of Aleppo Wednesday.")
    assert spans(sentence)["Aleppo"] == "GPE"
    assert spans("The book was translated from Arabic into French.")["Arabic"] == "LANGUAGE"


@pytest.mark.parametrize("text,reason", [
    ("The pause was designed to allow civilians to escape.", "to allow civilians to escape"),
    ("Some men avoid teaching because they fear the label.", "because they fear the label"),
    ("They met in a bid to create momentum for the talks.", "to create momentum for the talks"),
])
def test_a_reason_clause_is_a_candidate_with_and_without_its_marker(spans, text, reason):
    found = spans(text)
    assert found[reason] == found[reason.split(" ", 1)[1]] == "CLAUSE"


@pytest.mark.parametrize("text,title", [
    ("Russian Foreign Minister Sergei Lavrov met John Kerry.", "Russian Foreign Minister"),
    ("State Department spokesman John Kirby said the talks were useful.",
     "State Department spokesman"),
    ("John Kirby, the State Department spokesman, said so.", "State Department spokesman"),
    ("Kerry's spokesman John Kirby said so.", "spokesman"),  # not the owner
])
def test_a_persons_post_is_a_title(spans, text, title):
    found = spans(text)
    assert found[title] == "TITLE"
    assert [t for t, label in found.items() if label == "TITLE"] == [title]


def test_a_modifier_of_a_noun_is_a_candidate_for_what_kind_questions(spans):
    found = spans("The students held a pep rally near a stereoscopic theatre.")
    assert found["pep"] == found["stereoscopic"] == "MOD"
