"""The whole path on small literal corpora and on seeds/: answers, sources, abstention, bad input."""
from __future__ import annotations

import json
from dataclasses import replace

import pytest

from tests.conftest import rules_engine
from retrieval import Answer, Engine, EngineConfig
from retrieval.decline import count_unknown
from retrieval.normalize import same_answer
from retrieval.tokenize import acronym_terms, tokenize
from retrieval.values import Document


def doc(source: str, title: str, body: str) -> Document:
    return Document(source, title, f"{source}.txt", f"{title}\n\n{body}")


def news(*docs: Document, config: EngineConfig | None = None) -> Engine:
    """An engine over the given articles and one about something else entirely."""
    other = doc("999", "Markets", "Grain prices rose on Monday. Traders expect a good harvest.")
    return rules_engine([*docs, other], config)


def declined(a: Answer) -> bool:
    """Not answered because nothing the corpus says is a good enough answer."""
    return not a.found and a.reason == "low_confidence"


@pytest.fixture(scope="module")
def city_engine() -> Engine:
    return rules_engine([
        doc("001", "Bridge opens", "The new Harbour Bridge opened on March 3, 2019. "
            "Mayor Anna Berg cut the ribbon in front of 5,000 people."),
        doc("002", "City news", "The Harbour Bridge opened on March 3, 2019, after four years of work. "
            "The bridge cost 40 million euros."),
        doc("003", "Weather", "Heavy rain fell across the region on Sunday. Farmers welcomed the rain."),
    ])


def test_answer_with_quote_and_every_supporting_source(city_engine):
    a = city_engine.answer("When did the Harbour Bridge open?")
    assert a.found and same_answer(a.text, "March 3, 2019")
    assert a.quote in {"The new Harbour Bridge opened on March 3, 2019.",
                       "The Harbour Bridge opened on March 3, 2019, after four years of work."}
    assert a.sources == ("001", "002")


def test_who_question_gets_a_person(city_engine):
    a = city_engine.answer("Who cut the ribbon?")
    assert a.found and "Anna Berg" in a.text and a.sources == ("001",)


def test_answers_are_verbatim_spans_of_their_quotes(city_engine):
    for q in ("How many people watched the ribbon cutting?", "How much did the bridge cost?"):
        a = city_engine.answer(q)
        assert a.found and a.text in a.quote
        assert all(e.answer in e.quote for e in a.evidence)


def test_question_the_corpus_does_not_answer_abstains(city_engine):
    for q in ("What is the capital of France?", "Who won the Nobel Prize in Physics in 2015?",
              "xq zzvv blorft"):
        a = city_engine.answer(q)
        assert not a.found and a.reason in ("not_found", "low_confidence"), (q, a.text)
        assert a.sources == ()


@pytest.mark.parametrize("question,reason", [
    ("", "empty"), ("   \n\t ", "empty"), ("?!...", "empty"), ("\u200b\u200f", "empty"),
    ("What is it that they were?", "no_terms"),
])
def test_empty_or_stopword_questions_get_a_reason(city_engine, question, reason):
    a = city_engine.answer(question)
    assert not a.found and a.reason == reason


@pytest.mark.parametrize("question", [
    "bridge " * 2000,
    "🌉🌉 When did the bridge open? 🎉",
    "متى افتتح الجسر؟ When did the bridge open?",
    "When did the <b>bridge</b> & co open?\x00\ud800",
])
def test_odd_questions_never_raise(city_engine, question):
    a = city_engine.answer(question)
    assert isinstance(a, Answer)
    json.dumps(a.to_json())


def test_conflicting_numbers_are_reported_with_each_source():
    engine = rules_engine([
        doc("010", "Flood toll", "Officials said the flood killed 120 people in the valley."),
        doc("011", "Valley flood", "Rescuers said the flood killed 300 people in the valley."),
        doc("012", "Markets", "Grain prices rose on Monday."),
    ])
    a = engine.answer("How many people did the flood kill in the valley?")
    assert a.found
    values = {a.text: a.sources} | {c.text: c.sources for c in a.conflicts}
    assert set(values) == {"120", "300"}
    assert sorted(values.values()) == [("010",), ("011",)]


