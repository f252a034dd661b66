"""Which text in a Telegram message is a question for the bot."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from telegram import Chat, Message, MessageEntity, User

from bot.questions import deep_link, group_question, start_question

BOT = User(7, "QA Bot", is_bot=True, username="QaTestBot")
ALICE = User(42, "Alice", is_bot=False)
GROUP = Chat(-100, Chat.SUPERGROUP)
NOW = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)


def group_message(text: str, reply_to: Message | None = None) -> Message:
    mentions = [MessageEntity(MessageEntity.MENTION, m.start(), m.end() - m.start())
                for m in re.finditer(r"(?<!\w)@\w+", text)]
    return Message(1, NOW, GROUP, from_user=ALICE, text=text, entities=mentions,
                   reply_to_message=reply_to)


def question(message: Message) -> str | None:
    return group_question(message, "QaTestBot", BOT.id)


def test_a_mention_of_the_bot_is_a_question_without_the_mention() -> None:
    assert question(group_message("@QaTestBot Who met Lavrov?")) == "Who met Lavrov?"
    asked = group_message("Who met Lavrov in Zurich @qatestbot")
    assert question(asked) == "Who met Lavrov in Zurich"


def test_replies_to_the_bot_are_questions() -> None:
    ours = Message(2, NOW, GROUP, from_user=BOT, text="Zurich")
    assert question(group_message("And when?", reply_to=ours)) == "And when?"


@pytest.mark.parametrize(
    "text", ["Who met Lavrov?", "@OtherBot Who met Lavrov?", "email me@QaTestBot.org"]
)
def test_other_chatter_is_not_for_the_bot(text: str) -> None:
    assert question(group_message(text)) is None


def test_replies_to_other_people_are_not_for_the_bot() -> None:
    theirs = Message(2, NOW, GROUP, from_user=ALICE, text="Hi")
    assert question(group_message("Who met Lavrov?", reply_to=theirs)) is None


@pytest.mark.parametrize(
    "question_text", ["Who met Lavrov in Zurich?", "Où est Genève ?", "a & <b>"]
)
def test_deep_links_carry_the_question(question_text: str) -> None:
    link = deep_link("QaTestBot", question_text)
    assert link is not None and link.startswith("https://t.me/QaTestBot?start=")
    assert start_question([link.split("=", 1)[1]]) == question_text


def test_start_payloads_may_be_plain_words() -> None:
    assert start_question(["Who_met_Lavrov"]) == "Who met Lavrov"
    assert start_question(["Who", "met", "Lavrov?"]) == "Who met Lavrov?"


def test_too_long_questions_have_no_deep_link() -> None:
    assert deep_link("QaTestBot", "Who " * 40) is None
