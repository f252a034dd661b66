"""The one path from a question to an Answer: retrieve, read, corroborate, decide."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from retrieval.backends import SearchBackend, SearchUnavailable
from retrieval.backends.in_process import InProcessSearch
from retrieval.corpus import load_corpus
from retrieval.coverage import coverage
from retrieval.index import Index, build_index
from retrieval.index_store import open_index
from retrieval.passages import Sentences
from retrieval.span_reader.reader import SpanReader
from retrieval.spelling import respell
from retrieval.tokenize import acronym_terms, tokenize
from retrieval.values import Answer, Context, Document, Hit, shown
from retrieval.wordnet import wordnet

if TYPE_CHECKING:
    from retrieval.rule_reader import RuleReader

MAX_QUESTION_CHARS = 1000
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


@dataclass(frozen=True)
class EngineConfig:
    """How much the engine reads and when it abstains."""

    top_k: int = 5  # passages attached to an answer
    read_k: int = 5  # sentences the reader parses for candidates (more read no better, and cost more)
    support_k: int = 40  # passages searched for corroborating sources
    threshold: float = 0.15  # abstain below this confidence (chosen on the dev and check sets)
    # Abstain when this share of the question's weight is on words the corpus never uses:
    # "What is the capital of France?" asked of news about Syria.
    max_unseen: float = 0.5
    # "sparse" (in process), "rank-bm25" (the reference implementation, in process), or
    # "xapian": the passages ranked by Xapian shards (retrieval/backends/xapian_search.py)
    backend: str = "sparse"
    xapian_shards: tuple[str, ...] = ()  # folders or tcp://host:port, one per shard
    xapian_pool: int = 100  # candidates Xapian fetches for exact re-scoring
    xapian_partial: bool = False  # answer from the shards up when some are down, marked partial
    xapian_timeout: float = 2.0  # seconds a shard may take to answer before it is set aside
    context: int = 1  # neighbouring sentences indexed with each sentence
    parse_worker: bool = True  # parse about half the read sentences in a second process
    # "neural": the fine-tuned span reader (retrieval/span_reader); "rules": the feature
    # reader with its hand rules, kept to compare against.
    reader: str = "neural"
    windows: int = 8  # windows the neural reader reads (a sentence and a neighbour either side)
    abstain_threshold: float | None = None  # None: the threshold fitted with the model

    @property
    def local_backend(self) -> str:
        """The backend of the engine's own index: with Xapian shards, the saved sparse index
        still gives the sentences' text and the terms' weights."""
        return "sparse" if self.backend == "xapian" else self.backend


def clean_question(text: str) -> str:
    """The question without control or invisible characters, bounded in length, and in
    lowercase if it was typed in capitals: those say nothing of which words are names (the
    reader restores the corpus's capitals), and "IS" and "THE" would be read as acronyms."""
    text = text.encode("utf-8", "replace").decode("utf-8")  # lone surrogates
    text = _INVISIBLE.sub("", text)
    text = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)
    text = " ".join(text.split())[:MAX_QUESTION_CHARS]
    return text if any(ch.islower() for ch in text) else text.lower()


