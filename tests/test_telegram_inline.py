"""Inline results and the answer cache, with a counting fake engine."""
from __future__ import annotations

import asyncio
import threading

import pytest

from bot.inline import MAX_RESULTS, AnswerCache, inline_results
from bot.replies import CorpusView, Source
from retrieval import Answer, Evidence, Hit

pytestmark = pytest.mark.asyncio(loop_scope="session")
CORPUS = CorpusView((Source("000", "Title", 10),), 5, ("Who met?",), "1.0")


class CountingEngine:
    """Answers every question with many supporting passages; counts calls; can be held."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.release = threading.Event()
        self.release.set()

    def answer(self, question: str) -> Answer:
        self.release.wait(10)
        self.calls.append(question)
        evidence = tuple(Evidence("000", "Title", f"Quote {i}.", "Zurich") for i in range(15))
        hits = tuple(Hit(i, "000", "Title", f"Quote {i}.", 1.0) for i in range(5))
        return Answer(question, "Zurich", "Quote 0.", ("000",), 0.9, evidence, passages=hits)


async def test_identical_questions_share_one_engine_call() -> None:
    engine = CountingEngine()
    cache = AnswerCache(engine)  # type: ignore[arg-type]
    answers = await asyncio.gather(*(cache.answer("Who met?") for _ in range(5)))
    await cache.answer("Who met?")
    assert engine.calls == ["Who met?"]
    assert all(a is answers[0] for a in answers)


async def test_answers_expire_and_the_cache_is_bounded() -> None:
    engine = CountingEngine()
    expired = AnswerCache(engine, ttl=-1)  # type: ignore[arg-type]
    await expired.answer("a")
    await expired.answer("a")
    assert engine.calls == ["a", "a"]
    small = AnswerCache(engine, size=2)  # type: ignore[arg-type]
    for question in ["b", "c", "d", "b"]:
        await small.answer(question)
    assert engine.calls[2:] == ["b", "c", "d", "b"]  # b was evicted by d


async def test_a_cancelled_query_does_not_cancel_the_shared_answer() -> None:
    engine = CountingEngine()
    engine.release.clear()
    cache = AnswerCache(engine)  # type: ignore[arg-type]
    impatient = asyncio.ensure_future(cache.answer("Who met?"))
    patient = asyncio.ensure_future(cache.answer("Who met?"))
    await asyncio.sleep(0)
    impatient.cancel()
    engine.release.set()
    assert (await patient).text == "Zurich"
    assert engine.calls == ["Who met?"]


async def test_results_are_the_answer_then_distinct_passages_at_most_ten() -> None:
    cache = AnswerCache(CountingEngine())  # type: ignore[arg-type]
    results = await inline_results(cache, CORPUS, "  Who   met? ", "QaTestBot")
    assert len(results) == MAX_RESULTS
    assert results[0].id == "answer" and results[0].title == "Zurich"
    texts = [r.input_message_content.message_text for r in results[1:]]  # type: ignore[union-attr]
    assert len(set(texts)) == len(texts)
    assert all("Quote 0." not in t for t in texts)  # the answer's own quote is not repeated
    assert "❓ <i>Who met?</i>" in results[0].input_message_content.message_text  # type: ignore[union-attr]


@pytest.mark.parametrize("query", ["", "ab", "?!?"])
async def test_short_queries_get_one_help_result_without_the_engine(query: str) -> None:
    engine = CountingEngine()
    results = await inline_results(AnswerCache(engine), CORPUS, query, "QaTestBot")  # type: ignore[arg-type]
    assert [r.id for r in results] == ["help"]
    assert "@QaTestBot Who met?" in results[0].input_message_content.message_text  # type: ignore[union-attr]
    assert engine.calls == []
