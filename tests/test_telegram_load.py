"""Load and soak (`make test-load`): the bot as a process, many chats asking at once through
the fake Bot API. Each test prints throughput, latency and (soak) the bot's memory.

The bot runs without Telegram's flood limits (30 messages a second would cap it), so the figures
measure the bot and the engine; it has a core to itself, the fake Bot API and the test the other.
"""
from __future__ import annotations

import signal
import statistics
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
import pytest_asyncio

from bot.replies import CorpusView, answer_html
from fake_bot_api import USER, Call, FakeBotApi
from retrieval import Engine
from test_telegram_cli import START_TIMEOUT, Qabot, bot_env

pytestmark = [pytest.mark.load, pytest.mark.asyncio(loop_scope="session")]
LOAD_BOT = Path(__file__).parent / "load_bot.py"
CHATS = 50  # half private chats, half groups where the bot is mentioned
CHECKED_CHATS = 10  # chats whose every answer is compared with the engine's own
BASE = (
    "When were the Syria talks due to start?", "Who is the Russian foreign minister?",
    "Who is the US Secretary of State?", "Where did Kerry and Lavrov meet?",
    "How many children have the coalition strikes killed?", "Who leads the peace process?",
    "Which rebel-held area near Damascus was hit by heavy air strikes?",
    "When did Russia veto the French-drafted resolution?", "Who mediates the UN talks?",
    "Which groups does Russia call terrorists?", "What did Lavrov say about the opposition?",
    "Who accused France of luring Moscow into a veto?", "How many people have the strikes killed?",
    "Which city hosted the talks between Kerry and Lavrov?", "Who supports the rebels?",
    "What does the United States want from Russia?", "When will the talks resume?",
    "Who is eligible to join the peace talks?", "Where is Islamic State fighting?",
    "Which countries back Assad?",
)


class LoadedBot:
    """The bot process and the fake Bot API it polls, and how long this machine's engine takes
    over one fresh question."""

    def __init__(self, fake: FakeBotApi, bot: Qabot, pace: float) -> None:
        self.fake, self.bot, self.pace = fake, bot, pace

    def patience(self, fresh: int) -> float:
        """How long to wait for `fresh` questions the engine has not seen: five times this
        machine's pace and a minute more. A hang guard, not a speed limit: the int8 reader
        takes 0.05 s a question on a CPU with VNNI and 0.4 s on one with AVX2 only."""
        return 60 + 5 * fresh * self.pace

    def resident_mb(self) -> float:
        return psutil.Process(self.bot.process.pid).memory_info().rss / 2**20

    async def ask(
        self, questions: list[tuple[int, str]], timeout: float
    ) -> tuple[float, list[Call]]:
        """Deliver every (chat, question) at once; wait for as many answers. Returns the start
        time and the answers, then forgets them (long runs keep the test's memory flat)."""
        fake = self.fake
        before = fake.delivered("sendMessage")
        updates = [asking(fake, chat, question) for chat, question in questions]
        start = time.monotonic()
        await fake.deliver(updates)
        await fake.wait_delivered("sendMessage", before + len(updates), timeout=timeout)
        await fake.wait_polling()  # nothing more in hand: the bot asks for more updates
        answers = fake.sent("sendMessage")
        self.asked = updates
        fake.forget()
        return start, answers


def pace(engine: Engine, count: int = 10) -> float:
    """Seconds this machine's engine takes over one question it has not answered before."""
    engine.answer(BASE[0])  # the first answer loads the model
    start = time.monotonic()
    for k in range(count):
        engine.answer(f"{BASE[k % len(BASE)]} (pace {k})")
    return (time.monotonic() - start) / count


def chat_ids() -> list[int]:
    return [1000 + i if i % 2 else -2000 - i for i in range(CHATS)]


def asking(fake: FakeBotApi, chat_id: int, question: str) -> dict[str, Any]:
    """A question from the chat's own user: a message, or a mention of the bot in a group."""
    user = {**USER, "id": 10_000 + abs(chat_id), "first_name": f"User{abs(chat_id)}"}
    if chat_id < 0:
        text = f"@QaTestBot {question}"
        return {"message": fake.make_message(chat_id, text, group=True, user=user)}
    return {"message": fake.make_message(chat_id, question, user=user)}


