"""The real python-telegram-bot Application, over real HTTP, against the fake Bot API."""
from __future__ import annotations

import datetime as dt
import html
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from conftest import SEEDS, write_corpus
from fake_bot_api import BOT_USER, USER, FakeBotApi, telegram_html_text
from telegram.ext import Application

from bot.examples import example_questions
from bot.html_split import split_html
from bot.questions import deep_link
from bot.replies import CorpusView, answer_html, sources_html
from bot.settings import Settings
from bot.telegram_app import build_application
from prompts import render
from retrieval import Engine

pytestmark = pytest.mark.asyncio(loop_scope="session")
# The engine is still improving, so the tests ask the first of these that it answers today.
ANSWERABLE = (
    "Who is the Russian foreign minister?",
    "Who is the US Secretary of State?",
    "Which rebel-held area near Damascus was hit by heavy air strikes?",
    "When did Russia veto the French-drafted resolution?",
    "Who accused France of deliberately luring Moscow into vetoing the resolution?",
    "Where did Kerry and Lavrov meet?",
)
NOT_FOUND = "What is the capital of Zanzibar on Mars?"
MENTION = f"@{BOT_USER['username']}"


def bot_settings(server: FakeBotApi, corpus: Path = SEEDS, **overrides: object) -> Settings:
    # Every test message comes from one user: no question limit unless a test sets one; inline
    # queries are answered without waiting for more typing unless a test waits.
    overrides = {"rate_limit_per_minute": 0, "inline_debounce_seconds": 0, **overrides}
    return Settings(
        _env_file=None, telegram_token=server.token, telegram_api_base_url=server.base_url,
        corpus_dir=corpus, **overrides,
    )


@asynccontextmanager
async def running(
    settings: Settings, engine: Engine, server: FakeBotApi, **options: Any
) -> AsyncIterator[Application]:
    """What run_polling does, inside the test's event loop: start, wait until polling, stop.
    `options` go to build_application."""
    app = build_application(settings, engine, **{"retry_delay": 0.05, **options})
    await app.initialize()
    assert app.post_init is not None
    await app.post_init(app)
    assert app.updater is not None
    await app.updater.start_polling(timeout=dt.timedelta(seconds=5))
    await app.start()
    await server.wait_polling()
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        assert app.post_stop is not None
        await app.post_stop(app)
        await app.shutdown()


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def server(seeds_engine: Engine) -> AsyncIterator[FakeBotApi]:
    """The fake Bot API with the seed-corpus bot polling it (stopped before the server)."""
    fake = await FakeBotApi().start()
    async with running(bot_settings(fake), seeds_engine, fake):
        yield fake
    await fake.stop()


@pytest.fixture(scope="module")
def found(seeds_engine: Engine) -> str:
    """A question the engine answers from the seed corpus."""
    for question in ANSWERABLE:
        if seeds_engine.answer(question).found:
            return question
    pytest.fail(f"the engine answers none of {ANSWERABLE}")


@pytest.fixture(scope="module")
def corpus(seeds_engine: Engine) -> CorpusView:
    return CorpusView.of(seeds_engine, example_questions(SEEDS))


def expected(engine: Engine, corpus: CorpusView, question: str, show_question: bool = False) -> str:
    return answer_html(engine.answer(question), corpus, show_question)


async def test_commands_are_registered_at_start_up(server: FakeBotApi) -> None:
    (call,) = await server.wait_for("setMyCommands")
    names = [c["command"] for c in call.params["commands"]]
    assert names == ["start", "help", "ask", "sources", "about"]


async def test_private_question_gets_answer_quote_and_sources(
    found: str, server: FakeBotApi, seeds_engine: Engine, corpus: CorpusView
) -> None:
    answer = seeds_engine.answer(found)
    assert answer.found
    await server.message(101, found)
    (text,) = await server.texts(101)
    assert text == answer_html(answer, corpus)
    assert f"<b>{answer.text}</b>" in text
    assert "<blockquote>" in text and "Source" in text
    for source in answer.sources:
        assert f"{source} {corpus.titles[source]}" in telegram_html_text(text)
    assert server.sent("sendChatAction", chat_id=101, action="typing")
    (call,) = server.sent("sendMessage", chat_id=101)
    assert call.params["parse_mode"] == "HTML"
    assert call.params["link_preview_options"] == {"is_disabled": True}
    assert "reply_parameters" not in call.params  # no quoting in a private chat


