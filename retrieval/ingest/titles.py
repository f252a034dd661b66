"""A document's title as a person would write it: from its metadata or its first real
heading, stripped of markup, badges and man-page headers; else the file's name."""
from __future__ import annotations

import re

from retrieval.chrome import is_chrome

# "GIT(1)   Git Manual   GIT(1)": a man page's running header names the page, not its subject.
_MAN_HEADER = re.compile(r"^\s*([\w.:+-]+)\((\w+)\)\s.*\s\1\(\2\)\s*$")
_MAN_NAME = re.compile(r"^\s*NAME\s*$")
# Markdown badges and images ([![Build](...)](...), ![logo](...)) say nothing of the subject.
_BADGE = re.compile(r"\[!\[[^\]]*\]\([^)]*\)\]\([^)]*\)|!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")  # [text](url) -> text
# HTML tags in a Markdown heading (<p align="center">, <img ...>); other <words> are text
_TAG = re.compile(r"</?(a|p|img|div|span|b|i|u|em|strong|br|hr|h[1-6]|picture|source|sup|sub"
                  r"|code|kbd|center|font|small|big|details|summary)\b[^<>]*>", re.IGNORECASE)
_MARKS = re.compile(r"^\s*(#{1,6}\s+|[=*-]{3,}\s*$|>\s*|[-*+]\s+)|(\*\*|__|`)")
_EMPHASIS = re.compile(r"(?<!\w)[*_](\S(?:.*?\S)?)[*_](?!\w)")  # *word* -> word
_SPACES = re.compile(r"\s+")


def clean(line: str) -> str:
    """The words of a heading line without markup ('' when nothing is left)."""
    text = _LINK.sub(r"\1", _BADGE.sub(" ", _TAG.sub(" ", line)))
    text = _SPACES.sub(" ", _EMPHASIS.sub(r"\1", _MARKS.sub("", text))).strip(" #=|")
    return text if any(ch.isalpha() for ch in text) else ""


def title_of(text: str) -> str | None:
    """The first line of content, cleaned; a man page's NAME line rather than its header."""
    lines = text.split("\n", 400)[:400]
    for i, line in enumerate(lines):
        if _MAN_NAME.match(line):
            following = next((x for x in lines[i + 1:] if x.strip()), "")
            if (name := clean(following)):
                return name
    for line in lines:
        if _MAN_HEADER.match(line) or is_chrome(line):
            continue
        if (title := clean(line)):
            return title
    return None