def report(name: str, count: int, seconds: float, latencies: list[float], extra: str = "") -> None:
    """One line of figures on the terminal, past pytest's capture."""
    cuts = statistics.quantiles(latencies, n=100)
    print(f"\n{name}: {count} questions in {seconds:.1f} s = {count / seconds:.1f} answers/s; "
          f"latency p50 {cuts[49] * 1000:.0f} ms, p95 {cuts[94] * 1000:.0f} ms{extra}", flush=True)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def loaded(
    tmp_path_factory: pytest.TempPathFactory, seeds_engine: Engine
) -> AsyncIterator[LoadedBot]:
    seconds = pace(seeds_engine)  # measured before the bot starts: nothing else runs
    fake = await FakeBotApi().start()
    env = bot_env(fake, QABOT_RATE_LIMIT_PER_MINUTE="10000")  # counted, never reached
    bot = await Qabot.start(env=env, cwd=tmp_path_factory.mktemp("load"),
                            program=(sys.executable, str(LOAD_BOT)))
    try:
        await fake.wait_polling(timeout=START_TIMEOUT)
        yield LoadedBot(fake, bot, seconds)
        assert await bot.stop(signal.SIGTERM) == 0
    finally:
        bot.kill()
        await fake.stop()
    assert "Traceback" not in bot.output and fake.token not in bot.output


async def test_a_thousand_questions_from_fifty_chats_at_once(
    loaded: LoadedBot, seeds_engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    per_chat = 20
    asked = {c: [f"{BASE[(i + t) % len(BASE)]} ({abs(c)}/{t})" for t in range(per_chat)]
             for i, c in enumerate(chat_ids())}  # all distinct: every one is the engine's work
    questions = [(c, asked[c][t]) for t in range(per_chat) for c in asked]
    start, answers = await loaded.ask(questions, timeout=loaded.patience(len(questions)))
    seconds = max(a.at for a in answers) - start
    assert len(answers) == CHATS * per_chat  # answered once each: no repeats, no failures
    corpus = CorpusView.of(seeds_engine, ())
    for n, (chat, questions) in enumerate(asked.items()):
        got = [a for a in answers if a.params["chat_id"] == chat]
        assert len(got) == per_chat
        if chat < 0:  # in groups each answer replies to its question: in the order asked
            ids = [u["message"]["message_id"] for u in loaded.asked
                   if u["message"]["chat"]["id"] == chat]
            assert [a.params["reply_parameters"]["message_id"] for a in got] == ids
        if n < CHECKED_CHATS:  # the right answers, in the order asked
            expected = [answer_html(seeds_engine.answer(q), corpus) for q in questions]
            assert [a.params["text"] for a in got] == expected
    with capsys.disabled():
        report("load", len(answers), seconds, [a.at - start for a in answers],
               f" ({CHATS} chats, all questions distinct)")


def soak_questions(count: int, hot: int = 200, fresh_every: int = 50) -> Iterator[str]:
    """Mostly a pool of popular questions (the answer cache serves them once asked), and one in
    `fresh_every` never asked before (the engine answers it)."""
    for k in range(count):
        if k % fresh_every == 0:
            yield f"{BASE[k % len(BASE)]} #{k}"
        else:
            yield f"{BASE[k % len(BASE)]} ({k % hot})"


async def test_a_soak_of_ten_thousand_questions_keeps_memory_flat(
    loaded: LoadedBot, capsys: pytest.CaptureFixture[str]
) -> None:
    waves, per_chat, warm_up = 20, 10, 2  # 500 questions a wave; the first 1,000 warm up
    questions = soak_questions(waves * per_chat * CHATS)
    latencies: list[float] = []
    for wave in range(waves):
        if wave == warm_up:
            baseline, began, latencies = loaded.resident_mb(), time.monotonic(), []
        batch = [(c, next(questions)) for _ in range(per_chat) for c in chat_ids()]
        start, answers = await loaded.ask(batch, timeout=loaded.patience(len(batch)))
        assert len(answers) == len(batch)  # once each
        assert sorted(a.params["chat_id"] for a in answers) == sorted(c for c, _ in batch)
        latencies += [a.at - start for a in answers]
    seconds = time.monotonic() - began
    final = loaded.resident_mb()
    growth = (final - baseline) / baseline
    with capsys.disabled():
        report("soak", len(latencies), seconds, latencies,
               f" (waves of 500); bot RSS {baseline:.0f} -> {final:.0f} MB ({growth:+.1%})"
               " after a 1,000-question warm-up")
    assert growth < 0.10