async def test_not_found_is_a_distinct_friendly_reply(
    server: FakeBotApi, seeds_engine: Engine
) -> None:
    assert not seeds_engine.answer(NOT_FOUND).found
    await server.message(102, NOT_FOUND)
    (text,) = await server.texts(102)
    assert "Not found in the corpus" in text and NOT_FOUND in text


async def test_html_in_a_question_is_escaped(server: FakeBotApi) -> None:
    question = "<b>Zanzibar</b> & <i>Quux</i>?"
    await server.message(103, question)
    (text,) = await server.texts(103)
    assert "&lt;b&gt;Zanzibar&lt;/b&gt; &amp; &lt;i&gt;Quux&lt;/i&gt;?" in text
    assert question in telegram_html_text(text)


@pytest.mark.parametrize("chat_id,prefix", [(-1001, MENTION), (-1002, f"/ask{MENTION}")])
async def test_group_mention_or_ask_is_answered_in_the_thread(
    chat_id: int, prefix: str, found: str, server: FakeBotApi, seeds_engine: Engine,
    corpus: CorpusView,
) -> None:
    asked = await server.message(chat_id, f"{prefix} {found}", group=True)
    (text,) = await server.texts(chat_id)
    assert text == expected(seeds_engine, corpus, found)
    (call,) = server.sent("sendMessage", chat_id=chat_id)
    assert call.params["reply_parameters"]["message_id"] == asked["message_id"]


async def test_group_reply_to_the_bot_is_answered(
    found: str, server: FakeBotApi, seeds_engine: Engine, corpus: CorpusView
) -> None:
    await server.message(-1003, f"/ask {NOT_FOUND}", group=True)
    (first,) = await server.wait_for("sendMessage", chat_id=-1003)
    asked = await server.message(-1003, found, group=True, reply_to=first.result)
    texts = await server.texts(-1003, 2)
    assert texts[1] == expected(seeds_engine, corpus, found)
    answer_call = server.sent("sendMessage", chat_id=-1003)[1]
    assert answer_call.params["reply_parameters"]["message_id"] == asked["message_id"]


async def test_group_chatter_gets_no_reply(found: str, server: FakeBotApi) -> None:
    await server.message(-1004, found, group=True)  # a question, but not to the bot
    await server.message(-1004, f"/ask@SomeOtherBot {found}", group=True)
    await server.message(-1004, f"@SomeOtherBot {found}", group=True)
    # Updates are handled in order of arrival and the chatter needs no engine call, so once the
    # bot answers this later question, it has already decided to ignore the chatter.
    await server.message(-1004, f"{MENTION} {found}", group=True)
    await server.texts(-1004)
    assert len(server.sent("sendMessage", chat_id=-1004)) == 1
    assert len(server.sent("sendChatAction", chat_id=-1004)) == 1


async def test_inline_query_offers_the_answer_first_then_passages(
    found: str, server: FakeBotApi, seeds_engine: Engine, corpus: CorpusView
) -> None:
    answer = seeds_engine.answer(found)
    query_id = await server.inline_query(found)
    (call,) = await server.wait_for("answerInlineQuery", inline_query_id=query_id)
    results = call.params["results"]
    assert 2 <= len(results) <= 10
    first = results[0]
    assert first["title"] == answer.text
    assert answer.sources[0] in first["description"]
    message = first["input_message_content"]["message_text"]
    assert message == expected(seeds_engine, corpus, found, show_question=True)
    assert all(r["type"] == "article" for r in results)
    assert len({r["id"] for r in results}) == len(results)
    for result in results:
        telegram_html_text(result["input_message_content"]["message_text"])  # valid HTML
    assert call.params["cache_time"] == 30


@pytest.mark.parametrize("query", ["", "ab", "  ?! "])
async def test_short_inline_query_gets_help(server: FakeBotApi, query: str) -> None:
    query_id = await server.inline_query(query)
    (call,) = await server.wait_for("answerInlineQuery", inline_query_id=query_id)
    (result,) = call.params["results"]
    assert result["id"] == "help"
    assert MENTION in result["input_message_content"]["message_text"]


