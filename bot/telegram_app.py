"""Wire the Telegram bot: build the Application from Settings and the engine, then run it."""
from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.answer_cache import AnswerCache
from bot.examples import example_questions
from bot.handlers import EXAMPLE_PREFIX, Handlers
from bot.limits import QuestionLimit
from bot.logs import guard_logs
from bot.ordering import PerChatOrder
from bot.replies import SOURCE_PREFIX, CorpusView
from bot.retry import RetryingRateLimiter
from bot.settings import Settings
from bot.uploads import Uploads
from prompts import render
from retrieval import Engine
from retrieval.library import Library

UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY]


@dataclass(frozen=True)
class Webhook:
    """Where Telegram posts updates (`url`) and where PTB's web server listens for them."""

    url: str
    host: str
    port: int
    secret_token: str
    url_path: str


def build_application(
    settings: Settings, engine: Engine | Library, *, retry_delay: float = 0.5,
    read_timeout: float = 5.0, flood_limits: bool = True,
) -> Application:
    """The bot: handlers, one error handler, rate limits with retries, commands at start-up,
    and the corpus folder watched for changes (an engine given alone is on `corpus_dir`).

    The keywords are for tests: the first retry's delay, how long to wait for Telegram's
    answer, and whether to keep to Telegram's flood limits (30 messages a second, 20 a minute
    in a group), which load tests lift to measure the bot itself.
    """
    assert settings.telegram_token is not None, "the caller checks for a token"
    # Opt in to PTB's timedelta durations now: the int form warns (deprecated since v22.2).
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    library = engine if isinstance(engine, Library) else Library(
        settings.corpus_dir, settings.index_dir, engine)
    corpus = CorpusView.of(library.engine, example_questions(library.folder), library.key)
    limit = QuestionLimit(settings.rate_limit_per_minute)
    h = Handlers(
        AnswerCache(library.engine), corpus, settings.allowed_chat_ids, limit,
        refuse_unknown=settings.refuse_unknown_chats,
        inline_delay=settings.inline_debounce_seconds,
    )
    uploads = Uploads(library, h, settings.admin_ids)
    watching: list[asyncio.Task[None]] = []

    async def start(app: Application) -> None:
        await on_start(app)
        if settings.watch_seconds > 0:
            watching.append(asyncio.create_task(uploads.watch(settings.watch_seconds)))

    async def stop(app: Application) -> None:
        """Stop watching (after stopping, or after a start that failed: shutdown comes then)."""
        for task in watching:
            task.cancel()
        await asyncio.gather(*watching, return_exceptions=True)
        watching.clear()

    app = (
        Application.builder()
        .token(settings.telegram_token.get_secret_value())
        .base_url(settings.telegram_api_base_url)
        .base_file_url(_file_url(settings.telegram_api_base_url))
        .defaults(Defaults(
            parse_mode=ParseMode.HTML, allow_sending_without_reply=True,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        ))
        # Telegram's flood limits (AIORateLimiter's defaults), with retries.
        .rate_limiter(RetryingRateLimiter(
            first_delay=retry_delay, max_retries=3,
            **({} if flood_limits else {"overall_max_rate": 0, "group_max_rate": 0}),
        ))
        .read_timeout(read_timeout)
        # Chats are answered in parallel (engine calls in worker threads), each chat in order.
        .concurrent_updates(PerChatOrder())
        .get_updates_connection_pool_size(2)  # room for stopping while a long poll is pending
        .post_init(start)
        .post_stop(stop)
        .post_shutdown(stop)
        .build()
    )
    new = filters.UpdateType.MESSAGE  # edits of old questions are not new questions
    text = new & filters.TEXT & ~filters.COMMAND
    app.add_handler(TypeHandler(Update, h.gate), group=-1)
    for name, callback in [("start", h.start), ("help", h.help), ("ask", h.ask),
                           ("sources", h.sources), ("about", h.about),
                           ("documents", uploads.documents), ("remove", uploads.remove)]:
        app.add_handler(CommandHandler(name, callback, filters=new))
    sent = new & filters.Document.ALL & filters.ChatType.PRIVATE
    app.add_handler(MessageHandler(sent, uploads.document))
    app.add_handler(MessageHandler(text & filters.ChatType.PRIVATE, h.private_text))
    app.add_handler(MessageHandler(text & filters.ChatType.GROUPS, h.group_text))
    app.add_handler(MessageHandler(new & filters.COMMAND & filters.ChatType.PRIVATE, h.help))
    app.add_handler(CallbackQueryHandler(h.example, pattern=rf"^{EXAMPLE_PREFIX}\d+$"))
    app.add_handler(CallbackQueryHandler(h.source, pattern=rf"^{SOURCE_PREFIX}\w+:\d+$"))
    app.add_handler(InlineQueryHandler(h.inline))
    app.add_error_handler(h.error)
    return app


async def on_start(app: Application) -> None:
    """Register the command menu (prompts/commands.html) and print where to find the bot."""
    lines = render("commands.html").splitlines()
    commands = [BotCommand(*(part.strip() for part in line.split(" - ", 1))) for line in lines]
    await app.bot.set_my_commands(commands)
    name = app.bot.username
    print(f"qabot: Telegram bot @{name} is starting: open https://t.me/{name} (Ctrl-C stops it)",
          flush=True)


def run(settings: Settings, library: Engine | Library, webhook: Webhook | None = None) -> None:
    """Serve until SIGINT or SIGTERM: long polling, or PTB's webhook server."""
    assert settings.telegram_token is not None
    guard_logs(settings.telegram_token.get_secret_value())
    app = build_application(settings, library)
    if webhook is None:
        app.run_polling(allowed_updates=UPDATES)
        return
    app.run_webhook(
        listen=webhook.host, port=webhook.port, url_path=webhook.url_path,
        webhook_url=webhook.url, secret_token=webhook.secret_token, allowed_updates=UPDATES,
    )


def _file_url(base_url: str) -> str:
    """Telegram serves files from /file/bot<token> beside /bot<token>."""
    return base_url.removesuffix("bot") + "file/bot" if base_url.endswith("/bot") else base_url
