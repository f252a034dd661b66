"""Score predictions on a question set with the rules of the reference scorer (shared/eval/score.py)."""
from __future__ import annotations

import re
import string
from collections import Counter
from dataclasses import dataclass

from retrieval.normalize import MONTHS

_IGNORED = frozenset(
    "a an the more than over at least about some around nearly on".split()
)
_PUNCT = set(string.punctuation) - {",", "."}


def score_tokens(text: str) -> list[str]:
    """Tokens the reference scorer compares: lowercase, no punctuation, months spelled out."""
    text = "".join(" " if ch in _PUNCT else ch for ch in text.lower().replace("-", " "))
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text).replace(",", " ").replace(".", " ")
    return [t for t in (MONTHS.get(w, w) for w in text.split()) if t not in _IGNORED]


def f1(pred: str, gold: str) -> float:
    p, g = score_tokens(pred), score_tokens(gold)
    if not p or not g:
        return float(p == g)
    common = sum((Counter(p) & Counter(g)).values())
    if not common:
        return 0.0
    precision, recall = common / len(p), common / len(g)
    return 2 * precision * recall / (precision + recall)


def is_correct(pred: str, golds: list[str]) -> bool:
    """Exact after normalising, or every gold token present with at most 4 extra tokens."""
    p = score_tokens(pred)
    for gold in golds:
        g = score_tokens(gold)
        if p == g or (g and set(g) <= set(p) and len(p) <= len(g) + 4):
            return True
    return False


@dataclass(frozen=True)
class Scores:
    answerable: int
    correct: int
    em: float
    f1: float
    cite_p: float
    cite_r: float
    unanswerable: int
    abstained: int

    @property
    def overall(self) -> float:
        total = self.answerable + self.unanswerable
        return (self.correct + self.abstained) / total if total else 0.0

    def summary(self) -> str:
        return (
            f"answerable {self.correct}/{self.answerable} correct, EM {self.em:.2f}, F1 {self.f1:.2f}, "
            f"citation P {self.cite_p:.2f} R {self.cite_r:.2f}, "
            f"abstained {self.abstained}/{self.unanswerable}, overall {self.overall:.2f}"
        )


def score(gold: list[dict], pred: list[dict]) -> Scores:
    """Aggregate scores of predictions against gold rows, paired in order."""
    n_ans = n_unans = correct = abstained = 0
    em = f1_sum = cite_p = cite_r = 0.0
    for g, p in zip(gold, pred, strict=True):
        answer = p.get("answer")
        if not g.get("answers"):
            n_unans += 1
            abstained += not answer
            continue
        n_ans += 1
        golds = g["answers"]
        good = bool(answer) and is_correct(answer, golds)
        correct += good
        em += bool(answer) and any(score_tokens(answer) == score_tokens(x) for x in golds)
        f1_sum += max(f1(answer, x) for x in golds) if answer else 0.0
        if good:
            cited = {str(s) for s in p.get("sources") or []}
            gs = set(g.get("sources") or [])
            cite_p += len(cited & gs) / len(cited) if cited else 0.0
            cite_r += len(cited & gs) / len(gs) if gs else 0.0
    c = max(correct, 1)
    n = max(n_ans, 1)
    return Scores(n_ans, correct, em / n, f1_sum / n, cite_p / c, cite_r / c, n_unans, abstained)
