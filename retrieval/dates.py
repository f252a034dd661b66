"""What a date names, read from its words: a year, a month, a day of the week, a calendar
date, or a date counted from the day its text was written ("this month")."""
from __future__ import annotations

import re

from retrieval.normalize import MONTHS, answer_key
from retrieval.question import Question

_MONTHS = frozenset(MONTHS) | frozenset(MONTHS.values()) | {"may"}
_YEAR = re.compile(r"(?<![\d,.])\d{4}(?![\d,.]\d)")
_WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())


def wrong_date_form(q: Question, text: str) -> bool:
    """A date that names another unit than the one asked for: "January" for "On which day
    of the week ...?", "2011" for "Which month ...?", or any point in time for "How long
    ...?" ("Tuesday" is no "several days"). A full date ("January 20, 2016") may answer
    any question about a date, and only a date with a month or a number "On what date
    ...?" ("October 3", not "Wednesday" or "this weekend"); only a date with a year "In
    which year ...?" ("September 30" names none)."""
    if q.kind == "duration":  # nor is a calendar date ("January 20, 2016") or "last month"
        return date_form(text) is not None or _is_calendar_date(text) or is_relative_date(text)
    if q.kind == "date" and q.focus == "date":
        return not any(w in _MONTHS or w[:1].isdigit() for w in answer_key(text))
    if q.kind != "date" or q.focus not in ("year", "month", "day"):
        return False
    if q.focus == "year" and not (_YEAR.search(text) or "year" in answer_key(text)):
        return True  # "September 30", "1,000" name no year; "2011", "the 1990s", "last year" do
    form = date_form(text)
    return form is not None and form != q.focus


# Words that make a date a point in time counted from now: "last month", "this week" ("two
# years ago" answers "How long ago ...?").
_RELATIVE = frozenset("last next this earlier later yesterday today tomorrow".split())


def is_relative_date(text: str) -> bool:
    """A date counted from the day its text was written: "this month", "in the next few
    days", "last Wednesday"."""
    words = answer_key(text)
    return bool(words) and words[0] in _RELATIVE


def _is_calendar_date(text: str) -> bool:
    """A month with a day or a year: "January 20, 2016", "25 January", "May 2011"."""
    words = answer_key(text)
    return any(w in _MONTHS for w in words) and any(w.isdigit() for w in words)


def date_form(text: str) -> str | None:
    """What a date names: a "year" (2011), a "month" (February), a "day" (Wednesday), else None.

    "Which month ...?" wants February, not January 25.
    """
    words = answer_key(text)
    if len(words) == 1 and words[0].isdigit() and len(words[0]) == 4:
        return "year"
    if any(w in _WEEKDAYS for w in words):
        return "day"
    if any(w in _MONTHS for w in words) and not any(w.isdigit() and len(w) <= 2 for w in words):
        return "month"
    return None
