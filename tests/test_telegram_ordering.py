"""Chats answered at once, each in the order it asked: a slow question holds up its chat only."""
from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

import pytest

from bot.ordering import PerChatOrder
from fake_bot_api import FakeBotApi, telegram_html_text
from retrieval import Answer, Engine
from test_telegram_bot import bot_settings, running

pytestmark = pytest.mark.asyncio(loop_scope="session")


class GatedEngine:
    """The seed corpus's documents; answers "not found" (the reply quotes the question), and
    holds questions that start with "slow" until released."""

    def __init__(self, engine: Engine) -> None:
        self.documents, self.sentences = engine.documents, engine.sentences
        self.release = threading.Event()
        self.asked: list[str] = []

    def answer(self, question: str) -> Answer:
        self.asked.append(question)
        if question.startswith("slow"):
            self.release.wait(20)
        return Answer(question, None, None, (), 0.0, reason="not_found")


async def eventually(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Poll `condition` until it holds; fail after `timeout` seconds."""
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)


def quoted(html: str) -> str:
    """The question a "not found" reply quotes."""
    return telegram_html_text(html).split("“")[1].split("”")[0]


async def test_a_chat_gets_its_answers_in_order_while_other_chats_go_ahead(
    seeds_engine: Engine,
) -> None:
    engine = GatedEngine(seeds_engine)
    fake = await FakeBotApi().start()
    try:
        async with running(bot_settings(fake), engine, fake) as app:  # type: ignore[arg-type]
            asked = ["slow one", "two", "three", "four"]
            await fake.deliver([{"message": fake.make_message(701, q)} for q in asked]
                               + [{"message": fake.make_message(702, "other chat")}])
            (other,) = await fake.texts(702)  # answered while chat 701's first question waits
            assert quoted(other) == "other chat"
            assert engine.asked == ["slow one", "other chat"]  # 701's next ones wait their turn
            engine.release.set()
            texts = await fake.texts(701, 4)
            assert [quoted(t) for t in texts] == asked
            processor = app.update_processor
            assert isinstance(processor, PerChatOrder)
            await eventually(lambda: not processor._turns)  # quiet chats are forgotten
    finally:
        engine.release.set()
        await fake.stop()
