"""Telegram HTML for every reply: the corpus facts the templates need, and `render` calls."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.metadata import version
from types import MappingProxyType

from prompts import render
from retrieval import Answer, Engine
from retrieval.values import Context

TITLE_WIDTH = 40
LISTED_DOCUMENTS = 100  # /sources lists this many; a huge corpus would flood the chat


def shorten(text: str, width: int = TITLE_WIDTH) -> str:
    """`text` cut at a word boundary to about `width` characters, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    cut = text[: width + 1].rsplit(" ", 1)[0] if " " in text[:width] else text[:width]
    return cut.rstrip(" ,;:.-–—") + "…"


@dataclass(frozen=True)
class Source:
    """One document as /sources lists it."""

    source: str
    title: str
    words: int


@dataclass(frozen=True)
class CorpusView:
    """What the replies say about the corpus, computed once at start-up."""

    sources: tuple[Source, ...]
    passages: int
    examples: tuple[str, ...]
    version: str
    key: str = "0"  # the index's, in the source buttons: a button outliving its index says so
    titles: Mapping[str, str] = field(init=False, repr=False)  # source id -> short title

    def __post_init__(self) -> None:
        titles = MappingProxyType({s.source: shorten(s.title) for s in self.sources})
        object.__setattr__(self, "titles", titles)

    @classmethod
    def of(cls, engine: Engine, examples: tuple[str, ...], key: str = "0") -> CorpusView:
        """Summarise the engine's corpus, whose index is `key`."""
        sources = tuple(Source(d.source, d.title, len(d.text.split())) for d in engine.documents)
        return cls(sources, len(engine.sentences), examples, version("qabot"), key)


def answer_html(answer: Answer, corpus: CorpusView, show_question: bool = False) -> str:
    """The reply to a question: answer, quote and sources, disagreements, or not found."""
    return render(
        "answer.html", answer=answer, titles=corpus.titles, examples=corpus.examples,
        show_question=show_question,
    )


SOURCE_PREFIX = "src:"  # callback data of a source's button: src:<index key>:<sentence index>
SOURCE_BUTTONS = 6  # more would bury the answer under its keyboard


def source_buttons(answer: Answer, corpus: CorpusView) -> list[tuple[str, str]]:
    """(label, callback data) of a button for each cited source: it opens the quote with the
    sentences around it."""
    out: list[tuple[str, str]] = []
    evidence = [*answer.evidence, *(e for c in answer.conflicts for e in c.evidence)]
    seen: set[str] = set()
    for e in evidence:
        if e.passage is None or e.source in seen:
            continue
        seen.add(e.source)
        where = f", {e.place}" if e.place else ""
        label = shorten(f"📄 {e.source} {corpus.titles.get(e.source, '')}{where}", 60)
        out.append((label, f"{SOURCE_PREFIX}{corpus.key}:{e.passage}"))
    return out[:SOURCE_BUTTONS]


def context_html(context: Context) -> str:
    """A quote in its place: the sentences before and after it, its source and page."""
    return render("context.html", context=context, title=shorten(context.title))


def passage_html(source: str, title: str, text: str, question: str) -> str:
    """A passage quoted with its source (an inline result's message)."""
    return render("passage.html", source=source, title=shorten(title), text=text, question=question)


def start_html(corpus: CorpusView, username: str) -> str:
    return render("start.html", corpus=corpus, username=username)


def help_html(corpus: CorpusView, username: str) -> str:
    return render("help.html", corpus=corpus, username=username)


def sources_html(corpus: CorpusView) -> str:
    listed = corpus.sources[:LISTED_DOCUMENTS]
    return render(
        "sources.html", sources=listed, more=len(corpus.sources) - len(listed),
        titles=corpus.titles,
    )


def about_html(corpus: CorpusView) -> str:
    return render("about.html", corpus=corpus, words=sum(s.words for s in corpus.sources))