async def test_inline_html_is_escaped_in_messages_not_titles(server: FakeBotApi) -> None:
    query_id = await server.inline_query("<b>Zanzibar</b> & Quux?")
    (call,) = await server.wait_for("answerInlineQuery", inline_query_id=query_id)
    message = call.params["results"][0]["input_message_content"]["message_text"]
    assert "&lt;b&gt;Zanzibar&lt;/b&gt; &amp; Quux?" in message
    assert "<b>Zanzibar</b> & Quux?" in telegram_html_text(message)


async def test_start_shows_examples_and_buttons_that_answer(
    server: FakeBotApi, seeds_engine: Engine, corpus: CorpusView
) -> None:
    await server.message(104, "/start")
    (call,) = await server.wait_for("sendMessage", chat_id=104)
    for question in corpus.examples:
        assert f"<code>{question}</code>" in call.params["text"]
    buttons = [row[0] for row in call.params["reply_markup"]["inline_keyboard"]]
    assert [b["text"] for b in buttons] == list(corpus.examples) and len(buttons) == 3
    await server.callback_query(call.result, buttons[0]["callback_data"])
    texts = await server.texts(104, 2)
    assert texts[1] == expected(seeds_engine, corpus, corpus.examples[0], show_question=True)
    assert server.sent("answerCallbackQuery")


async def test_each_source_has_a_button_that_shows_the_quote_in_its_context(
    server: FakeBotApi, seeds_engine: Engine, corpus: CorpusView
) -> None:
    question = "When were the Syria talks due to start?"
    answer = seeds_engine.answer(question)
    await server.message(160, question)
    (call,) = await server.wait_for("sendMessage", chat_id=160)
    buttons = [row[0] for row in call.params["reply_markup"]["inline_keyboard"]]
    first = answer.evidence[0]
    cited = [b["text"].split()[1] for b in buttons]  # "📄 000 Title": the quoted source first
    assert cited[0] == first.source and sorted(cited) == list(answer.sources)
    await server.callback_query(call.result, buttons[0]["callback_data"])
    shown = html.unescape((await server.texts(160, 2))[1])
    assert f"<b>{first.quote}</b>" in shown  # the quote, in bold
    found = seeds_engine.context(first.passage or 0)
    assert found is not None and (found.before or found.after)
    assert (found.before or found.after) in shown  # and the sentences around it
    assert server.sent("answerCallbackQuery")
    await server.callback_query(call.result, "src:0:99999999")  # no such sentence
    assert "no longer in the corpus" in (await server.texts(160, 3))[2]
    key, passage = buttons[0]["callback_data"].removeprefix("src:").split(":")
    await server.callback_query(call.result, f"src:{key}x:{passage}")  # from another index
    assert "no longer in the corpus" in (await server.texts(160, 4))[3]


async def test_start_with_a_deep_link_payload_answers_it(
    server: FakeBotApi, seeds_engine: Engine, corpus: CorpusView
) -> None:
    link = deep_link(BOT_USER["username"], NOT_FOUND)
    assert link is not None
    await server.message(105, "/start " + link.split("?start=")[1])
    (text,) = await server.texts(105)
    assert text == expected(seeds_engine, corpus, NOT_FOUND)


async def test_help_sources_and_about(server: FakeBotApi, seeds_engine: Engine) -> None:
    await server.message(106, "/help")
    (help_text,) = await server.texts(106)
    assert MENTION in help_text and "/ask" in help_text
    await server.message(106, "/sources")
    sources = (await server.texts(106, 2))[1]
    for doc in seeds_engine.documents:
        assert f"<code>{doc.source}</code>" in sources
    assert "Kerry, Lavrov expect Syria peace talks" in sources
    await server.message(106, "/about")
    about = (await server.texts(106, 3))[2]
    assert f"{len(seeds_engine.documents)} documents" in about and "qabot " in about


async def test_flood_control_is_waited_out_and_the_answer_arrives(
    found: str, server: FakeBotApi, seeds_engine: Engine, corpus: CorpusView
) -> None:
    server.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    await server.message(107, found)
    (text,) = await server.texts(107)
    assert text == expected(seeds_engine, corpus, found)
    failed, sent = server.sent("sendMessage", chat_id=107)
    assert failed.params["text"] == sent.params["text"]


