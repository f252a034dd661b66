"""Telegram update handlers: read the question, ask the engine in a worker thread, send HTML."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction, ChatType
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot import replies
from bot.answer_cache import AnswerCache
from bot.html_split import split_html
from bot.inline import CACHE_TIME, inline_results, refusal_result
from bot.limits import LatestQuery, QuestionLimit, Verdict
from bot.questions import group_question, start_question
from bot.replies import CorpusView
from prompts import render

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE
EXAMPLE_PREFIX = "ask:"  # callback data of the example buttons: ask:<index>


class Handlers:
    """Every handler the bot registers, sharing the answer cache and the corpus summary."""

    def __init__(
        self, cache: AnswerCache, corpus: CorpusView, allowed_chats: Iterable[int],
        limit: QuestionLimit, *, refuse_unknown: bool = False, inline_delay: float = 0.0,
    ) -> None:
        self.cache = cache
        self.corpus = corpus
        self.allowed = frozenset(allowed_chats)
        self.limit = limit
        self.refuse_unknown = refuse_unknown
        self.refusals = QuestionLimit(1)  # a refusal message per chat and minute at most
        self.latest_query = LatestQuery(inline_delay)

    async def gate(self, update: Update, context: Context) -> None:
        """Stop updates from chats (or inline users) outside QABOT_ALLOWED_CHAT_IDS; refuse
        them in a word if QABOT_REFUSE_UNKNOWN_CHATS."""
        chat, user = update.effective_chat, update.effective_user
        where = chat.id if chat else user.id if user else None
        if not self.allowed or where in self.allowed:
            return
        log.info("ignoring an update from chat %s (not in allowed_chat_ids)", where)
        if self.refuse_unknown and where is not None:
            await self.refuse(update, where)
        raise ApplicationHandlerStop

    async def refuse(self, update: Update, where: int) -> None:
        """Say no: inline, to a button, or in a private chat (once a minute); not in groups."""
        if update.inline_query:
            await update.inline_query.answer([refusal_result()], cache_time=CACHE_TIME,
                                             is_personal=True)
        elif update.callback_query:
            await update.callback_query.answer(render("not_allowed.html"))
        elif (update.effective_message and update.effective_chat
              and update.effective_chat.type == ChatType.PRIVATE
              and self.refusals.check(where) is Verdict.ANSWER):
            await update.effective_message.reply_html(render("not_allowed.html"))

    async def start(self, update: Update, context: Context) -> None:
        """/start: what the bot does and example buttons; `/start <question>` answers it."""
        message = _message(update)
        if context.args:
            await self.reply_answer(update, start_question(context.args))
            return
        buttons = [
            [InlineKeyboardButton(q, callback_data=f"{EXAMPLE_PREFIX}{i}")]
            for i, q in enumerate(self.corpus.examples)
        ]
        markup = InlineKeyboardMarkup(buttons) if buttons else None
        html = replies.start_html(self.corpus, context.bot.username)
        await message.reply_html(html, reply_markup=markup)

    async def help(self, update: Update, context: Context) -> None:
        """/help (and any unknown command in a private chat): how to ask."""
        await send_html(_message(update), replies.help_html(self.corpus, context.bot.username))

    async def sources(self, update: Update, context: Context) -> None:
        """/sources: the documents, with id, title and size."""
        await send_html(_message(update), replies.sources_html(self.corpus))

    async def about(self, update: Update, context: Context) -> None:
        """/about: corpus statistics and the version."""
        await send_html(_message(update), replies.about_html(self.corpus))

    async def ask(self, update: Update, context: Context) -> None:
        """/ask <question>, or /ask in reply to the message that holds the question."""
        message = _message(update)
        question = " ".join(context.args or [])
        if not question and message.reply_to_message:
            question = message.reply_to_message.text or ""
        await self.reply_answer(update, question)

    async def private_text(self, update: Update, context: Context) -> None:
        """Any text in a private chat is a question."""
        await self.reply_answer(update, _message(update).text or "")

    async def group_text(self, update: Update, context: Context) -> None:
        """In groups, answer mentions of the bot and replies to it; stay quiet otherwise."""
        question = group_question(_message(update), context.bot.username, context.bot.id)
        if question is not None:
            await self.reply_answer(update, question)

    async def example(self, update: Update, context: Context) -> None:
        """An example button from /start: answer its question in that chat."""
        query = update.callback_query
        assert query is not None and query.data is not None  # the handler's pattern ensures it
        await query.answer()
        index = int(query.data.removeprefix(EXAMPLE_PREFIX))
        if isinstance(query.message, Message) and index < len(self.corpus.examples):
            await self.reply_answer(update, self.corpus.examples[index], show_question=True)

    async def inline(self, update: Update, context: Context) -> None:
        """`@BotName question` from any chat: the answer first, then supporting passages."""
        query = update.inline_query
        assert query is not None
        if not await self.latest_query.settled(query.from_user.id, query.id):
            return  # the user typed on; Telegram wants the newest query's results only
        results = await inline_results(self.cache, self.corpus, query.query, context.bot.username)
        await query.answer(results, cache_time=CACHE_TIME, is_personal=False)

    async def error(self, update: object, context: Context) -> None:
        """Log the failure (the token is redacted) and apologise to whoever asked, unless
        Telegram is out of reach after the retries or the user blocked the bot: the apology
        would not get through."""
        if isinstance(context.error, Forbidden) or (
            isinstance(context.error, NetworkError) and not isinstance(context.error, BadRequest)
        ):
            log.warning("gave up on an update: %s", context.error)
            return
        log.error("could not handle an update", exc_info=context.error)
        if isinstance(update, Update) and update.effective_message:
            await update.effective_message.reply_html(render("apology.html"))

    async def reply_answer(
        self, update: Update, question: str, show_question: bool = False
    ) -> None:
        """Within the user's question limit: show "typing…", answer (cached), send the reply."""
        message = _message(update)
        user = update.effective_user
        verdict = self.limit.check(user.id if user else message.chat_id)
        if verdict is Verdict.SLOW_DOWN:
            await message.reply_html(render("slow_down.html", per_minute=self.limit.per_minute))
        if verdict is not Verdict.ANSWER:
            return
        _, answer = await asyncio.gather(_typing(message), self.cache.answer(question))
        buttons = [[InlineKeyboardButton(label, callback_data=data)]
                   for label, data in replies.source_buttons(answer, self.corpus)]
        await send_html(message, replies.answer_html(answer, self.corpus, show_question),
                        InlineKeyboardMarkup(buttons) if buttons else None)

    async def source(self, update: Update, context: Context) -> None:
        """A source's button under an answer: the quote with the sentences around it."""
        query = update.callback_query
        assert query is not None and query.data is not None  # the handler's pattern ensures it
        await query.answer()
        if not isinstance(query.message, Message):
            return
        key, passage = query.data.removeprefix(replies.SOURCE_PREFIX).split(":")
        found = None
        if key == self.corpus.key:  # else the corpus changed since: the number means nothing
            found = await asyncio.to_thread(self.cache.engine.context, int(passage))
        html = replies.context_html(found) if found else render("context_gone.html")
        await send_html(query.message, html)


async def send_html(message: Message, html: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Reply with `html`, split into as many messages as Telegram's length limit needs; the
    buttons go under the last one."""
    chunks = split_html(html)
    for n, chunk in enumerate(chunks, 1):
        await message.reply_html(chunk, reply_markup=markup if n == len(chunks) else None)


async def _typing(message: Message) -> None:
    try:
        await message.reply_chat_action(ChatAction.TYPING)
    except TelegramError as err:  # cosmetic: never let it cost the answer
        log.warning("could not show typing: %s", err)


def _message(update: Update) -> Message:
    assert update.effective_message is not None  # every message handler's filters ensure it
    return update.effective_message
