"""Updates are handled concurrently, except that each chat's are handled one at a time, in order."""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# PTB's semaphore only bounds tasks that wait for their chat's turn; `running` bounds the work.
_UNBOUNDED = 1 << 20


class PerChatOrder(BaseUpdateProcessor):
    """At most `max_running` updates at once, never two from one chat: a chat's answers are sent
    in the order it asked, while a slow question in one chat holds up no other chat.

    Updates without a chat (inline queries) run as they come.
    """

    def __init__(self, max_running: int = 256) -> None:
        super().__init__(_UNBOUNDED)
        self.max_running = max_running
        self._running = asyncio.BoundedSemaphore(max_running)
        self._turns: dict[int, asyncio.Lock] = {}
        self._queued: dict[int, int] = {}  # updates holding or waiting for each chat's lock

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for the chat's turn (asyncio locks are first come, first served), then run."""
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            async with self._running:
                await coroutine
            return
        turn = self._turns.setdefault(chat.id, asyncio.Lock())
        self._queued[chat.id] = self._queued.get(chat.id, 0) + 1
        try:
            async with turn, self._running:
                await coroutine
        finally:
            self._queued[chat.id] -= 1
            if not self._queued[chat.id]:  # forget quiet chats
                del self._queued[chat.id], self._turns[chat.id]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""
