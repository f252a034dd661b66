"""Features of a candidate answer span, shared by the reader and its training script."""
from __future__ import annotations

import math
from dataclasses import dataclass

from spacy.tokens import Doc

from retrieval.candidates import Candidate
from retrieval.question import Question
from retrieval.tokenize import tokenize

_ROOT_DEPS = ("nsubj", "nsubjpass", "dobj", "pobj", "appos", "compound", "attr", "conj", "npadvmod")


@dataclass(frozen=True)
class SentenceView:
    """A parsed sentence with what every candidate in it shares."""

    doc: Doc
    terms: tuple[frozenset[str], ...]  # index terms of each token
    matched: tuple[int, ...]  # tokens whose terms occur in the question
    cover: float  # idf-weighted share of the question's terms found in the sentence
    bm25_rel: float  # passage score / best passage score
    rank: int


def coverage(present: set[str], weights: dict[str, float]) -> float:
    """The idf-weighted share of the question's terms found in `present`."""
    total = sum(weights.values()) or 1.0
    return sum(w for t, w in weights.items() if t in present) / total


def sentence_view(
    doc: Doc, weights: dict[str, float], bm25_rel: float, rank: int
) -> SentenceView:
    """Pre-compute the question-sentence alignment once per sentence."""
    terms = tuple(frozenset(tokenize(tok.text)) for tok in doc)
    cover = coverage(set().union(*terms) if terms else set(), weights)
    matched = tuple(i for i, ts in enumerate(terms) if ts & weights.keys())
    return SentenceView(doc, terms, matched, cover, bm25_rel, rank)


def features(q: Question, view: SentenceView, cand: Candidate) -> dict[str, float]:
    """Named feature values of one candidate; absent names are 0."""
    doc, s, e = view.doc, cand.start, cand.end
    span = doc[s:e]
    qterms = set(q.terms)
    cand_terms = set().union(*view.terms[s:e])
    overlap = len(cand_terms & qterms) / len(cand_terms) if cand_terms else 1.0
    outside = [i for i in view.matched if i < s or i >= e]
    dist = min((s - i if i < s else i - e + 1 for i in outside), default=len(doc))
    type_match = cand.label in q.labels
    focus = q.focus
    root = span.root
    f: dict[str, float] = {
        "bias": 1.0,
        f"label={cand.label}": 1.0,
        f"kind={q.kind}|label={cand.label}": 1.0,
        f"wh={q.wh}|label={cand.label}": 1.0,
        "type_match": float(type_match),
        f"kind={q.kind}|type_match": float(type_match),
        "q_overlap": overlap,
        "q_overlap_all": float(overlap >= 1.0),
        "cover": view.cover,
        "cover_sq": view.cover**2,
        "bm25_rel": view.bm25_rel,
        "top_rank": 1.0 / (1 + view.rank),
        "log_dist": math.log1p(dist),
        "near": float(dist <= 3),
        "matched_outside": min(len(outside), 8) / 8,
        "left_match": float(s > 0 and bool(view.terms[s - 1] & qterms)),
        "right_match": float(e < len(doc) and bool(view.terms[e] & qterms)),
        "log_len": math.log(e - s),
        "len1": float(e - s == 1),
        f"dep={root.dep_ if root.dep_ in _ROOT_DEPS else 'other'}": 1.0,
        "propn": sum(t.pos_ == "PROPN" for t in span) / (e - s),
        "pron": float(any(t.pos_ == "PRON" for t in span)),
        "has_num": float(any(t.like_num for t in span)),
        "year": float(any(t.shape_ == "dddd" for t in span)),
        "in_quotes": float(doc[0].text in ('"', "“")),
        "verb_head_match": float(bool(_terms(root.head.text) & qterms) and root.head.i != root.i),
    }
    if focus:
        fstem = tokenize(focus)
        if fstem:
            f["focus_in_cand"] = float(fstem[0] in cand_terms)
            window = view.terms[max(0, s - 3) : s] + view.terms[e : e + 3]
            f["focus_near"] = float(any(fstem[0] in ts for ts in window))
    return f


def _terms(text: str) -> set[str]:
    return set(tokenize(text))
