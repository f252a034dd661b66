"""Documents sent to the bot, /documents and /remove (administrators only), and the corpus
folder watched for files changed by hand: each change reaches the answers without a restart."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from typing import TypeVar

from telegram import Update
from telegram.constants import ChatAction
from telegram.error import TelegramError

from bot.examples import example_questions
from bot.handlers import Context, Handlers, send_html
from bot.replies import CorpusView, shorten
from prompts import render
from retrieval.library import Library, Refused, Stored

log = logging.getLogger(__name__)
MAX_DOWNLOAD = 20 * 1024 * 1024  # Telegram lets a bot download files up to 20 MB
T = TypeVar("T")


class Uploads:
    """The handlers that change the corpus, and the loop that watches its folder."""

    def __init__(self, library: Library, handlers: Handlers, admins: Iterable[int]) -> None:
        self.library = library
        self.handlers = handlers
        self.admins = frozenset(admins)

    def _is_admin(self, update: Update) -> bool:
        user = update.effective_user
        return user is not None and user.id in self.admins

    async def document(self, update: Update, context: Context) -> None:
        """A file in a private chat: an administrator's is added to the corpus."""
        message = update.effective_message
        assert message is not None and message.document is not None  # the handler's filters
        sent = message.document
        name = sent.file_name or "document"
        if not self._is_admin(update):
            await message.reply_html(render("upload.html", kind="not_admin"))
            return
        if sent.file_size and sent.file_size > MAX_DOWNLOAD:
            await message.reply_html(render("upload.html", kind="too_big", file=name,
                                            size=sent.file_size))
            return
        try:
            await message.reply_chat_action(ChatAction.UPLOAD_DOCUMENT)
            data = bytes(await (await sent.get_file()).download_as_bytearray())
        except TelegramError as err:
            await message.reply_html(render("upload.html", kind="not_downloaded", file=name,
                                            detail=str(err)))
            return
        try:
            added = await self.change(self.library.add, name, data)
        except Refused as why:
            await message.reply_html(render("upload.html", kind="refused", file=name,
                                            detail=why.detail))
            return
        log.info("user %s added %s (%s)", message.from_user.id if message.from_user else "?",
                 added.document.path, "a duplicate" if added.duplicate else "new")
        await message.reply_html(render(
            "upload.html", kind="duplicate" if added.duplicate else "added",
            document=added.document, title=shorten(added.document.title, 60)))

    async def documents(self, update: Update, context: Context) -> None:
        """/documents: the documents administrators sent, with their ids."""
        message = update.effective_message
        assert message is not None
        if not self._is_admin(update):
            await message.reply_html(render("remove.html", kind="not_admin"))
            return
        found = await asyncio.to_thread(self.library.documents, True)
        await send_html(message, render("documents.html", documents=found,
                                        titles=[shorten(d.title, 60) for d in found]))

    async def remove(self, update: Update, context: Context) -> None:
        """/remove <id>: delete a document sent to the bot."""
        message = update.effective_message
        assert message is not None
        if not self._is_admin(update):
            await message.reply_html(render("remove.html", kind="not_admin"))
            return
        if not context.args:
            await message.reply_html(render("remove.html", kind="usage"))
            return
        try:
            gone: Stored = await self.change(self.library.remove, context.args[0])
        except Refused as why:
            await message.reply_html(render("remove.html", kind="refused", detail=why.detail))
            return
        await message.reply_html(render("remove.html", kind="removed", document=gone,
                                        title=shorten(gone.title, 60)))

    async def change(self, change: Callable[..., T], *args: object) -> T:
        """Run a change of the library in a worker thread, then answer from its new engine."""
        try:
            return await asyncio.to_thread(change, *args)
        finally:
            await self.follow()

    async def follow(self) -> None:
        """Point the answers, /sources and the buttons at the library's current engine."""
        engine, key = self.library.engine, self.library.key
        if engine is self.handlers.cache.engine:
            return
        examples = example_questions(self.library.folder)
        view = await asyncio.to_thread(CorpusView.of, engine, examples, key)
        self.handlers.corpus = view
        self.handlers.cache.reset(engine)

    async def watch(self, every: float) -> None:
        """Every `every` seconds, index the files added, changed or removed in the folder."""
        while True:
            await asyncio.sleep(every)
            try:
                if await asyncio.to_thread(self.library.changed_on_disk):
                    await self.change(self.library.refresh)
            except asyncio.CancelledError:
                raise
            except Exception:  # a bad moment (a file half-written) is retried at the next look
                log.exception("could not update the index of %s; trying again in %s s",
                              self.library.folder, every)
