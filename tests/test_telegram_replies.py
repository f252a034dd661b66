"""Telegram replies from literal answers: every case of answer.html, escaping, titles."""
from __future__ import annotations

import pytest

from bot.replies import CorpusView, Source, about_html, answer_html, shorten, sources_html
from fake_bot_api import telegram_html_text
from retrieval import Answer, Claim, Evidence, Hit

CORPUS = CorpusView(
    sources=(
        Source("000", "Kerry, Lavrov expect Syria peace talks to start this month", 444),
        Source("001", "AT&T <b>bold</b> claims", 12),
        Source("002", "Short", 1),
    ),
    passages=30,
    examples=("Who met in Zurich?", "Who is Lavrov?", "When do talks start?"),
    version="9.9.9",
)
QUOTE = "Kerry met Lavrov in Zurich on Wednesday."


def found(text: str = "Zurich", conflicts: tuple[Claim, ...] = ()) -> Answer:
    evidence = (Evidence("000", CORPUS.sources[0].title, QUOTE, text),
                Evidence("001", CORPUS.sources[1].title, "They met in Zurich & Geneva.", text))
    return Answer("Where did they meet?", text, QUOTE, ("000", "001"), 0.9, evidence, conflicts)


def abstained(reason: str, passages: tuple[Hit, ...] = ()) -> Answer:
    question = "Where is <Atlantis> & co?"
    return Answer(question, None, None, (), 0.1, passages=passages, reason=reason)


def test_found_answer_is_bold_with_the_quote_and_titled_sources() -> None:
    html = answer_html(found(), CORPUS)
    assert html.startswith(f"<b>Zurich</b>\n<blockquote>{QUOTE}</blockquote>")
    assert telegram_html_text(html).endswith(
        "Sources: 000 Kerry, Lavrov expect Syria peace talks…, 001 AT&T <b>bold</b> claims"
    )


def test_disagreeing_sources_list_each_value_with_its_sources() -> None:
    rival = Claim("Geneva", (Evidence("002", "Short", "They met in Geneva.", "Geneva"),), 0.5)
    text = telegram_html_text(answer_html(found(conflicts=(rival,)), CORPUS))
    assert "The sources differ" in text
    assert "Zurich\nKerry met Lavrov" in text and "Sources: 000" in text
    assert "Geneva\nThey met in Geneva.\nSource: 002 Short" in text


def test_not_found_names_the_question_and_shows_the_closest_passage() -> None:
    hit = Hit(3, "002", "Short", "Atlantis is a legend.", 1.2)
    html = answer_html(abstained("low_confidence", (hit,)), CORPUS)
    text = telegram_html_text(html)
    assert "Not found in the corpus" in text and "“Where is <Atlantis> & co?”" in text
    assert "The closest passage (not an answer):\nAtlantis is a legend.\nSource: 002 Short" in text
    assert "&lt;Atlantis&gt; &amp; co" in html


@pytest.mark.parametrize("reason, words", [
    ("empty", "Please type a question, for example: Who met in Zurich?"),
    ("no_terms", "no words I can search for"),
    ("not_found", "Not found in the corpus"),
])
def test_every_abstention_has_its_own_reply(reason: str, words: str) -> None:
    assert words in telegram_html_text(answer_html(abstained(reason), CORPUS))


def test_the_question_is_shown_when_the_reply_stands_alone() -> None:
    html = answer_html(found(), CORPUS, show_question=True)
    assert html.startswith("❓ <i>Where did they meet?</i>\n\n<b>Zurich</b>")


def test_corpus_strings_are_escaped_everywhere() -> None:
    nasty = found(text="<script>&</script>")
    for html in (answer_html(nasty, CORPUS), sources_html(CORPUS), about_html(CORPUS)):
        telegram_html_text(html)  # raises on markup Telegram would reject
    assert "<b>&lt;script&gt;&amp;&lt;/script&gt;</b>" in answer_html(nasty, CORPUS)


def test_sources_and_about_describe_the_corpus() -> None:
    text = telegram_html_text(sources_html(CORPUS))
    assert text.startswith("3 documents in the corpus")
    assert "000 Kerry, Lavrov expect Syria peace talks… — 444 words" in text
    assert "002 Short — 1 word" in text
    about = telegram_html_text(about_html(CORPUS))
    assert "qabot 9.9.9" in about and "3 documents, 30 passages, 457 words" in about


def test_shorten_cuts_at_a_word_with_an_ellipsis() -> None:
    assert shorten("Kerry, Lavrov expect Syria peace talks to start this month") == (
        "Kerry, Lavrov expect Syria peace talks…")
    assert shorten("short  title") == "short title"
    assert shorten("x" * 50, 10) == "x" * 10 + "…"
