"""Telegram failing every way it can: flood control, server errors, dropped connections, slow
answers and polling outages. Every answer still arrives, and arrives once."""
from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from fake_bot_api import FakeBotApi
from retrieval import Engine
from test_telegram_bot import bot_settings, running
from test_telegram_ordering import GatedEngine, quoted

pytestmark = pytest.mark.asyncio(loop_scope="session")
READ_TIMEOUT = 2.0  # seconds the bot waits for Telegram's answer to a request


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def server(seeds_engine: Engine) -> AsyncIterator[FakeBotApi]:
    """The bot on an engine that answers at once ("not found", quoting the question)."""
    engine = GatedEngine(seeds_engine)
    fake = await FakeBotApi().start()
    async with running(bot_settings(fake), engine, fake,  # type: ignore[arg-type]
                       read_timeout=READ_TIMEOUT):
        yield fake
    await fake.stop()


def replies(server: FakeBotApi, chat_id: int) -> tuple[int, int]:
    """(sendMessage calls, those delivered) for a chat."""
    calls = server.sent("sendMessage", chat_id=chat_id)
    return len(calls), len(server.sent("sendMessage", delivered=True, chat_id=chat_id))


@pytest.mark.parametrize("failures", [
    [(429, "Too Many Requests: retry after 1", 1)],
    [(500, "Internal Server Error", None), (502, "Bad Gateway", None)],
], ids=["flood control", "server errors"])
async def test_inline_answers_are_retried_until_delivered(
    server: FakeBotApi, failures: list[tuple[int, str, int | None]]
) -> None:
    for status, description, retry_after in failures:
        server.fail_next("answerInlineQuery", status, description, retry_after)
    query_id = await server.inline_query(f"Who failed {len(failures)} times?")
    (call,) = await server.wait_for("answerInlineQuery", delivered=True, inline_query_id=query_id)
    assert len(server.sent("answerInlineQuery", inline_query_id=query_id)) == len(failures) + 1
    assert call.params["results"][0]["title"] == "Not found in the corpus"


async def test_dropped_connections_are_retried_and_the_answer_arrives_once(
    server: FakeBotApi,
) -> None:
    server.reset_next("sendChatAction")
    server.reset_next("sendMessage")
    server.reset_next("sendMessage")
    await server.message(801, "Who dropped the line?")
    (text,) = await server.texts(801)
    assert quoted(text) == "Who dropped the line?"
    assert replies(server, 801) == (3, 1)


async def test_a_slow_answer_within_the_time_out_is_waited_for(server: FakeBotApi) -> None:
    server.delay_next("sendMessage", READ_TIMEOUT / 10)
    await server.message(802, "Who is slow?")
    await server.texts(802)
    await server.message(802, "Who is next?")  # handled after the first reply's answer came
    texts = await server.texts(802, 2)
    assert [quoted(t) for t in texts] == ["Who is slow?", "Who is next?"]
    assert replies(server, 802) == (2, 2)  # no retry


async def test_a_message_without_an_answer_in_time_is_not_sent_twice(
    server: FakeBotApi, caplog: pytest.LogCaptureFixture
) -> None:
    server.delay_next("sendMessage", READ_TIMEOUT * 2)  # Telegram delivers it, answers late
    await server.message(803, "Who is too slow?")
    await server.message(803, "Who comes after?")
    texts = await server.texts(803, 2)
    assert [quoted(t) for t in texts] == ["Who is too slow?", "Who comes after?"]
    assert replies(server, 803) == (2, 2)  # neither sent twice, no apology
    assert "sendMessage got no answer in time; not sending it again" in caplog.text


async def test_a_user_who_blocked_the_bot_gets_no_apology(
    server: FakeBotApi, caplog: pytest.LogCaptureFixture
) -> None:
    server.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    await server.message(806, "Who blocked the bot?")
    await server.message(806, "Who unblocked it?")
    (text,) = await server.texts(806)
    assert quoted(text) == "Who unblocked it?"
    assert replies(server, 806) == (2, 1)  # the answer that failed, then the next answer
    assert "gave up on an update: Forbidden: bot was blocked by the user" in caplog.text


async def test_polling_resumes_after_get_updates_fails_for_a_while(server: FakeBotApi) -> None:
    await server.wait_polling()  # the long poll already waiting is answered normally
    server.fail_next("getUpdates", 502, "Bad Gateway")
    server.fail_next("getUpdates", 500, "Internal Server Error")
    server.reset_next("getUpdates")
    await server.message(804, "Who asked before the outage?")
    texts = await server.texts(804)
    await server.message(805, "Who asked during the outage?")  # waits until polling resumes
    texts += await server.texts(805)
    assert [quoted(t) for t in texts] == ["Who asked before the outage?",
                                          "Who asked during the outage?"]
    failed = [c for c in server.sent("getUpdates") if not isinstance(c.result, list)]
    assert len(failed) == 3
    assert replies(server, 804) == (1, 1) and replies(server, 805) == (1, 1)