def test_json_has_the_documented_fields(city_engine):
    data = city_engine.answer("When did the Harbour Bridge open?").to_json()
    assert {"answer", "quote", "sources", "confidence"} <= data.keys()
    assert city_engine.answer("").to_json()["answer"] is None


def test_seed_corpus_syria_talks(rules_seeds_engine):
    a = rules_seeds_engine.answer("When were the Syria talks due to start?")
    assert a.found and same_answer(a.text, "Jan 25")
    assert a.quote == "The Syria peace talks are due to begin on January 25."
    assert {"000", "001", "003"} <= set(a.sources)


def test_qualifiers_stay_whole_in_answers():
    engine = rules_engine([doc("030", "Toll", "Officials said at least 3,000 people were killed in the flood.")])
    a = engine.answer("How many people were killed in the flood?")
    assert a.found and not a.text.startswith("least")


def test_a_one_document_corpus_still_answers():
    # BM25Okapi gives every term of a tiny corpus a zero or negative idf.
    engine = rules_engine([doc("040", "Harbour", "The ferry leaves the harbour at 7 am every day.")])
    a = engine.answer("When does the ferry leave the harbour?")
    assert a.found and "7 am" in a.text


def test_window_terms_are_the_terms_of_the_joined_window():
    """Windows are unions of cached per-sentence terms; joining the texts gives the same set."""
    engine = rules_engine([
        doc("001", "U.S. Größe", "Prices rose 1,000 times in the U.S. Katyń 3,000 e.g. he left. "
            "Then (10,000) cafés opened. Wörter कि हिन्दी. Last one."),
        doc("002", "Other", "A single sentence here with WHO and IT."),
    ])
    for i, sent in enumerate(engine.sentences):
        parts = [engine.documents[sent.doc].title] + [
            s.text for s in engine.sentences[max(0, i - 1) : i + 2] if s.doc == sent.doc
        ]
        acronyms = set().union(*map(acronym_terms, parts))
        assert engine.window_terms(i) == set(tokenize(" ".join(parts))) | acronyms


def test_a_question_naming_an_acronym_matches_the_name_spelled_out():
    engine = news(
        doc("060", "Strikes", "Earlier, according to the Syrian Observatory for Human Rights, "
            "40 people died. "
            "But the United States has criticised Moscow, saying its strikes missed militants."),
    )
    first = next(i for i, s in enumerate(engine.sentences) if s.text.startswith("Earlier"))
    assert {"sohr", "us"} <= engine.window_terms(first)
    a = engine.answer("How many people died, according to SOHR?")
    assert a.text == "40" and a.sources == ("060",)


def test_a_sentence_that_refers_back_is_read_with_the_one_before():
    # Both windows name the coalition; only the first sentence's "Those strikes" are its,
    # so the other toll is about other strikes, not a disagreement.
    engine = news(
        doc("050", "Coalition raids", "A coalition led by Washington has been bombing militants "
            "since 2014. Those strikes have killed 322 civilians, monitors said. Aid groups asked "
            "for access."),
        doc("051", "Air war", "Officials spoke of the coalition on Monday. Russian air strikes have "
            "killed 1,000 civilians, monitors said. Talks are planned."),
    )
    a = engine.answer("How many civilians have the coalition strikes killed?")
    assert a.found and a.text == "322" and a.sources == ("050",)
    assert a.conflicts == ()


def test_a_question_mostly_of_words_the_corpus_never_uses_is_not_answered(city_engine):
    question = "When did the Harbour Bridge open to zorblax quixotic fnargle travellers?"
    a = city_engine.answer(question)
    assert declined(a)
    lenient = Engine(city_engine.documents, replace(city_engine.config, max_unseen=1.0))
    assert lenient.answer(question).text == "March 3, 2019"


