"""Abuse limits: questions per user and minute (QABOT_RATE_LIMIT_PER_MINUTE), and inline
queries answered only once the user stops typing (QABOT_INLINE_DEBOUNCE_SECONDS)."""
from __future__ import annotations

import asyncio
import time
from collections import deque
from enum import Enum

WINDOW = 60.0  # seconds


class Verdict(Enum):
    """What to do with a question: answer it, ask the user to slow down, or ignore it."""

    ANSWER = "answer"
    SLOW_DOWN = "slow_down"  # the first question over the limit in a window gets one notice
    IGNORE = "ignore"


class QuestionLimit:
    """A sliding one-minute window per user; 0 questions per minute means no limit."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._asked: dict[int, deque[float]] = {}
        self._warned: dict[int, float] = {}  # when each user was last told to slow down

    def check(self, user_id: int, now: float | None = None) -> Verdict:
        """Count a question from `user_id` if it is within the limit."""
        if not self.per_minute:
            return Verdict.ANSWER
        now = time.monotonic() if now is None else now
        if len(self._asked) > 10_000:  # forget users who have been quiet for a minute
            self._forget(now)
        asked = self._asked.setdefault(user_id, deque())
        while asked and asked[0] <= now - WINDOW:
            asked.popleft()
        if len(asked) < self.per_minute:
            asked.append(now)
            return Verdict.ANSWER
        if self._warned.get(user_id, float("-inf")) <= now - WINDOW:
            self._warned[user_id] = now
            return Verdict.SLOW_DOWN
        return Verdict.IGNORE

    def _forget(self, now: float) -> None:
        quiet = [u for u, asked in self._asked.items() if not asked or asked[-1] <= now - WINDOW]
        for user_id in quiet:
            del self._asked[user_id]
            self._warned.pop(user_id, None)


class LatestQuery:
    """Per user, only the newest inline query is answered: Telegram sends one per keystroke and
    shows the results of the last one only, so the others would cost engine time for nothing."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self._latest: dict[int, str] = {}  # user id -> newest query id, while it waits

    async def settled(self, user_id: int, query_id: str) -> bool:
        """Wait `delay` seconds; whether no newer query from the user came meanwhile."""
        self._latest[user_id] = query_id
        await asyncio.sleep(self.delay)
        if self._latest.get(user_id) != query_id:
            return False
        del self._latest[user_id]
        return True
