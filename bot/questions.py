"""Which text in a Telegram message is a question for the bot."""
from __future__ import annotations

import base64
import binascii
import re

from telegram import Message, MessageEntity

# Deep-link payloads (t.me/<bot>?start=...) may only hold these characters, at most 64.
_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def clean_text(text: str) -> str:
    """`text` on one line as Telegram accepts it back: control characters become spaces, lone
    surrogates U+FFFD (neither can be encoded or sent); spacing collapsed."""
    text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return " ".join(_CONTROL.sub(" ", text).split())


def group_question(message: Message, username: str, bot_id: int) -> str | None:
    """The question in a group message addressed to the bot (mention or reply), else None."""
    text = message.text or ""
    mine = f"@{username}".casefold()
    mentions = [m for m in message.parse_entities([MessageEntity.MENTION]).values()
                if m.casefold() == mine]
    if mentions:
        for mention in set(mentions):
            text = text.replace(mention, " ")
        return " ".join(text.split())
    reply = message.reply_to_message
    # In forum topics every message "replies" to the topic's creation message: not to us.
    if reply and reply.from_user and reply.from_user.id == bot_id and not reply.forum_topic_created:
        return text
    return None


def start_question(args: list[str]) -> str:
    """The question in `/start <payload>`: base64url text from a deep link, or plain words."""
    text = " ".join(args)
    if not _PAYLOAD.fullmatch(text):
        return text
    try:
        decoded = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        decoded = ""
    if decoded.isprintable() and " " in decoded.strip():
        return decoded.strip()
    return text.replace("_", " ")  # t.me/<bot>?start=Who_met_Lavrov


def deep_link(username: str, question: str) -> str | None:
    """A t.me link that opens the bot and asks `question`, or None when it is too long."""
    payload = base64.urlsafe_b64encode(question.encode("utf-8")).decode("ascii").rstrip("=")
    return f"https://t.me/{username}?start={payload}" if len(payload) <= 64 else None
