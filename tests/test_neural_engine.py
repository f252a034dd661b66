"""The engine with the shipped neural reader, end to end on real corpora."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from retrieval import Engine, EngineConfig
from retrieval.evaluate import score
from retrieval.span_reader.inputs import Encoder
from retrieval.span_reader.model import MODEL_DIR
from retrieval.span_reader.training.examples import answer_spans
from retrieval.span_reader.windows import Window
from retrieval.values import shown
from tests.conftest import SHARED, write_corpus

QUESTIONS = Path(__file__).resolve().parent.parent / "questions"


def test_the_example_question_is_answered_with_every_source(seeds_engine: Engine) -> None:
    a = seeds_engine.answer("When were the Syria talks due to start?")
    assert a.text == "January 25"
    assert a.quote == "The Syria peace talks are due to begin on January 25."
    assert {"000", "001", "003"} <= set(a.sources)
    assert a.trace is not None and a.trace.reader == "neural"
    assert a.trace.score >= a.trace.threshold


def test_every_answer_is_verbatim_in_its_quote_and_the_quote_in_its_source(seeds_engine: Engine) -> None:
    # word for word: a run of spaces or a line break is shown as one space
    texts = {d.source: shown(d.text) for d in seeds_engine.documents}
    for q in ("Who is the Russian foreign minister?", "How many civilians have Russian air strikes killed?",
              "syria talks start date", "where did kerry and lavrov meet"):
        a = seeds_engine.answer(q)
        assert a.text is not None, q
        assert a.text in a.quote
        for e in a.evidence:
            assert e.quote in texts[e.source]


def test_general_knowledge_is_not_answered_from_the_seeds(seeds_engine: Engine) -> None:
    for q in ("What is the capital of France?", "Who wrote Hamlet?", "How tall is Mount Everest?",
              "What is the boiling point of water?", "Who painted the Mona Lisa?"):
        assert seeds_engine.answer(q).text is None, q


def test_an_abstention_carries_its_score_and_threshold(seeds_engine: Engine) -> None:
    a = seeds_engine.answer("What is the capital of France?")
    assert a.text is None and a.reason in ("low_confidence", "not_found")
    if a.trace is not None:
        assert a.trace.score < a.trace.threshold
    assert a.to_json()["answer"] is None


def test_a_threshold_of_zero_answers_what_the_fitted_one_declines(tmp_path: Path) -> None:
    folder = write_corpus(tmp_path, {"a.txt": "Harbour news\n\nThe ferry leaves the harbour at 7 am."})
    strict = Engine.from_folder(folder, EngineConfig(abstain_threshold=1.0))
    eager = Engine.from_folder(folder, EngineConfig(abstain_threshold=0.0))
    q = "When does the ferry leave?"
    assert strict.answer(q).text is None
    assert eager.answer(q).text == "7 am"


def test_training_labels_every_quoted_occurrence_and_nothing_in_the_title() -> None:
    encoder = Encoder(MODEL_DIR / "tokenizer.json", 96)
    w = Window(0, "Lyon top the group", (0, 1), ("Lyon won the group.", "Milan came second to Lyon."), 0, 0, 1.0)
    e = encoder.encode("Who won the group?", w)
    spans = answer_spans(e, ["Lyon"])
    assert len(spans) == 2
    assert all(e.offsets[s][0] >= e.first_answer_char for s, _ in spans)
    assert answer_spans(e, ["Paris"]) == []


def rows(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


# Floors a little under the dev figures of the shipped model (README); the dev part only:
# the test part is never used to decide anything, a gate included.
def test_seed_dev_questions_keep_their_score(seeds_engine: Engine) -> None:
    gold = rows(QUESTIONS / "dev" / "seeds.jsonl")
    preds = [seeds_engine.answer(r["question"]) for r in gold]
    s = score(gold, [{"answer": a.text, "sources": list(a.sources)} for a in preds])
    assert s.overall >= FLOORS["seeds dev"]
    assert s.cite_p >= 0.95


@pytest.mark.skipif(not (SHARED / "corpora" / "bbc-news").is_dir(), reason="needs ../shared")
def test_bbc_dev_questions_keep_their_score(tmp_path_factory: pytest.TempPathFactory) -> None:
    engine = Engine.from_folder(SHARED / "corpora" / "bbc-news", EngineConfig(),
                                tmp_path_factory.mktemp("bbc-index"))
    gold = rows(QUESTIONS / "dev" / "bbc.jsonl")
    preds = [engine.answer(r["question"]) for r in gold]
    s = score(gold, [{"answer": a.text, "sources": list(a.sources)} for a in preds])
    assert s.overall >= FLOORS["bbc dev"]
    assert s.abstained / s.unanswerable >= 0.72  # measured 0.76 (130/172)


FLOORS = {"seeds dev": 0.60, "bbc dev": 0.70}  # measured 0.69 and 0.75