def test_the_kind_of_answer_asked_for_need_not_be_a_word_of_the_corpus():
    # "news network" is what CNN is; the text never says so, and the question is on topic.
    engine = news(doc("060", "Talks", "In an interview with CNN on Wednesday, Lavrov said that "
                      "talks should include Turkey and Qatar."))
    a = engine.answer("Which news network interviewed Lavrov on Wednesday?")
    assert a.found and a.text == "CNN" and a.sources == ("060",)
    # Nor does its confidence count the kind as a word the corpus lacks.
    question = "Which news network interviewed Lavrov on Wednesday?"
    _, views = engine.rule_reader.reading(question, engine.ranked(tokenize(question), 5))
    assert views[0][1].unseen == 0 and views[0][1].missing == 0
    # The rest of the question must still be about the corpus.
    assert declined(engine.answer("Which news network broadcast the marathon final on Wednesday?"))


def test_a_who_question_about_a_role_the_corpus_never_names_is_not_answered(
        city_engine, rules_seeds_engine):
    assert city_engine.answer("Who is the mayor of the city?").text == "Anna Berg"
    # Saudi Arabia and a person are in the news; a king is not, so neither is the answer.
    a = rules_seeds_engine.answer("Who is the king of Saudi Arabia?")
    assert declined(a)


def test_a_question_typed_as_keywords_is_answered(rules_seeds_engine):
    a = rules_seeds_engine.answer("syria talks start date")
    assert a.text in ("January 25", "Jan 25") and {"000", "001", "003"} <= set(a.sources)


def test_a_role_the_corpus_says_in_other_words_is_answered_where_it_says_it(rules_seeds_engine):
    engine = news(
        doc("091", "Agency", "The agency's chief, Jo Roe, opened the new office on Monday. "
            "Sam Poe, a human rights lawyer, spoke at the opening."),
        doc("092", "Port", "The port handled more cargo than ever in May. Its new crane "
            "arrived from Rotterdam. Dock workers plan a strike for June."),
    )
    assert engine.answer("Who is the head of the agency that opened an office?").text == "Jo Roe"
    # "Human" (of "Human Rights") is a word for "man" too, but not where an answer is.
    assert declined(rules_seeds_engine.answer("Who was the first man on the Moon?"))


def test_a_count_of_something_the_corpus_never_names_is_not_answered():
    engine = news(
        doc("090", "Strikes", "The strikes killed 4,256 people since they began. Many kids "
            "fled the town. 39 former players were honored before the match."),
    )
    assert engine.answer("How many people have the strikes killed?").text == "4,256"
    assert declined(engine.answer("How many refugees have the strikes killed?"))
    # Said in other words, or in another form of the word, it is named.
    assert not count_unknown(_question(engine, "How many children fled the town?"), engine.idf)
    assert not count_unknown(_question(engine, "How many honorees were at the match?"), engine.idf)
    assert count_unknown(_question(engine, "How many refugees fled the town?"), engine.idf)


def _question(engine: Engine, text: str):
    q, _ = engine.rule_reader.reading(text, engine.ranked(tokenize(text), 5))
    return q


def test_an_office_is_held_by_a_person_never_by_a_place():
    engine = news(
        doc("070", "Veto row", "On Wednesday, Russian President Vladimir Putin accused France of "
            "luring Moscow into a veto. The vote was held in New York."),
    )
    assert engine.answer("Who is the Russian president?").text == "Vladimir Putin"
    a = engine.answer("Who is the president of France?")  # not Putin, and not "Moscow"
    assert declined(a)


def test_an_office_of_a_country_is_answered_only_where_the_text_names_the_office():
    engine = news(
        doc("080", "Talks", "Saudi Arabia and Turkey back the opposition against Bashar al-Assad. "
            "Rebels met in Riyadh on Thursday."),
        doc("081", "Envoys", "Saudi Foreign Minister Adel al-Jubeir met Kerry in Paris."),
    )
    assert engine.answer("Who is the Saudi foreign minister?").text == "Adel al-Jubeir"
    a = engine.answer("Who is the defence minister of Turkey?")  # not Assad, who is no minister
    assert declined(a)