async def test_server_errors_are_retried(
    found: str, server: FakeBotApi, seeds_engine: Engine, corpus: CorpusView
) -> None:
    server.fail_next("sendMessage", 502, "Bad Gateway")
    server.fail_next("sendMessage", 500, "Internal Server Error")
    await server.message(108, found)
    (text,) = await server.texts(108)
    assert text == expected(seeds_engine, corpus, found)
    assert len(server.sent("sendMessage", chat_id=108)) == 3


async def test_a_failing_handler_apologises_and_the_bot_keeps_answering(
    found: str, server: FakeBotApi, seeds_engine: Engine, corpus: CorpusView,
    caplog: pytest.LogCaptureFixture,
) -> None:
    server.fail_next("sendMessage", 400, "Bad Request: message to be replied not found")
    await server.message(109, found)
    (apology,) = await server.texts(109)
    assert apology == render("apology.html")
    assert "could not handle an update" in caplog.text
    await server.message(109, found)
    assert (await server.texts(109, 2))[1] == expected(seeds_engine, corpus, found)


async def test_long_replies_are_split_and_corpus_text_escaped(tmp_path: Path) -> None:
    # <widgets> is no HTML tag, so the title keeps it (and the reply must escape it)
    files = {f"{i:03d}_doc.txt": f"Report {i} on AT&T <widgets> & gadgets from the northern "
             f"factory\n\nFactory {i} made {i * 7} widgets. Its manager was Person{i}.\n"
             for i in range(120)}
    engine = Engine.from_folder(write_corpus(tmp_path, files))
    parts = split_html(sources_html(CorpusView.of(engine, ())))
    assert len(parts) >= 2
    fake = await FakeBotApi().start()
    try:
        async with running(bot_settings(fake, tmp_path), engine, fake):
            await fake.message(201, "/sources")
            assert await fake.texts(201, len(parts)) == parts  # Telegram accepted each
    finally:
        await fake.stop()
    shown = "\n".join(telegram_html_text(p) for p in parts)
    assert "AT&T <widgets>" in shown
    for i in range(100):
        assert f"{i:03d} Report {i} on AT&T" in shown
    assert "and 20 more" in shown


async def test_chats_outside_allowed_chat_ids_are_ignored(found: str, seeds_engine: Engine) -> None:
    fake = await FakeBotApi().start()
    try:
        async with running(bot_settings(fake, allowed_chat_ids=[301]), seeds_engine, fake):
            await fake.message(302, found)
            await fake.inline_query(found)
            await fake.message(301, found)
            await fake.wait_for("sendMessage", chat_id=301)
    finally:
        await fake.stop()
    assert not fake.sent("sendMessage", chat_id=302)
    assert not fake.sent("answerInlineQuery")


async def test_a_user_over_the_question_limit_is_asked_to_slow_down_once(
    found: str, seeds_engine: Engine, corpus: CorpusView
) -> None:
    fake = await FakeBotApi().start()
    try:
        async with running(bot_settings(fake, rate_limit_per_minute=2), seeds_engine, fake):
            for _ in range(4):
                await fake.message(401, found)
            await fake.message(402, found, user={**USER, "id": 43})  # someone else
            await fake.texts(402)
            texts = await fake.texts(401, 3)
    finally:
        await fake.stop()
    assert texts.count(expected(seeds_engine, corpus, found)) == 2
    assert render("slow_down.html", per_minute=2) in texts
    assert len(fake.sent("sendMessage", chat_id=401)) == 3  # the fourth question: silence


async def test_the_fake_bot_api_reads_json_and_form_bodies_and_checks_the_token(
    server: FakeBotApi,
) -> None:
    url = f"{server.base_url}{server.token}/sendMessage"
    async with aiohttp.ClientSession() as session:
        async with session.post(url, json={"chat_id": 501, "text": "<b>json</b>"}) as response:
            assert (await response.json())["result"]["text"] == "<b>json</b>"  # plain text
        form = {"chat_id": "501", "text": "123", "parse_mode": "HTML",
                "reply_markup": '{"inline_keyboard": []}'}
        async with session.post(url, data=form) as response:
            assert (await response.json())["result"]["text"] == "123"
        async with session.post(f"{server.base_url}wrong/getMe") as response:
            assert response.status == 401
    json_call, form_call = server.sent("sendMessage", chat_id=501)
    assert json_call.params == {"chat_id": 501, "text": "<b>json</b>"}
    assert form_call.params["text"] == "123" and form_call.params["reply_markup"] == {
        "inline_keyboard": []}
