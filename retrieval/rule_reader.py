"""The rule reader (`QABOT_READER=rules`): spaCy parses, hand-written features and rules, and
a linear model over them. The neural span reader replaced it; it stays to compare against.
It is imported only when chosen, so that the default engine never loads spaCy."""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from spacy.tokens import Doc

from retrieval.candidates import Candidate
from retrieval.corroborate import SUPPORT_COVER, cluster, rivals, supporting
from retrieval.decline import another_parties, count_unknown, declines, role_unknown
from retrieval.engine import _text_terms
from retrieval.features import (
    SentenceView,
    coverage,
    is_type_match,
    refers_back,
    sentence_view,
    token_terms,
)
from retrieval.nlp import ParseCache, start_worker
from retrieval.normalize import answer_key, contains_run
from retrieval.paraphrase import question_senses, said_otherwise, with_paraphrases
from retrieval.question import Question, analyze, answer_kind_terms
from retrieval.reader import Scored, load_model, read, signals
from retrieval.tokenize import acronym_terms
from retrieval.truecase import truecase
from retrieval.values import Answer, Claim, Evidence, Hit, Trace, TraceCandidate
from retrieval.wordnet import wordnet

if TYPE_CHECKING:
    from retrieval.engine import Engine


class RuleReader:
    """Parses the best sentences, scores their candidate spans and decides, by its rules."""

    def __init__(self, engine: Engine) -> None:
        self.config = engine.config
        self.documents = engine.documents
        self.sentences = engine.sentences
        self.idf = engine.idf
        self.unseen_idf = engine.unseen_idf
        self.unseen_share = engine.unseen_share
        self.window_texts = engine.window_texts
        self.window_cover = engine.window_cover
        self.term_weights_of = engine.term_weights_of
        self.model = load_model()
        self.parses = ParseCache()
        if self.config.parse_worker:
            start_worker()

    def answer(
        self, question: str, text: str, terms: Sequence[str], ranked: list[tuple[int, float]],
        hits: tuple[Hit, ...],
    ) -> Answer:
        """Short answer, verbatim quote and every supporting source, or an honest abstention."""
        threshold = self.config.threshold

        def declined(rule: str) -> Answer:
            return Answer(question, None, None, (), 0.0, passages=hits, reason="low_confidence",
                          trace=Trace("rules", (), 0.0, threshold, rules=(rule,)))

        if self.off_topic(text, terms):  # nothing is worth parsing
            return declined("off_topic")
        q, views = self.reading(text, ranked)
        if role_unknown(q, self.idf):
            return declined("role_unknown")
        if count_unknown(q, self.idf):
            return declined("count_unknown")
        weights = self.term_weights(q)
        spans = read(q, views, self.model)
        # "Russian air strikes" answer no question about French ones, however well they read;
        # nor is a value of theirs a rival when sources differ.
        barred = {i for i, view in views if another_parties(q, view)}
        cands = [c for c in spans if c.sentence not in barred]
        if not cands:
            if spans:
                return declined("another_parties")
            return Answer(question, None, None, (), 0.0, passages=hits, reason="not_found")
        groups = cluster(cands)
        best = groups[0].best

        def cover_of(i: int) -> float:
            return self.window_cover(i, weights)

        margin = groups[0].score - groups[1].score if len(groups) > 1 else 5.0
        type_match = is_type_match(q, best.view, Candidate(best.start, best.end, best.label))
        confidence = self.model.confidence(
            signals(q, best.view, float(type_match), groups[0].score, margin))
        document = self.documents[self.sentences[best.sentence].doc]
        # Titles judge only a person asked for by place ("Which Iranian official ...?"); the
        # document is searched for them only then.
        titles = titles_of(best, document.text) if q.role_place_words else ()
        fired = ("another_parties",) if barred else ()
        if declines(q, best, type_match, self.idf, _text_terms(document.title), titles):
            fired += ("declines",)
        trace = Trace("rules", tuple(
            TraceCandidate(g.best.text, self.documents[self.sentences[g.best.sentence].doc].source,
                           round(g.score, 3)) for g in groups[:8]),
            round(confidence, 4), threshold, rules=fired)
        if confidence < threshold or "declines" in fired:
            return Answer(question, None, None, (), confidence, passages=hits,
                          reason="low_confidence", trace=trace)

        support = supporting(groups[0], cover_of)
        evidence = self._evidence(support) + self._more_support(best, ranked, support, cover_of)
        sources = tuple(sorted({e.source for e in evidence}))
        sources_of = {c.sentence: self.documents[self.sentences[c.sentence].doc].source for c in cands}
        # A rival value is quoted first from a source that does not state the answer.
        conflicts = tuple(
            Claim(g.best.text, tuple(sorted(
                self._evidence(supporting(g, cover_of)), key=lambda e: e.source in sources
            )), g.score)
            for g in rivals(groups, q.kind, sources_of)
        )
        return Answer(
            question, best.text, evidence[0].quote, sources, confidence,
            evidence=tuple(evidence), conflicts=conflicts, passages=hits, trace=trace,
        )

    def term_weights(self, q: Question) -> dict[str, float]:
        """idf of each question term; a term the corpus lacks weighs the most."""
        return self.term_weights_of(q.terms)

    def off_topic(self, text: str, terms: Sequence[str]) -> bool:
        """Whether most of the question's weight is on terms the corpus never uses, even in
        other words, leaving out the kind of answer asked for when the corpus never names it."""
        if self.unseen_share(terms) < self.config.max_unseen:
            return False
        (doc,) = self.parses.parse([text])
        kind = self.unnamed_kind(doc)
        about = [t for t in terms if t not in kind]
        # Terms it never uses but has another word for ("start": "begin") are excused.
        said = said_otherwise(doc, self.idf.__contains__, wordnet())
        return self.unseen_share(about, said) >= self.config.max_unseen

    def unnamed_kind(self, question: Doc) -> frozenset[str]:
        """Terms of the kind of answer asked for that the corpus never uses ("news network"
        of "Which news network ...?"): a text need not say what its answer is ("CNN")."""
        return frozenset(t for t in answer_kind_terms(question) if t not in self.idf)

    def reading(
        self, text: str, ranked: list[tuple[int, float]]
    ) -> tuple[Question, list[tuple[int, SentenceView]]]:
        """The parsed question and the parsed, aligned top sentences the reader reads."""
        top = ranked[: self.config.read_k]
        q_doc, *docs = self.parses.parse([text] + [self.sentences[i].text for i, _ in top])
        cased = truecase(text, docs)  # "madaya" -> "Madaya": the parser knows names by capitals
        if cased != text:
            text, (q_doc,) = cased, self.parses.parse([cased])
        q = analyze(text, q_doc)
        weights = self.term_weights(q)
        best = top[0][1] if top[0][1] > 0 else 1.0
        lexicon = wordnet()
        senses = question_senses(q_doc, lexicon, self.idf.__contains__)
        terms = [with_paraphrases(d, token_terms(d), senses, lexicon) for d in docs]
        # Terms a sentence stands for beyond its words: its names' initials ("US" for "the
        # United States") and, when it refers back, the sentence before's terms.
        implied = [
            acronym_terms(d.text) | (
                self.neighbour_terms(i, -1) if refers_back(d) else frozenset())
            for (i, _), d in zip(top, docs)
        ]
        covers = [coverage(set().union(more, *ts), weights) for ts, more in zip(terms, implied)]
        kind = self.unnamed_kind(q_doc)
        about = {t: w for t, w in weights.items() if t not in kind}
        unseen = self.unseen_share(list(about))
        texts = [self.window_texts(i) for i, _ in top]
        windows = [frozenset().union(*map(_text_terms, t)) for t in texts]
        views = [
            (i, sentence_view(
                d, ts, window, weights, missing=self.missing(window, about), unseen=unseen,
                prev_cover=self.neighbour_cover(i, -1, weights),
                next_cover=self.neighbour_cover(i, 1, weights),
                next_opening=self.next_opening(i), question=q.terms, implied=more,
                best_cover=max(covers), bm25_rel=s / best, rank=r,
                names_apart=names_apart(q, text, window),
            ))
            for r, ((i, s), d, ts, window, text, more) in enumerate(
                zip(top, docs, terms, windows, texts, implied))
        ]
        return q, views

    def _evidence(self, cands: list[Scored]) -> list[Evidence]:
        out = []
        for c in cands:
            sent = self.sentences[c.sentence]
            doc = self.documents[sent.doc]
            out.append(Evidence(doc.source, doc.title, sent.text, c.text, doc.place(sent.start),
                                c.sentence))
        return out

    def neighbour_terms(self, i: int, step: int) -> frozenset[str]:
        """Terms of the sentence `step` away from sentence i in the same document, or none."""
        j = i + step
        if not 0 <= j < len(self.sentences) or self.sentences[j].doc != self.sentences[i].doc:
            return frozenset()
        return _text_terms(self.sentences[j].text)

    def neighbour_cover(self, i: int, step: int, weights: dict[str, float]) -> float:
        """Coverage of the sentence `step` away from sentence i in the same document, or 0."""
        return coverage(self.neighbour_terms(i, step), weights)

    def next_opening(self, i: int) -> tuple[str, ...]:
        """The first words of the next sentence in the same document, lowercase."""
        j = i + 1
        if j >= len(self.sentences) or self.sentences[j].doc != self.sentences[i].doc:
            return ()
        return tuple(self.sentences[j].text[:60].lower().split()[:2])

    def missing(self, window: frozenset[str], weights: dict[str, float]) -> float:
        """The weight of the rarest question term a window lacks, relative to an unseen term."""
        return max((w for t, w in weights.items() if t not in window), default=0.0) / self.unseen_idf

    def _more_support(
        self, best: Scored, ranked: list[tuple[int, float]], have: list[Scored],
        cover_of: Callable[[int], float],
    ) -> list[Evidence]:
        """Sentences beyond those the reader parsed that state the answer verbatim, or a
        person's surname alone ("Sergey Lavrov", "Lavrov" for "Sergei Lavrov")."""
        key = answer_key(best.text)
        keys = [key]
        if best.label == "PERSON" and len(key) > 1 and len(key[-1]) > 2:
            keys.append(key[-1:])  # the surname alone
        done = {c.sentence for c in have}
        need = SUPPORT_COVER * cover_of(best.sentence)
        out = []
        for i, _ in ranked[self.config.read_k :]:
            sent = self.sentences[i]
            if i in done:
                continue
            words = answer_key(sent.text)  # cheaper than the window's cover: tested first
            if not any(contains_run(words, k) for k in keys) or cover_of(i) < need:
                continue
            doc = self.documents[sent.doc]
            out.append(Evidence(doc.source, doc.title, sent.text, best.text,
                                doc.place(sent.start), i))
        return out