def test_an_office_of_one_country_is_no_answer_for_another_country_named_beside_it():
    engine = news(
        doc("085", "Talks", "Russian Foreign Minister Sergei Lavrov met Kerry in Zurich. "
            "Lavrov said the talks should include Turkey and possibly Qatar."),
        doc("086", "Summit", "President Obama met Kerry in Washington."),
    )
    assert engine.answer("Who is the Russian foreign minister?").text == "Sergei Lavrov"
    assert declined(engine.answer("Who is Qatar's foreign minister?"))
    # An office the text names without a place is not taken for another place's.
    assert engine.answer("Which US president met Kerry in Washington?").text == "Obama"
    # A place inside the one asked about is no other place: France is in Europe.
    engine = news(doc("087", "Talks", "French Foreign Minister Jean-Marc Ayrault met Kerry "
                      "in Paris. European leaders met in Brussels."))
    a = engine.answer("Who is the European foreign minister who met Kerry?")
    assert a.text == "Jean-Marc Ayrault"


def test_a_person_asked_for_by_their_people_is_named_where_the_text_says_that_people():
    engine = news(
        doc("088", "Talks", "Officials from Russia and Turkey will attend the Lausanne talks. "
            "Kerry will meet Russian Foreign Minister Sergei Lavrov there."),
        doc("089", "Aleppo", "Assad is trying to set his own rules for the talks."),
    )
    assert engine.answer("Which Russian official will Kerry meet in Lausanne?").text == (
        "Sergei Lavrov")
    assert declined(engine.answer("Which Iranian official is setting rules for the talks?"))


def test_people_counted_by_what_befell_them_the_corpus_never_tells_of_are_not_counted():
    engine = news(
        doc("095", "Market strike", "An air strike on the market killed 15 people on Sunday. "
            "Rescue workers searched the rubble for hours."),
    )
    assert engine.answer("How many people were killed in the market strike?").text == "15"
    assert engine.answer("How many people died in the market strike?").text == "15"  # killed
    assert declined(engine.answer("How many people were wounded in the market strike?"))
    # A count no verb acts on may be of what the question asks, in other words.
    engine = news(doc("096", "Rally", "The mayor spoke in front of 300 people on Sunday."))
    assert engine.answer("How many people listened to the mayor?").text == "300"


def test_no_one_is_the_head_of_a_body_for_being_its_other_name():
    engine = news(
        doc("097", "Rescue", "The Syria Civil Defence Force [also known as the White Helmets] "
            "said the strikes killed 25 people. The Syrian Observatory for Human Rights, a "
            "British-based organisation, reported more strikes."),
    )
    assert declined(engine.answer("Who heads the White Helmets?"))
    assert declined(engine.answer("Who heads the Syrian Observatory?"))
    assert "Syria Civil Defence Force" in engine.answer("Who said the strikes killed 25 people?").text


def test_a_source_beyond_those_read_supports_a_person_by_another_spelling_or_surname():
    engine = news(
        doc("090", "Talks", "Russian Foreign Minister Sergei Lavrov met Kerry in Zurich."),
        doc("091", "Envoys", "The Russian foreign minister, Sergey Lavrov, spoke in Geneva."),
        config=EngineConfig(read_k=1),
    )
    a = engine.answer("Who is the Russian foreign minister?")
    assert same_answer(a.text, "Sergei Lavrov") and a.sources == ("090", "091")


def test_a_count_from_a_sentence_about_another_place_is_no_answer():
    engine = news(
        doc("100", "Air strikes", "Air strikes on Aleppo on Wednesday killed 25 people. "
            "Heavy strikes also hit the Eastern Ghouta area near Damascus."),
    )
    assert engine.answer("How many people were killed in Aleppo on Wednesday?").text == "25"
    a = engine.answer("How many people were killed in Eastern Ghouta on Wednesday?")
    assert declined(a)


def test_a_question_in_other_words_finds_the_matching_part_of_the_sentence():
    # "start" is said "begin": the date beside "begin" answers, not the one beside "end".
    engine = news(doc("001", "Summit", "The summit will end on June 9, having begun on June 2 "
                      "in Oslo. Leaders are expected to attend."))
    a = engine.answer("When will the summit start?")
    assert a.text == "June 2" and a.sources == ("001",)


