"""The token table reads the same values as spaCy's Token and Span objects."""
from __future__ import annotations

import pytest
from spacy.tokens import Doc

from retrieval.nlp import pipeline
from retrieval.parsed import demonym_terms, tokens
from retrieval.tokenize import tokenize

TEXTS = [
    "In 1999, the U.S. didn't win 3,000 medals \u2014 \"at least\" not  twice.",
    "New York's mayor, Bill de Blasio, met Ban Ki-moon; they talked.  Then he left.",
    "Wbdb w1 w220c6 w0 w634f w10d1 w14e9 w3f w315b.",
    "",
]


@pytest.fixture(scope="module", params=TEXTS)
def doc(request: pytest.FixtureRequest) -> Doc:
    return pipeline()(request.param)


def test_columns_match_the_tokens(doc: Doc) -> None:
    tk = tokens(doc)
    assert tk.text == tuple(t.text for t in doc)
    assert tk.space == tuple(bool(t.whitespace_) for t in doc)
    assert tk.lower == tuple(t.lower_ for t in doc)
    assert tk.tag == tuple(t.tag_ for t in doc)
    assert tk.pos == tuple(t.pos_ for t in doc)
    assert tk.dep == tuple(t.dep_ for t in doc)
    assert tk.head == tuple(t.head.i for t in doc)
    assert tk.ent_type == tuple(t.ent_type_ for t in doc)
    assert tk.like_num == tuple(t.like_num for t in doc)
    assert tk.content == tuple(not t.is_stop and not t.is_punct for t in doc)
    assert tk.punct == tuple(t.is_punct for t in doc)
    assert all(tk.terms[t.i] == frozenset(tokenize(t.text)) for t in doc if t.ent_type_ != "NORP")


def test_paths_are_the_token_and_its_ancestors(doc: Doc) -> None:
    tk = tokens(doc)
    assert [tk.path(t.i) for t in doc] == [[t.i] + [a.i for a in t.ancestors] for t in doc]


def test_span_text_is_spacy_span_text(doc: Doc) -> None:
    tk = tokens(doc)
    for start in range(len(doc)):
        for end in range(start + 1, len(doc) + 1):
            assert tk.span_text(start, end) == doc[start:end].text


def test_the_table_is_read_once_per_doc(doc: Doc) -> None:
    assert tokens(doc) is tokens(doc)


def test_a_peoples_adjective_also_names_its_country() -> None:
    doc = pipeline()("Syrian, Iranian and Chinese officials met French and Turkish envoys.")
    tk = tokens(doc)
    terms = dict(zip(tk.text, tk.terms))
    assert {t: tk.ent_type[tk.text.index(t)] for t in ("Syrian", "Iranian", "French")} == {
        "Syrian": "NORP", "Iranian": "NORP", "French": "NORP"}
    for word, country in [("Syrian", "Syria"), ("Iranian", "Iran"), ("Chinese", "China"),
                          ("French", "France"), ("Turkish", "Turkey")]:
        assert set(tokenize(word)) | set(tokenize(country)) <= terms[word], word
    assert terms["officials"] == frozenset(tokenize("officials"))


def test_demonyms_follow_regular_and_irregular_forms() -> None:
    for word, country in [("Israeli", "Israel"), ("Italian", "Italy"), ("Mexican", "Mexico"),
                          ("Lebanese", "Lebanon"), ("Polish", "Poland"), ("German", "Germany"),
                          ("British", "Britain")]:
        assert tokenize(country)[0] in demonym_terms(word), word
    assert demonym_terms("Kurd") == frozenset()  # too short to rewrite
