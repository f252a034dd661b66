"""Inline mode: `@BotName question` in any chat offers the answer, then supporting passages."""
from __future__ import annotations

from telegram import InlineQueryResultArticle, InputTextMessageContent, LinkPreviewOptions
from telegram.constants import ParseMode

from bot.answer_cache import AnswerCache
from bot.html_split import split_html
from bot.questions import clean_text
from bot.replies import CorpusView, answer_html, passage_html, shorten
from prompts import render
from retrieval import Answer

MIN_QUERY = 3  # shorter queries are still being typed: show how to ask instead
MAX_RESULTS = 10
CACHE_TIME = 30  # seconds Telegram may serve our results without asking again


async def inline_results(
    cache: AnswerCache, corpus: CorpusView, query: str, username: str
) -> list[InlineQueryResultArticle]:
    """The answer first, then up to nine supporting or closest passages; or a help result."""
    question = clean_text(query)
    if len(question) < MIN_QUERY or not any(ch.isalnum() for ch in question):
        return [help_result(corpus, username)]
    answer = await cache.answer(question)
    if answer.reason in ("empty", "no_terms"):
        return [help_result(corpus, username)]
    first = _article(
        "answer", answer_html(answer, corpus, show_question=True),
        render("inline_title.html", kind="answer", answer=answer),
        render("inline_description.html", kind="answer", answer=answer),
    )
    return [first] + [
        _article(
            f"p{i}", passage_html(source, title, text, question),
            render("inline_title.html", kind="passage", source=source, title=shorten(title)),
            render("inline_description.html", kind="passage", text=text),
        )
        for i, (source, title, text) in enumerate(_passages(answer)[: MAX_RESULTS - 1])
    ]


def help_result(corpus: CorpusView, username: str) -> InlineQueryResultArticle:
    """How to ask inline, with an example."""
    example = corpus.examples[0] if corpus.examples else ""
    return _article(
        "help", render("inline_help.html", username=username, example=example),
        render("inline_title.html", kind="help"),
        render("inline_description.html", kind="help", username=username, example=example),
    )


def refusal_result() -> InlineQueryResultArticle:
    """The one result for users outside QABOT_ALLOWED_CHAT_IDS (QABOT_REFUSE_UNKNOWN_CHATS)."""
    text = render("not_allowed.html")
    return _article("not-allowed", text, "Not available", text)


def _passages(answer: Answer) -> list[tuple[str, str, str]]:
    """(source, title, text) of the evidence, then the retrieved passages, without repeats."""
    found = [(e.source, e.title, e.quote) for e in answer.evidence]
    found += [(h.source, h.title, h.text) for h in answer.passages]
    seen: set[str] = {answer.quote} if answer.quote else set()
    out = []
    for item in found:
        if item[2] not in seen:
            seen.add(item[2])
            out.append(item)
    return out


def _article(result_id: str, html: str, title: str, description: str) -> InlineQueryResultArticle:
    # An inline message is one message: keep the first chunk of a very long reply.
    content = InputTextMessageContent(
        split_html(html)[0], parse_mode=ParseMode.HTML,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )
    return InlineQueryResultArticle(result_id, title, content, description=description)