def names_apart(q: Question, window_texts: list[str], window: frozenset[str]) -> float:
    """The share of the question's names of several words that a sentence's window (its
    texts and their terms) neither spells out nor abbreviates ("Islamic State", "IS"): a
    window with "Marek Budzyński and Zbigniew Badowski" is about neither "Zbigniew Marek"."""
    if not q.name_phrases:
        return 0.0
    text = " ".join(" ".join(window_texts).lower().split())
    apart = [name for name in q.name_phrases
             if name not in text and not acronym_terms(name.title()) & window]
    return len(apart) / len(q.name_phrases)

# The capitalised words of a title right before a name: "US Secretary of State John ".
_TITLE_RUN = re.compile(r"(?:(?:[A-Z][\w'’-]*|[A-Z](?:\.[A-Z])+\.|of|the)\s+){1,6}$")


def titles_of(best: Scored, text: str) -> tuple[str, ...]:
    """The words that title a person the answer names, wherever its document names them:
    "US Secretary of State John" for "Kerry", answered from a sentence that quotes him."""
    words = best.text.split()
    if best.label not in ("PERSON", "ORG") or not words:  # the tagger takes some for ORGs
        return ()
    # Found name first, title after: a book-length document is read once, not per position.
    out: list[str] = []
    for m in re.finditer(rf"\b{re.escape(words[-1])}\b", text):
        run = _TITLE_RUN.search(text, max(0, m.start() - 80), m.start())
        out += run.group().split() if run else []
    return tuple(out)
