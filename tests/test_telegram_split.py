"""Splitting Telegram HTML into messages: limits, valid markup, nothing lost."""
from __future__ import annotations

import html

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.html_split import MAX_MESSAGE, split_html, utf16_len
from fake_bot_api import telegram_html_text

_PIECES = st.one_of(
    st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=40)
    .map(html.escape),
    st.sampled_from([" ", "\n", "\n\n", "&amp;", "&lt;b&gt;", "😀", "x" * 120]),
)
_TAGS = ["b", "i", "u", "code", "blockquote", 'a href="https://example.org/?a=1&amp;b=2"']


def _wrap(tag: str, inner: str) -> str:
    return f"<{tag}>{inner}</{tag.split()[0]}>"


def _markup(depth: int) -> st.SearchStrategy[str]:
    """Telegram HTML with elements nested at most `depth` deep."""
    if depth == 0:
        return st.lists(_PIECES, max_size=12).map("".join)
    inner = _markup(depth - 1)
    part = st.one_of(inner, st.builds(_wrap, st.sampled_from(_TAGS), inner))
    return st.lists(part, max_size=5).map("".join)


def _words(text: str) -> str:
    return "".join(text.split())


@settings(max_examples=150, deadline=None)
@given(_markup(3), st.integers(min_value=300, max_value=800))  # nesting needs < 3/4 of a message
def test_chunks_fit_are_valid_and_keep_all_text(markup: str, limit: int) -> None:
    chunks = split_html(markup, limit)
    for chunk in chunks:
        assert utf16_len(chunk) <= limit
        assert _words(telegram_html_text(chunk))  # valid markup, never an empty message
    shown = "".join(telegram_html_text(c) for c in chunks)
    assert _words(shown) == _words(telegram_html_text(markup))


def test_a_short_message_is_one_chunk() -> None:
    assert split_html("<b>Kerry</b>\n<blockquote>He met Lavrov.</blockquote>") == [
        "<b>Kerry</b>\n<blockquote>He met Lavrov.</blockquote>"
    ]
    assert split_html("  \n ") == []


def test_paragraphs_are_never_cut_when_each_fits() -> None:
    quote = "quoted words " * 40
    paragraphs = [f"<b>Answer {i}</b>\n<blockquote>{quote}</blockquote>" for i in range(30)]
    chunks = split_html("\n\n".join(paragraphs))
    assert len(chunks) > 1
    assert all(utf16_len(c) <= MAX_MESSAGE for c in chunks)
    assert "\n\n".join(chunks) == "\n\n".join(paragraphs)


def test_a_long_quote_is_closed_and_reopened_across_messages() -> None:
    quote = "<blockquote><b>" + "word &amp; " * 1000 + "</b></blockquote>"
    chunks = split_html(quote)
    assert len(chunks) >= 3
    for chunk in chunks:
        assert chunk.startswith("<blockquote><b>") and chunk.endswith("</b></blockquote>")
        assert "&amp" not in chunk.replace("&amp;", "")  # no entity cut in half


def test_length_is_counted_in_utf16_units() -> None:
    emoji = "😀 " * 3000  # 2 units per emoji: 9,000 units in 6,000 characters
    chunks = split_html(emoji)
    assert len(chunks) == 3
    assert all(utf16_len(c) <= MAX_MESSAGE for c in chunks)
