"""The one path from a question to an Answer: retrieve, read, corroborate, decide."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from spacy.tokens import Doc

from retrieval.bm25 import top_k
from retrieval.corpus import load_corpus
from retrieval.corroborate import SUPPORT_COVER, cluster, rivals, supporting
from retrieval.candidates import Candidate
from retrieval.features import (
    SentenceView, coverage, is_type_match, refers_back, sentence_view, token_terms,
)
from retrieval.index import Index, build_index
from retrieval.index_store import open_index
from retrieval.nlp import ParseCache, start_worker
from retrieval.normalize import answer_key
from retrieval.paraphrase import has_word_for, question_senses, said_otherwise, with_paraphrases
from retrieval.passage_rank import best_passages
from retrieval.passages import Sentences
from retrieval.question import Question, analyze, answer_kind_terms
from retrieval.reader import Scored, load_model, read, signals
from retrieval.roles import filled
from retrieval.sparse_bm25 import SparseBM25
from retrieval.spelling import respell
from retrieval.tokenize import acronym_terms, tokenize
from retrieval.truecase import truecase
from retrieval.values import Answer, Claim, Document, Evidence, Hit
from retrieval.window_bm25 import WindowBM25
from retrieval.wordnet import wordnet

MAX_QUESTION_CHARS = 1000
SMALL_CORPUS = 2000  # sentences; below this, passages BM25Okapi scores at zero are scanned
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
    backend: str = "sparse"  # or "rank-bm25", the reference implementation
    context: int = 1  # neighbouring sentences indexed with each sentence
    parse_worker: bool = True  # parse about half the read sentences in a second process


def _not_the_holder(q: Question, best: Scored, type_match: float) -> bool:
    """"Moscow" is no president of France, however well it scores; nor is anyone named
    where the text does not name the office ("Assad" for "Saudi Arabia's foreign minister"),
    or names it in a sentence about another place: "Russian Foreign Minister Sergei
    Lavrov" for "Qatar's foreign minister", beside a sentence naming Qatar."""
    if q.asks_office_holder and (not type_match or best.label == "GPE"):
        return True
    if not q.asks_a_places_office:
        return False
    if q.office not in best.view.window:
        return True
    places = _office_places(best.view, q.office)
    return bool(places) and not any(p & q.role_places for p in places)


# Words between a name and its other name: "X [also known as the Y]", "X, called Y".
_ALIAS_LINKS = frozenset({"[", "(", ",", "also", "known", "as", "called", "the"})


def _named_in_question(q: Question, best: Scored) -> bool:
    """The person asked for is no other name of what the question names: "Who heads the
    White Helmets?" is not "the Syria Civil Defence Force [also known as the White
    Helmets]", nor "Who heads the Syrian Observatory?" its appositive "a British-based
    organisation". Only names of several words count: a one-word one ("MVP") is as often
    a title the answer holds, as in "Bart Starr (MVP of Super Bowl I)"; and a question
    about a role ("Who is the UN envoy for Syria?") is answered by the role's appositive."""
    if q.kind != "person" or not q.name_phrases or q.role:
        return False
    doc = best.view.doc
    root = doc[best.start : best.end].root
    linked = [c for c in root.children if c.dep_ == "appos"]
    if root.dep_ == "appos":
        linked.append(root.head)
    # The linked name with the words before it ("the Syrian Observatory"), not the phrases
    # after it, which relate rather than rename ("champion of Super Bowl XLIX").
    phrases = [" ".join(w.lower_ for w in doc[t.left_edge.i : t.i + 1])
               for t in linked if t.pos_ == "PROPN"]
    # "X [also known as Y]": the parser often loses the bracket's link.
    after = [t.lower_ for t in doc[best.end : best.end + 8]]
    link = 0
    while link < len(after) and after[link] in _ALIAS_LINKS:
        link += 1
    if {"known", "called"} & set(after[:link]):
        phrases.append(" ".join(after[link:]))
    return any(name in phrase for name in q.name_phrases for phrase in phrases)


