"""The neural span reader: windows, inputs, span decoding, abstention and the shipped model."""
from __future__ import annotations

import json

import numpy as np
import pytest

from retrieval.normalize import same
from retrieval.span_reader.abstain import FEATURES, Abstention
from retrieval.span_reader.inputs import Encoder, answer_mask, context_text
from retrieval.span_reader.model import MODEL_DIR, MODEL_FILE, load_settings
from retrieval.span_reader.spans import best_span, no_answer_score
from retrieval.span_reader.training.base import OFFICIAL_SHA256, sha256
from retrieval.span_reader.windows import Window, reading_windows
from retrieval.values import Document, Sentence

TOKENIZER = MODEL_DIR / "tokenizer.json"


def corpus() -> tuple[list[Document], list[Sentence]]:
    docs = [Document("a", "Alpha", "a.txt", "One. Two. Three."),
            Document("b", "Beta", "b.txt", "Four. Five.")]
    spans = [(0, 0, 4), (0, 5, 9), (0, 10, 16), (1, 0, 5), (1, 6, 11)]
    return docs, [Sentence(d, s, e, docs[d].text[s:e]) for d, s, e in spans]


def test_windows_take_neighbours_in_the_same_document_only() -> None:
    docs, sents = corpus()
    (w,) = reading_windows(sents, docs, [(2, 5.0)], k=3)
    assert w.sentences == (1, 2) and w.texts == ("Two.", "Three.") and w.title == "Alpha"
    (w,) = reading_windows(sents, docs, [(3, 5.0)], k=3)
    assert w.sentences == (3, 4)


def test_a_sentence_already_read_opens_no_second_window() -> None:
    docs, sents = corpus()
    windows = reading_windows(sents, docs, [(1, 9.0), (2, 8.0), (4, 7.0)], k=5)
    assert [w.centre for w in windows] == [1, 4]
    assert [w.rank for w in windows] == [0, 2]


def test_context_places_each_sentence_after_the_title() -> None:
    text, starts = context_text("Title", ["First one.", "Second."])
    assert text == "Title\nFirst one. Second."
    assert [text[s:s + 5] for s in starts] == ["First", "Secon"]


def window(texts: tuple[str, ...], centre: int = 0) -> Window:
    ids = tuple(range(len(texts)))
    return Window(0, "A title", ids, texts, ids[centre], 0, 1.0)


def test_a_long_window_drops_its_farthest_neighbours_but_keeps_the_centre() -> None:
    encoder = Encoder(TOKENIZER, max_tokens=40)
    long = " ".join(["word"] * 15) + "."
    e = encoder.encode("who?", window((long, "The centre sentence.", long), centre=1))
    assert "The centre sentence." in e.context
    assert len(e.ids) <= 40
    assert 1 in e.sentences and len(e.sentences) < 3


def test_one_overlong_sentence_is_cut_to_the_budget() -> None:
    encoder = Encoder(TOKENIZER, max_tokens=24)
    e = encoder.encode("who?", window((" ".join(["word"] * 60) + ".",)))
    assert len(e.ids) == 24 and e.ids[-1] == 102  # [SEP] closes it


def test_answers_start_and_end_only_in_the_sentences() -> None:
    e = Encoder(TOKENIZER, 64).encode("Who won?", window(("Ann Lee won the race.",)))
    mask = answer_mask(e, len(e.ids))
    chosen = [e.context[e.offsets[n][0]:e.offsets[n][1]] for n in np.flatnonzero(mask)]
    assert chosen[0] == "ann" or chosen[0] == "Ann"
    assert "title" not in [c.lower() for c in chosen] and "won?" not in chosen


def logits_for(e, first: str, last: str) -> tuple[np.ndarray, np.ndarray]:
    """Start/end logits that point at the tokens spelling `first` and `last`."""
    start = np.full(len(e.ids), -5.0)
    end = np.full(len(e.ids), -5.0)
    for n, off in enumerate(e.offsets):
        if off is None or off[0] < e.first_answer_char:
            continue
        piece = e.context[off[0]:off[1]].lower()
        if piece == first and start.max() < 0:
            start[n] = 5.0
        if piece == last:
            end[n] = 5.0
    return start, end


def test_a_span_is_verbatim_and_widened_to_whole_words() -> None:
    e = Encoder(TOKENIZER, 64).encode("Who?", window(("Talks with Staffan de Mistura (UN) began.",)))
    start, end = logits_for(e, "staff", "ura")
    span = best_span(0, e, start, end)
    assert span is not None and span.text == "Staffan de Mistura"
    assert "Talks with Staffan de Mistura (UN) began."[span.start:span.end] == span.text


def test_edge_punctuation_goes_but_an_abbreviation_keeps_its_stops() -> None:
    e = Encoder(TOKENIZER, 64).encode("Who?", window(('He met the "U.S." envoy.',)))
    start, end = logits_for(e, '"', '"')
    span = best_span(0, e, start, end)
    assert span is not None and span.text == "U.S."


def test_no_answer_sums_every_windows_no_answer() -> None:
    start = np.array([[0.0, 1.0], [0.0, 1.0]])
    end = np.array([[0.0, 1.0], [0.0, 1.0]])
    assert no_answer_score(start, end) == pytest.approx(2 * np.log(2))


def test_the_same_answer_in_other_words() -> None:
    assert same("Lavrov", "Sergei Lavrov")
    assert same("Sergei Lavrov", "Sergey Lavrov")
    assert same("Bashar al-Assad", "Bashar Assad")
    assert not same("1,000", "3,000")


def test_abstention_before_any_fit_is_the_models_own_verdict() -> None:
    a = Abstention.from_settings(None)
    features = dict.fromkeys(FEATURES, 0.0)
    assert a.probability({**features, "margin": 2.0}) > a.threshold
    assert a.probability({**features, "margin": -2.0}) < a.threshold


def test_the_fitted_abstention_trusts_a_larger_margin_more() -> None:
    a = Abstention.from_settings(load_settings()["abstain"])
    features = dict(zip(FEATURES, a.means))
    assert a.probability({**features, "margin": a.means[0] + 10}) > a.probability(features)


def test_the_shipped_model_has_its_provenance() -> None:
    settings = load_settings()
    made = settings["provenance"]
    assert made["base"]["sha256"] == OFFICIAL_SHA256
    assert sha256(MODEL_DIR / MODEL_FILE) == made["model_sha256"]
    assert set(settings["abstain"]["features"]) == set(FEATURES)
    assert json.loads((MODEL_DIR / "encoder_config.json").read_text())["hidden_size"] == 384
