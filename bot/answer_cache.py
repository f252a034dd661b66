"""Answers by question, computed off the event loop and shared by identical questions."""
from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from functools import partial

from bot.questions import clean_text
from retrieval import Answer, Engine


class AnswerCache:
    """Recent answers by question, each shared by concurrent identical queries until it expires."""

    def __init__(self, engine: Engine, ttl: float = 300.0, size: int = 512) -> None:
        self.engine, self.ttl, self.size = engine, ttl, size
        self._entries: OrderedDict[str, tuple[float, asyncio.Future[Answer]]] = OrderedDict()

    async def answer(self, question: str) -> Answer:
        """The engine's answer, computed in a worker thread at most once per `ttl`."""
        question = clean_text(question)  # what the replies may quote; the engine ignores spacing
        now = time.monotonic()
        entry = self._entries.get(question)
        if entry is None or entry[0] < now:
            future = asyncio.ensure_future(asyncio.to_thread(self.engine.answer, question))
            future.add_done_callback(partial(self._forget_failure, question))
            self._entries[question] = entry = (now + self.ttl, future)
            self._entries.move_to_end(question)
            while len(self._entries) > self.size:  # the oldest entries expire first
                self._entries.popitem(last=False)
        # Shielded: one impatient query being cancelled must not cancel the others' answer.
        return await asyncio.shield(entry[1])

    def reset(self, engine: Engine) -> None:
        """Answer from `engine` from now on (the corpus changed): forget earlier answers."""
        self.engine = engine
        self._entries.clear()

    def _forget_failure(self, question: str, future: asyncio.Future[Answer]) -> None:
        """An error is for the callers waiting now; the next caller asks the engine again."""
        if future.cancelled() or future.exception() is not None:
            entry = self._entries.get(question)
            if entry is not None and entry[1] is future:
                del self._entries[question]
