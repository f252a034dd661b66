"""Inline results: the answer first, then distinct passages, or help for short queries."""
from __future__ import annotations

import pytest

from bot.answer_cache import AnswerCache
from bot.inline import MAX_RESULTS, inline_results
from bot.replies import CorpusView, Source
from test_telegram_answer_cache import CountingEngine

pytestmark = pytest.mark.asyncio(loop_scope="session")
CORPUS = CorpusView((Source("000", "Title", 10),), 5, ("Who met?",), "1.0")


async def test_results_are_the_answer_then_distinct_passages_at_most_ten() -> None:
    cache = AnswerCache(CountingEngine())  # type: ignore[arg-type]
    results = await inline_results(cache, CORPUS, "  Who   met? ", "QaTestBot")
    assert len(results) == MAX_RESULTS
    assert results[0].id == "answer" and results[0].title == "Zurich"
    texts = [r.input_message_content.message_text for r in results[1:]]  # type: ignore[union-attr]
    assert len(set(texts)) == len(texts)
    assert all("Quote 0." not in t for t in texts)  # the answer's own quote is not repeated
    first = results[0].input_message_content.message_text  # type: ignore[union-attr]
    assert "❓ <i>Who met?</i>" in first


@pytest.mark.parametrize("query", ["", "ab", "?!?"])
async def test_short_queries_get_one_help_result_without_the_engine(query: str) -> None:
    engine = CountingEngine()
    cache = AnswerCache(engine)  # type: ignore[arg-type]
    results = await inline_results(cache, CORPUS, query, "QaTestBot")
    assert [r.id for r in results] == ["help"]
    message = results[0].input_message_content.message_text  # type: ignore[union-attr]
    assert "@QaTestBot Who met?" in message
    assert engine.calls == []
