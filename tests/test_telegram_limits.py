"""The per-user question limit: a sliding one-minute window, one slow-down notice."""
from __future__ import annotations

import asyncio

from bot.limits import LatestQuery, QuestionLimit, Verdict

A, S, I = Verdict.ANSWER, Verdict.SLOW_DOWN, Verdict.IGNORE


def test_a_user_gets_per_minute_answers_then_one_notice_then_silence() -> None:
    limit = QuestionLimit(2)
    assert [limit.check(1, t) for t in (0, 1, 2, 3, 4)] == [A, A, S, I, I]
    assert limit.check(2, 5) is A  # users are counted apart


def test_the_window_slides() -> None:
    limit = QuestionLimit(2)
    assert [limit.check(1, t) for t in (0, 30, 31)] == [A, A, S]
    assert limit.check(1, 60.5) is A  # the question at 0 left the window
    assert limit.check(1, 61) is I  # still within a minute of the notice
    assert [limit.check(1, t) for t in (91, 100)] == [A, S]  # a new notice a minute later


def test_zero_means_no_limit() -> None:
    limit = QuestionLimit(0)
    assert {limit.check(1, t / 10) for t in range(1000)} == {A}


def test_quiet_users_are_forgotten() -> None:
    limit = QuestionLimit(1)
    for user in range(10_001):
        limit.check(user, 0)
    limit.check(-1, 100)
    assert list(limit._asked) == [-1]


async def test_only_the_newest_inline_query_of_a_user_is_answered() -> None:
    latest = LatestQuery(0.05)
    verdicts = await asyncio.gather(
        latest.settled(1, "a"), latest.settled(1, "b"), latest.settled(2, "c"),
        latest.settled(1, "d"),
    )
    assert verdicts == [False, False, True, True]
    assert latest._latest == {}  # nothing kept once answered
