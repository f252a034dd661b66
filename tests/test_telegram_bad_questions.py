"""Questions meant to break the bot: odd text through the engine, the replies and real Telegram."""
from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.answer_cache import AnswerCache
from bot.html_split import MAX_MESSAGE, split_html, utf16_len
from bot.inline import inline_results
from bot.questions import clean_text
from bot.replies import CorpusView, answer_html
from conftest import SEEDS
from fake_bot_api import FakeBotApi, check_inline_results, telegram_html_text
from retrieval import Answer, Engine
from test_telegram_bot import bot_settings, running

SESSION = pytest.mark.asyncio(loop_scope="session")  # the async tests share the bot's loop

BAD_QUESTIONS = {
    "empty": "",
    "whitespace": " \t\n \u00a0\u3000 ",
    "long": "Who met Lavrov in Zurich? " * 400,  # 10,400 characters
    "one long word": "Lavrov" * 2000,
    "punctuation": "?!... ,;: -- ()[]{} «» ¿¡",
    "stopwords": "What is it that they were doing there?",
    "emoji": "🇸🇾🕊️ Who met Lavrov? 👨‍👩‍👧 😀😀",
    "rtl and mixed": "متى تبدأ محادثات السلام؟ When do the Syria talks start? Когда?",
    "zero-width and bidi": "Who\u200b met\u200d Lav\u2060rov\u202e?\ufeff",
    "control": "Who\x01 met\x07 Lavrov\x1b[31m?\x7f\x9b",
    "nul": "Who met\x00 Lavrov?\x00",
    "lone surrogates": "Who met \ud800 Lavrov? \udfff\ud83d",
    "html tags": "What is the <b>capital</b> of <i>Zanzibar</i> on Mars?</blockquote><a href='x'>",
    "html entities": "&amp; &lt;b&gt; &#0; &#x110000; &nbsp Lavrov &",
    "markdown": "What is the *capital* of _Zanzibar_ on [Mars](http://x) `code` ~~s~~ ||x|| \\*?",
}

_CHARS = st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=())
_PIECES = ["<b>", "</blockquote>", "&amp;", "*_[]", "\x00", "\u200b", "\u202e", "\ud800", "😀",
           "Lavrov", "Kerry", "Syria", "January 25", "who", "the", "?", "\n", "مرحبا", "&"]
_QUESTIONS = st.lists(
    st.one_of(st.text(_CHARS, max_size=40), st.sampled_from(_PIECES)), max_size=25
).map("".join)


def check_message(html: str) -> str:
    """What Telegram would show for one message we send; fails on anything it would refuse."""
    assert utf16_len(html) <= MAX_MESSAGE
    html.encode("utf-8")  # no lone surrogates
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]", html), "control characters"
    shown = telegram_html_text(html)  # balanced tags, escaped text
    assert shown.strip()
    return shown


def bot_reply(engine: Engine, corpus: CorpusView, question: str) -> list[str]:
    """The messages the bot sends for `question` in a private chat (the answer cache's path)."""
    answer = asyncio.run(AnswerCache(engine).answer(question))
    return split_html(answer_html(answer, corpus))


@pytest.fixture(scope="module")
def corpus(seeds_engine: Engine) -> CorpusView:
    return CorpusView.of(seeds_engine, ("Who met Lavrov?",))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_QUESTIONS)
def test_the_engine_answers_any_text(seeds_engine: Engine, question: str) -> None:
    answer = seeds_engine.answer(question)
    assert isinstance(answer, Answer)
    json.dumps(answer.to_json())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_QUESTIONS)
def test_every_reply_is_valid_telegram_html_within_the_length_limit(
    seeds_engine: Engine, corpus: CorpusView, question: str
) -> None:
    messages = bot_reply(seeds_engine, corpus, question)
    assert messages
    for html in messages:
        check_message(html)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_QUESTIONS)
def test_every_inline_answer_is_valid(
    seeds_engine: Engine, corpus: CorpusView, question: str
) -> None:
    cache = AnswerCache(seeds_engine)
    results = asyncio.run(inline_results(cache, corpus, question, "QaTestBot"))
    data = [r.to_dict() for r in results]
    check_inline_results(data)
    for result in data:
        check_message(result["input_message_content"]["message_text"])


@pytest.mark.parametrize("name", BAD_QUESTIONS)
def test_bad_questions_get_a_valid_reply(
    seeds_engine: Engine, corpus: CorpusView, name: str
) -> None:
    messages = bot_reply(seeds_engine, corpus, BAD_QUESTIONS[name])
    assert len(messages) == 1
    check_message(messages[0])


def test_clean_text_keeps_words_and_drops_what_telegram_refuses() -> None:
    assert clean_text(" Who\x00 met\t\n Lavrov?\ud800 ") == "Who met Lavrov?\ufffd"
    assert clean_text("\ud83d\ude00 متى؟\u200b") == "😀 متى؟\u200b"  # a split pair is joined
    assert clean_text("<b>&amp;</b>") == "<b>&amp;</b>"  # escaping is the templates' job


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def server(seeds_engine: Engine) -> AsyncIterator[FakeBotApi]:
    fake = await FakeBotApi().start()
    async with running(bot_settings(fake, SEEDS), seeds_engine, fake):
        yield fake
    await fake.stop()


@SESSION
@pytest.mark.parametrize("chat_id,name", list(enumerate(BAD_QUESTIONS, start=601)))
async def test_bad_questions_through_telegram(server: FakeBotApi, chat_id: int, name: str) -> None:
    question = BAD_QUESTIONS[name]
    if question:  # Telegram never delivers an empty message (/ask alone is tested below)
        await server.message(chat_id, question)
        (text,) = await server.texts(chat_id)  # delivered: Telegram accepted it
        shown = check_message(text)
        assert "Sorry" not in shown  # an answer, not the apology
        if name in ("html tags", "markdown"):
            assert clean_text(question) in shown  # shown literally, as typed
    query_id = await server.inline_query(question)
    (call,) = await server.wait_for("answerInlineQuery", inline_query_id=query_id, delivered=True)
    for result in call.params["results"]:
        check_message(result["input_message_content"]["message_text"])


@SESSION
async def test_an_ask_command_without_a_question_asks_for_one(server: FakeBotApi) -> None:
    await server.message(-650, "/ask", group=True)
    (text,) = await server.texts(-650)
    assert "Please type a question" in telegram_html_text(text)
