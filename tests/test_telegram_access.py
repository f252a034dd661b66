"""Who may use the bot: QABOT_ALLOWED_CHAT_IDS for messages, commands, buttons and inline
queries, with nothing or a short refusal for the others; inline queries answered once typed."""
from __future__ import annotations

import pytest

from fake_bot_api import USER, FakeBotApi
from prompts import render
from retrieval import Engine
from test_telegram_bot import bot_settings, running
from test_telegram_ordering import GatedEngine

pytestmark = pytest.mark.asyncio(loop_scope="session")
ALLOWED, STRANGER, GROUP = 301, 302, -303
OTHER_USER = {**USER, "id": 43, "first_name": "Bob"}


async def knock_on_every_door(fake: FakeBotApi) -> None:
    """Everything an unknown chat can send, then a question from the allowed chat."""
    button_message = fake.make_message(STRANGER, "an old answer with buttons")
    for text in ["Who met Lavrov?", "Who else?", "/start", "/help", "/ask Who met?", "/sources"]:
        await fake.message(STRANGER, text)
    await fake.message(GROUP, "/ask@QaTestBot Who met Lavrov?", group=True)
    await fake.message(GROUP, "@QaTestBot Who met Lavrov?", group=True)
    await fake.callback_query(button_message, "ask:0")
    await fake.inline_query("Who met Lavrov?")  # USER (42) is not in the list either
    await fake.message(ALLOWED, "Who met Lavrov?")
    # Updates are gated in order of arrival, before any network call: once the allowed chat
    # has its answer, every earlier update has been turned away.
    await fake.texts(ALLOWED)


@pytest.mark.parametrize("refuse", [False, True], ids=["ignore", "refuse"])
async def test_only_allowed_chats_are_served(seeds_engine: Engine, refuse: bool) -> None:
    fake = await FakeBotApi().start()
    settings = bot_settings(fake, allowed_chat_ids=[ALLOWED], refuse_unknown_chats=refuse)
    engine = GatedEngine(seeds_engine)
    engine.release.set()
    try:
        async with running(settings, engine, fake):  # type: ignore[arg-type]
            await knock_on_every_door(fake)
            if refuse:  # the refusals may still be on their way
                await fake.wait_for("sendMessage", chat_id=STRANGER)
                await fake.wait_for("answerInlineQuery")
                await fake.wait_for("answerCallbackQuery")
    finally:
        await fake.stop()
    assert engine.asked == ["Who met Lavrov?"]  # the allowed chat's question only
    assert {c.params["chat_id"] for c in fake.sent("sendChatAction")} == {ALLOWED}
    assert not fake.sent("sendMessage", chat_id=GROUP)
    refusals = fake.sent("sendMessage", chat_id=STRANGER)
    inline = fake.sent("answerInlineQuery")
    buttons = fake.sent("answerCallbackQuery")
    if not refuse:
        assert not refusals and not inline and not buttons
        return
    (refusal,) = refusals  # one a minute, however many messages
    assert refusal.params["text"] == render("not_allowed.html")
    (answer,) = inline
    assert [r["id"] for r in answer.params["results"]] == ["not-allowed"]
    (button,) = buttons
    assert button.params["text"] == render("not_allowed.html")


async def test_inline_queries_are_answered_once_the_user_stops_typing(
    seeds_engine: Engine,
) -> None:
    fake = await FakeBotApi().start()
    engine = GatedEngine(seeds_engine)
    engine.release.set()
    typed = ["Who is", "Who is Lav", "Who is Lavrov?"]
    updates = [fake.make_inline_query(q) for q in typed]
    updates.append(fake.make_inline_query("Who met Kerry?", user=OTHER_USER))
    try:
        settings = bot_settings(fake, inline_debounce_seconds=0.2)
        async with running(settings, engine, fake):  # type: ignore[arg-type]
            await fake.deliver(updates)  # in one getUpdates, as fast as anyone types
            last, other = (u["inline_query"]["id"] for u in updates[2:])
            await fake.wait_for("answerInlineQuery", inline_query_id=last)
            await fake.wait_for("answerInlineQuery", inline_query_id=other)
    finally:
        await fake.stop()
    assert len(fake.sent("answerInlineQuery")) == 2  # the older queries went unanswered
    assert sorted(engine.asked) == ["Who is Lavrov?", "Who met Kerry?"]
