"""The answer cache, with a counting fake engine."""
from __future__ import annotations

import asyncio
import threading

import pytest

from bot.answer_cache import AnswerCache
from retrieval import Answer, Evidence, Hit

pytestmark = pytest.mark.asyncio(loop_scope="session")


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
    await cache.answer("  Who\n met? ")  # the same question, spaced differently
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


async def test_a_failed_answer_is_not_cached() -> None:
    class FailingOnce(CountingEngine):
        def answer(self, question: str) -> Answer:
            if not self.calls:
                self.calls.append("failed")
                raise RuntimeError("engine failure")
            return super().answer(question)

    engine = FailingOnce()
    cache = AnswerCache(engine)  # type: ignore[arg-type]
    with pytest.raises(RuntimeError):
        await cache.answer("Who met?")
    assert (await cache.answer("Who met?")).text == "Zurich"