def test_a_name_of_several_words_counts_only_when_the_window_has_it_whole_or_abbreviated():
    engine = rules_engine([
        doc("001", "Warsaw", "The building was designed by architects Marek Budzynski and "
            "Zbigniew Badowski."),
        doc("002", "War", "The group lost ground. IS fighters left the town in May."),
    ])

    def apart(question: str) -> dict[str, float]:
        _, views = engine.rule_reader.reading(question, engine.ranked(tokenize(question), 5))
        return {engine.sentences[i].text[:12]: v.names_apart for i, v in views}

    assert apart("Who designed the building with Zbigniew Marek?")["The building"] == 1.0
    assert apart("Who designed the building with Zbigniew Badowski?")["The building"] == 0.0
    assert apart("When did Islamic State fighters leave the town?")["IS fighters "] == 0.0
    assert apart("When did Golden Dawn fighters leave the town?")["IS fighters "] == 1.0


def test_a_person_quoted_without_their_title_is_known_by_it_elsewhere_in_the_document():
    engine = news(doc("110", "Talks", "US Secretary of State John Kerry met Russian Foreign "
                      "Minister Sergei Lavrov in Moscow on Tuesday. The two diplomats spoke for "
                      "four hours. Reporters waited outside in the snow. Later the talks turned "
                      "to the nuclear deal. \"Russia made a large contribution to the deal,\" "
                      "Kerry said, crediting Moscow. Talks on aid went on. The meeting ended late. "
                      "\"Our air force plans its strikes with great care,\" Lavrov said."))
    a = engine.answer("Which American diplomat credited Russia with a contribution to the deal?")
    assert a.found and "Kerry" in a.text
    a = engine.answer("Which Russian minister said the air force plans its strikes with care?")
    assert a.found and "Lavrov" in a.text
    # The titles name another people: no answer.
    assert declined(engine.answer(
        "Which Iranian diplomat credited Russia with a contribution to the deal?"))
    assert declined(engine.answer(
        "Which Iranian minister said the air force plans its strikes with care?"))


def test_a_thing_the_question_gives_to_one_place_is_not_answered_from_anothers():
    engine = news(doc("120", "Strikes", "Russian air strikes have killed more than 1,000 "
                      "civilians, the monitor said. Russia vetoed the French-drafted resolution "
                      "on Tuesday."))
    a = engine.answer("How many civilians have Russia's air strikes killed?")
    assert a.found and "1,000" in a.text
    assert engine.answer("Which country vetoed the French-drafted resolution?").text == "Russia"
    assert declined(engine.answer("How many civilians have French air strikes killed?"))
    assert declined(engine.answer("Which country vetoed the British-drafted resolution?"))


def test_a_lesser_candidate_from_the_asked_places_sentence_answers():
    # The Russian toll reads best, but the question asks about American strikes, which
    # "those strikes" point back to ("led by Washington" names the US).
    engine = news(doc("123", "War", "American and French officials gave no figures on Monday. "
                      "Russian air strikes have killed more than 1,000 civilians, the monitor "
                      "said. A coalition led by Washington has also carried out air strikes "
                      "since 2014. Those strikes have killed 322 civilians, the monitor said."))
    a = engine.answer("How many civilians have American air strikes killed?")
    assert a.found and a.text == "322"
    # Nothing near "those strikes" names France: no toll answers for French strikes.
    assert declined(engine.answer("How many civilians have French air strikes killed?"))


def test_a_value_from_a_sentence_about_another_places_thing_is_no_rival():
    engine = news(
        doc("121", "Monitor", "Russian air strikes have killed more than 1,000 civilians in "
            "Syria, the monitor said."),
        doc("122", "City", "French air strikes have been reported. Air strikes have killed 25 "
            "civilians in Syria, rescuers said."),
    )
    a = engine.answer("How many civilians have air strikes killed in Syria?")
    assert a.found and a.conflicts  # two tolls, two sources: the sources differ
    # The Russian strikes' toll is no rival value for the French strikes' (the best answer,
    # from a sentence naming no owner, stands alone).
    a = engine.answer("How many civilians have French air strikes killed in Syria?")
    assert a.found and not any("1,000" in c.text for c in a.conflicts)