class Engine:
    """Answers questions from a corpus; build once, call `answer` from any thread."""

    def __init__(
        self, documents: Sequence[Document], config: EngineConfig | None = None,
        index: Index | None = None, span_reader: SpanReader | None = None,
        searcher: SearchBackend | None = None,
    ) -> None:
        """Index `documents`, unless `index` (built from them, with this config) is given;
        `span_reader`: an engine's loaded model, to share instead of loading it again;
        `searcher`: where retrieval happens (default: `index`, in this process)."""
        self.config = config or EngineConfig()
        self.documents = documents
        index = index or build_index(documents, self.config.context, self.config.local_backend)
        self.sentences = Sentences(documents, index.spans)
        # A passage scores as its sentence plus its window, each exactly as BM25Okapi.
        self.searcher: SearchBackend = searcher or self._searcher(index)
        self.idf = index.idf
        self.unseen_idf = index.idf.unseen
        wordnet()  # read once per process, before the first question
        self.span_reader: SpanReader | None = None
        self.rule_reader: RuleReader | None = None
        if self.config.reader == "neural":
            self.span_reader = span_reader or SpanReader.load(
                threshold=self.config.abstain_threshold)
        else:  # spaCy and the rules load only when asked for
            from retrieval.rule_reader import RuleReader

            self.rule_reader = RuleReader(self)

    @classmethod
    def from_folder(
        cls, folder: str | Path, config: EngineConfig | None = None,
        cache_dir: str | Path | None = None,
    ) -> Engine:
        """Load every document below `folder` and index it, or load its index from `cache_dir`.

        With `cache_dir`, the index is saved there and rebuilt when a corpus file is added,
        changed or removed.
        """
        config = config or EngineConfig()
        if config.parse_worker and config.reader == "rules":  # it loads its model while the index loads
            from retrieval.nlp import start_worker

            start_worker()
        if cache_dir is None:
            return cls(load_corpus(folder), config)
        opened = open_index(folder, cache_dir, config.context, config.local_backend)
        return cls(opened.documents, config, opened.index)

    def _searcher(self, index: Index) -> SearchBackend:
        if self.config.backend != "xapian":
            return InProcessSearch(index.own, index.window, self.sentences)
        from retrieval.backends.xapian_search import XapianSearch

        c = self.config
        return XapianSearch(c.xapian_shards, self.locate, pool=c.xapian_pool,
                            allow_partial=c.xapian_partial, timeout=c.xapian_timeout)

    def locate(self, source: str, sentence: int) -> int | None:
        """The passage index of a document's `sentence`-th sentence; None if there is none."""
        first = self._first_sentence
        if source not in first:
            return None
        at = first[source] + sentence
        doc = self.sentences.spans[first[source], 0]
        ok = 0 <= sentence and at < len(self.sentences) and self.sentences.spans[at, 0] == doc
        return at if ok else None

    @cached_property
    def _first_sentence(self) -> dict[str, int]:
        doc = self.sentences.spans[:, 0]
        first = np.searchsorted(doc, np.arange(len(self.documents)))
        held = np.searchsorted(doc, np.arange(len(self.documents)), side="right") > first
        return {self.documents[i].source: int(first[i]) for i in np.flatnonzero(held)}

    def reindexed(self, documents: Sequence[Document], index: Index) -> Engine:
        """An engine like this one on another corpus and its index, sharing the loaded model."""
        return Engine(documents, self.config, index, self.span_reader)

    def hit(self, passage: int, score: float) -> Hit:
        sent = self.sentences[passage]
        doc = self.documents[sent.doc]
        return Hit(passage, doc.source, doc.title, shown(sent.text), score, doc.place(sent.start))

    def context(self, passage: int, around: int = 2) -> Context | None:
        """Sentence `passage` with up to `around` sentences either side from its document,
        for a reader who wants to see where a quote stands; None when there is no such one."""
        if not 0 <= passage < len(self.sentences):
            return None
        sent = self.sentences[passage]
        doc = self.documents[sent.doc]
        near = range(max(0, passage - around), min(len(self.sentences), passage + around + 1))
        same = [j for j in near if self.sentences[j].doc == sent.doc]
        before = " ".join(shown(self.sentences[j].text) for j in same if j < passage)
        after = " ".join(shown(self.sentences[j].text) for j in same if j > passage)
        return Context(doc.source, doc.title, doc.place(sent.start), before, shown(sent.text),
                       after)

    def search(self, question: str, k: int) -> list[Hit]:
        """The k best passages for a question."""
        terms = tokenize(self.prepared(question))
        return [self.hit(i, s) for i, s in self.ranked(terms, k)]

    def prepared(self, question: str) -> str:
        """The question cleaned (`clean_question`) and its typos mended from the corpus's
        words (`spelling.respell`)."""
        return respell(clean_question(question), self.idf, wordnet())

    def ranked(self, terms: list[str], k: int) -> list[tuple[int, float]]:
        """The k best passages (index, score) for query terms."""
        return self.searcher.search(terms, k).passages

    def answer(self, question: str) -> Answer:
        """Short answer, verbatim quote and every supporting source, or an honest abstention."""
        text = self.prepared(question)
        if not any(ch.isalnum() for ch in text):
            return Answer(question, None, None, (), 0.0, reason="empty")
        terms = tokenize(text)
        if not terms:
            return Answer(question, None, None, (), 0.0, reason="no_terms")
        try:
            found_passages = self.searcher.search(terms, self.config.support_k)
        except SearchUnavailable:
            return Answer(question, None, None, (), 0.0, reason="unavailable")
        ranked = found_passages.passages
        hits = tuple(self.hit(i, s) for i, s in ranked[: self.config.top_k])
        if not ranked:
            return Answer(question, None, None, (), 0.0, reason="not_found",
                          partial=found_passages.partial)
        if self.span_reader is not None:
            found = self.span_reader.answer(self, question, text, terms, ranked, hits)
        else:
            assert self.rule_reader is not None
            found = self.rule_reader.answer(question, text, terms, ranked, hits)
        return _shown(replace(found, partial=found_passages.partial))

    def term_weights_of(self, terms: Sequence[str]) -> dict[str, float]:
        return {t: self.idf.get(t, self.unseen_idf) for t in terms}

    def unseen_share(self, terms: Sequence[str], seen: frozenset[str] = frozenset()) -> float:
        """The share of the question's weight on terms the corpus never uses (and `seen`
        does not excuse)."""
        weights = {t: self.idf.get(t, self.unseen_idf) for t in terms}
        unseen = sum(w for t, w in weights.items() if t not in self.idf and t not in seen)
        return unseen / (sum(weights.values()) or 1)

    def window_texts(self, i: int) -> list[str]:
        """A sentence's window: its document's title, itself and its neighbours."""
        sent = self.sentences[i]
        return [self.documents[sent.doc].title] + [
            self.sentences[j].text
            for j in range(max(0, i - 1), min(len(self.sentences), i + 2))
            if self.sentences[j].doc == sent.doc
        ]

    def window_terms(self, i: int) -> frozenset[str]:
        """Terms of a sentence's window."""
        return frozenset().union(*map(_text_terms, self.window_texts(i)))

    def window_cover(self, i: int, weights: dict[str, float]) -> float:
        """How much of the question a sentence's window matches."""
        return coverage(self.window_terms(i), weights)


def _shown(answer: Answer) -> Answer:
    """The answer as replies show it (`shown`): verbatim words, one space between them."""
    if answer.text is None:
        return answer
    evidence = tuple(replace(e, quote=shown(e.quote), answer=shown(e.answer))
                     for e in answer.evidence)
    conflicts = tuple(replace(c, text=shown(c.text), evidence=tuple(
        replace(e, quote=shown(e.quote), answer=shown(e.answer)) for e in c.evidence))
        for c in answer.conflicts)
    return replace(answer, text=shown(answer.text), quote=shown(answer.quote or ""),
                   evidence=evidence, conflicts=conflicts)


@lru_cache(maxsize=4096)
def _text_terms(text: str) -> frozenset[str]:
    """Terms of a sentence or title with its names' initials; the neighbours of the sentences
    read recur in windows."""
    return frozenset(tokenize(text)) | acronym_terms(text)