def _office_places(view: SentenceView, office: str) -> list[frozenset[str]]:
    """Terms of the places each mention of an office in the sentence is qualified by:
    "Russian" of "Russian Foreign Minister", "France" of "the president of France"; a mention
    qualified by none ("President Obama") is left out."""
    out = []
    for tok in view.doc:
        if office not in view.terms[tok.i]:
            continue
        phrase = list(view.doc[tok.left_edge.i : tok.i]) + [
            w for prep in tok.children if prep.lower_ == "of" for w in prep.subtree]
        terms = frozenset().union(*(
            view.terms[w.i] for w in phrase if w.ent_type_ in ("GPE", "NORP")))
        if terms:
            out.append(terms)
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
        index: Index | None = None,
    ) -> None:
        """Index `documents`, unless `index` (built from them, with this config) is given."""
        self.config = config or EngineConfig()
        self.documents = documents
        index = index or build_index(documents, self.config.context, self.config.backend)
        self.sentences = Sentences(documents, index.spans)
        # A passage scores as its sentence plus its window, each exactly as BM25Okapi.
        self.scorers = (index.own, index.window)
        self.idf = index.idf
        self.unseen_idf = index.idf.unseen
        self.model = load_model()
        wordnet()  # read once per process, before the first question
        self.parses = ParseCache()
        if self.config.parse_worker:
            start_worker()

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
        if config.parse_worker:  # it loads its model while the index loads
            start_worker()
        if cache_dir is None:
            return cls(load_corpus(folder), config)
        opened = open_index(folder, cache_dir, config.context, config.backend)
        return cls(opened.documents, config, opened.index)

    def hit(self, passage: int, score: float) -> Hit:
        sent = self.sentences[passage]
        doc = self.documents[sent.doc]
        return Hit(passage, doc.source, doc.title, sent.text, score)

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
        if not terms:
            return []
        own, window = self.scorers
        if len(self.sentences) > SMALL_CORPUS and isinstance(own, SparseBM25) and isinstance(
                window, WindowBM25):  # exact, scoring only the passages that can make it
            return best_passages(own, window, terms, k)
        scores = own.get_scores(terms) + window.get_scores(terms)
        ranked = top_k(scores, k)
        if len(ranked) < k and len(self.sentences) <= SMALL_CORPUS:
            ranked += self._overlap_ranked(terms, scores, k - len(ranked), {i for i, _ in ranked})
        return ranked

    def _overlap_ranked(
        self, terms: list[str], scores: np.ndarray, k: int, taken: set[int]
    ) -> list[tuple[int, float]]:
        """Passages sharing a term with the query that BM25Okapi scores zero or below.

        In a corpus of a few sentences most terms occur in half the passages or more, and
        BM25Okapi's idf gives them no weight; the passages still match the question.
        """
        wanted = set(terms)
        matches = [
            (len(wanted & set(tokenize(s.text))), float(scores[i]), i)
            for i, s in enumerate(self.sentences) if i not in taken
        ]
        best = sorted((m for m in matches if m[0] > 0), key=lambda m: (-m[0], -m[1], m[2]))[:k]
        return [(i, score) for _, score, i in best]

    def answer(self, question: str) -> Answer:
        """Short answer, verbatim quote and every supporting source, or an honest abstention."""
        text = self.prepared(question)
        if not any(ch.isalnum() for ch in text):
            return Answer(question, None, None, (), 0.0, reason="empty")
        terms = tokenize(text)
        if not terms:
            return Answer(question, None, None, (), 0.0, reason="no_terms")
        ranked = self.ranked(terms, self.config.support_k)
        hits = tuple(self.hit(i, s) for i, s in ranked[: self.config.top_k])
        if not ranked:
            return Answer(question, None, None, (), 0.0, reason="not_found")
        if self.off_topic(text, terms):  # nothing is worth parsing
            return Answer(question, None, None, (), 0.0, passages=hits, reason="low_confidence")
        q, views = self.reading(text, ranked)
        if self.role_unknown(q) or self.count_unknown(q):
            return Answer(question, None, None, (), 0.0, passages=hits, reason="low_confidence")
        weights = self.term_weights(q)
        cands = read(q, views, self.model)
        if not cands:
            return Answer(question, None, None, (), 0.0, passages=hits, reason="not_found")
        groups = cluster(cands)
        best = groups[0].best

        def cover_of(i: int) -> float:
            return self.window_cover(i, weights)

        margin = groups[0].score - groups[1].score if len(groups) > 1 else 5.0
        type_match = float(is_type_match(q, best.view, Candidate(best.start, best.end, best.label)))
        confidence = self.model.confidence(signals(q, best.view, type_match, groups[0].score, margin))
        if confidence < self.config.threshold or _not_the_holder(q, best, type_match) or (
                self._counts_elsewhere(q, best) or self._role_unsaid(q, best)
                or self._counts_another_act(q, best) or _named_in_question(q, best)):
            return Answer(question, None, None, (), confidence, passages=hits, reason="low_confidence")

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
            evidence=tuple(evidence), conflicts=conflicts, passages=hits,
        )

    def _counts_elsewhere(self, q: Question, best: Scored) -> bool:
        """A count in a sentence about no place the question names, in a document not titled
        with it, is another place's count: "25 killed (in Aleppo)" for "How many were killed
        in Eastern Ghouta?", told a sentence later."""
        if q.kind != "number" or not q.places:
            return False
        title = _text_terms(self.documents[self.sentences[best.sentence].doc].title)
        return not q.places & title.union(*best.view.terms)

    def _role_unsaid(self, q: Question, best: Scored) -> bool:
        """A role the corpus only has other words for ("chief" for "head") must be said in
        the answer's sentence: "human" elsewhere makes no one "the first man on the Moon"."""
        terms = set(tokenize(q.role)) if q.role else set()
        return bool(terms - self.idf.keys()) and not terms <= set().union(*best.view.terms)

    def role_unknown(self, q: Question) -> bool:
        """The corpus never uses the role a who-question asks about ("Who is the king of
        Saudi Arabia?" of articles that never mention a king), so it never says who holds it.
        A word for it in another of its senses counts: "chief" for "head"."""
        terms = tokenize(q.role) if q.role else []
        return bool(terms) and not any(t in self.idf for t in terms) and not self._has_word_for(
            q.role, every=True)

    def count_unknown(self, q: Question) -> bool:
        """The corpus never names what a how-many question counts, nor says it otherwise
        ("How many refugees ...?" of articles that never mention refugees): any count it
        gives is of something else. A word sharing the term's first five letters counts as
        naming it ("honored" for "honorees")."""
        terms = tokenize(q.focus) if q.counts and q.focus else []
        if len(terms) != 1 or terms[0] in self.idf or self._has_word_for(q.focus):
            return False
        stem = terms[0][:5]
        return len(stem) < 5 or not self.idf.has_prefix(stem)

    def _counts_another_act(self, q: Question, best: Scored) -> bool:
        """A how-many question counts people by what befell them, the corpus never tells of
        that in any form or other words, and the count is of people another verb acts on:
        "killed 25 people" for "How many people were wounded?". A verb that brings it about
        tells of it ("killed" for "died"); a count no verb acts on ("in front of 5,000
        people", for "How many watched?") may still be the one asked for."""
        lexicon = wordnet()
        if lexicon is None or not (q.counts and q.slot and q.focus) or lexicon.lexname(
                q.focus) not in ("person", "group"):
            return False
        verb = q.slot[0]
        if any(t in self.idf for t in tokenize(verb)) or any(
                self._has_word_for(v, pos="VERB") for v in [verb, *lexicon.causes(verb)]):
            return False
        doc = best.view.doc
        root = doc[best.start : best.end].root.i
        return any(doc[head].pos_ == "VERB" and role in ("subj", "obj")
                   for head, role in filled(doc, root))

    def _has_word_for(self, word: str, every: bool = False, pos: str = "NOUN") -> bool:
        """Whether the corpus says a word in other words or forms (`paraphrase.has_word_for`),
        its irregular forms read back to their lemma ("children": "kids")."""
        lexicon = wordnet()
        return lexicon is not None and any(
            has_word_for(lemma, pos, self.idf.__contains__, lexicon, every)
            for lemma in [word, *lexicon.bases.get(word, ())])

    def term_weights(self, q: Question) -> dict[str, float]:
        """idf of each question term; a term the corpus lacks weighs the most."""
        return {t: self.idf.get(t, self.unseen_idf) for t in q.terms}

    def unseen_share(self, terms: Sequence[str], seen: frozenset[str] = frozenset()) -> float:
        """The share of the question's weight on terms the corpus never uses (and `seen`
        does not excuse)."""
        weights = {t: self.idf.get(t, self.unseen_idf) for t in terms}
        unseen = sum(w for t, w in weights.items() if t not in self.idf and t not in seen)
        return unseen / (sum(weights.values()) or 1)

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
            out.append(Evidence(doc.source, doc.title, sent.text, c.text))
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
            if not any(_contains(words, k) for k in keys) or cover_of(i) < need:
                continue
            doc = self.documents[sent.doc]
            out.append(Evidence(doc.source, doc.title, sent.text, best.text))
        return out


@lru_cache(maxsize=4096)
def _text_terms(text: str) -> frozenset[str]:
    """Terms of a sentence or title with its names' initials; the neighbours of the sentences
    read recur in windows."""
    return frozenset(tokenize(text)) | acronym_terms(text)


def _contains(haystack: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    n = len(needle)
    return n > 0 and any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))
