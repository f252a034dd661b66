"""A sentence that says a question's words in other words still matches them."""
from __future__ import annotations

import pytest

from retrieval.features import token_terms
from retrieval.nlp import pipeline
from retrieval.paraphrase import question_senses, said_otherwise, with_paraphrases
from retrieval.wordnet import wordnet


@pytest.fixture(scope="module")
def nlp():
    return pipeline()


def added(nlp, question: str, sentence: str) -> dict[str, set[str]]:
    """The question terms each sentence word gains."""
    lexicon = wordnet()
    doc = nlp(sentence)
    plain = token_terms(doc)
    more = with_paraphrases(doc, plain, question_senses(nlp(question), lexicon), lexicon)
    return {doc[i].text: set(more[i] - plain[i]) for i in range(len(doc)) if more[i] != plain[i]}


def test_a_word_sharing_a_common_sense_with_a_question_word_counts_as_it(nlp):
    assert added(nlp, "When were the talks due to start?",
                 "The talks are due to begin on January 25.") == {"begin": {"start"}}
    assert added(nlp, "Which car crashed?", "The automobile crashed in May.") == {
        "automobile": {"car"}}


def test_a_noun_the_corpus_never_uses_is_matched_in_its_rarer_senses(nlp):
    # "chief" is a common sense of "chief" and only the fourth of "head"
    question, sentence = nlp("Who is the head of the agency?"), nlp("The agency's chief, Jo Roe.")
    plain = token_terms(sentence)
    lexicon = wordnet()

    def gained(known):
        senses = question_senses(question, lexicon, known)
        return set(with_paraphrases(sentence, plain, senses, lexicon)[3] - plain[3])

    assert gained({"agenc", "chief"}.__contains__) == {"head"}
    # A corpus that uses "head" reads it in its common senses only.
    assert gained({"agenc", "chief", "head"}.__contains__) == set()


def test_a_word_made_from_a_question_word_counts_as_it_but_not_its_synonyms(nlp):
    assert added(nlp, "Which country is a key backer of Assad?",
                 "Russia and Iran, which back Assad, met.") == {"back": {"backer"}}
    assert added(nlp, "When did the invasion begin?", "The army invaded in May.") == {
        "invaded": {"invas"}}
    # "founder" is made from "found", whose synonym "start" is no form of it.
    assert added(nlp, "Who was the founder of the firm?",
                 "Jo started the firm and founded another.") == {"founded": {"founder"}}


def test_an_irregular_form_counts_as_its_lemma(nlp):
    assert added(nlp, "Did Putin speak to Merkel?", "Putin spoke to Merkel on Wednesday.") == {
        "spoke": {"speak"}}


def test_words_of_other_meanings_gain_nothing(nlp):
    assert added(nlp, "When will the bridge open?", "The bridge cost 40 million euros.") == {}
    doc = nlp("The talks begin today.")
    terms = token_terms(doc)
    assert with_paraphrases(doc, terms, {}, wordnet()) is terms
    assert with_paraphrases(doc, terms, question_senses(nlp("Start?"), None), None) is terms


def test_a_question_word_the_corpus_says_otherwise_is_not_unknown_to_it(nlp):
    question = nlp("When will the summit start?")
    # the corpus says "begun" (an irregular form of "begin"), never "start"
    assert said_otherwise(question, {"summit", "begun"}.__contains__, wordnet()) == {"start"}
    assert said_otherwise(question, {"summit"}.__contains__, wordnet()) == set()
    assert said_otherwise(question, {"summit", "begun"}.__contains__, None) == set()
    # A verb is told by one that brings it about: "killed" tells of "died".
    question = nlp("How many people died in the war?")
    assert said_otherwise(question, {"peopl", "war", "kill"}.__contains__, wordnet()) == {"die"}
    assert said_otherwise(question, {"peopl", "war", "wound"}.__contains__, wordnet()) == set()
