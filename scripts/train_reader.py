"""Fit the reader's weights and confidence calibration; writes retrieval/data/reader.json.

    python scripts/train_reader.py [--shared ../shared] [--folds]

Candidates come from the engine's own retrieval on the SQuAD dev corpus, so training sees
what the reader sees. The ranker is a listwise softmax over each question's candidates
(L2-regularised); the calibration is a logistic regression of "the best candidate is
right" on the reader's signals, with unanswerable SQuAD 2.0 questions, questions asked
of the corpus without their article, and questions with their key word swapped as
negatives. Deterministic: same data, same weights.
"""
from __future__ import annotations

import argparse
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import optimize, sparse

from retrieval import Engine, EngineConfig, load_corpus
from retrieval.evaluate import f1, is_correct, score_tokens
from retrieval.features import SentenceView
from retrieval.question import Question
from retrieval.reader import SIGNAL_SIGNS, WEIGHTS, featurize, signals
from retrieval.tokenize import tokenize

L2 = 1.0


@dataclass
class Example:
    """One question's candidates: features, labels, and what calibration needs."""

    feats: list[dict[str, float]]
    texts: list[str]
    views: list[SentenceView]
    question: Question
    positive: np.ndarray
    golds: list[str]
    article: str


def examples(engine: Engine, rows: list[dict]) -> list[Example]:
    out = []
    for row in rows:
        text = engine.prepared(row["question"])
        ranked = engine.ranked(tokenize(text), engine.config.support_k)
        if not ranked:
            continue
        q, views = engine.rule_reader.reading(text, ranked)
        feats, texts, cand_views = [], [], []
        for _, view, cand, f in featurize(q, views):
            feats.append(f)
            texts.append(view.doc[cand.start : cand.end].text)
            cand_views.append(view)
        golds = row.get("answers") or []
        gold_toks = [score_tokens(g) for g in golds]
        exact = np.array([score_tokens(t) in gold_toks for t in texts], dtype=bool)
        positive = exact if exact.any() else np.array([bool(golds) and is_correct(t, golds) for t in texts])
        article = (row.get("sources") or ["?"])[0]
        out.append(Example(feats, texts, cand_views, q, positive, golds, article))
    return out


def design(exs: list[Example], names: list[str]) -> sparse.csr_matrix:
    index = {n: i for i, n in enumerate(names)}
    rows, cols, vals = [], [], []
    r = 0
    for ex in exs:
        for f in ex.feats:
            for name, v in f.items():
                if name in index and v:
                    rows.append(r), cols.append(index[name]), vals.append(v)
            r += 1
    return sparse.csr_matrix((vals, (rows, cols)), shape=(r, len(names)))


def fit_ranker(exs: list[Example], names: list[str]) -> np.ndarray:
    """Weights minimising the softmax loss of the right candidates, per question."""
    train = [ex for ex in exs if ex.positive.any() and len(ex.feats) > 1]
    X = design(train, names)
    pos = np.concatenate([ex.positive for ex in train]).astype(float)
    sizes = np.array([len(ex.feats) for ex in train])
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    group = np.repeat(np.arange(len(train)), sizes)

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        s = X @ w
        m = np.maximum.reduceat(s, starts)[group]
        e = np.exp(s - m)
        z_all = np.add.reduceat(e, starts)
        z_pos = np.add.reduceat(e * pos, starts)
        value = float(np.sum(np.log(z_all) - np.log(z_pos))) + L2 * float(w @ w)
        p_all = e / z_all[group]
        p_pos = e * pos / z_pos[group]
        grad = X.T @ (p_all - p_pos) + 2 * L2 * w
        return value, grad

    res = optimize.minimize(loss, np.zeros(len(names)), jac=True, method="L-BFGS-B")
    return res.x


def best_of(ex: Example, w: dict[str, float]) -> tuple[int, float, float]:
    """Index, score and margin of the best candidate (margin to the next other text)."""
    scores = np.array([sum(w.get(k, 0.0) * v for k, v in f.items()) for f in ex.feats])
    order = np.argsort(-scores, kind="stable")
    best = int(order[0])
    key = score_tokens(ex.texts[best])
    rival = next((scores[i] for i in order[1:] if score_tokens(ex.texts[i]) != key), scores[best] - 5)
    return best, float(scores[best]), float(scores[best] - rival)


def fit_calibration(exs: list[Example], w: dict[str, float]) -> dict[str, float]:
    """Logistic regression of 'the best candidate is correct' on the reader's signals,
    each weight held to its sign in SIGNAL_SIGNS."""
    X, y = [], []
    for ex in exs:
        if not ex.feats:  # no candidate: the engine abstains whatever the confidence
            continue
        i, s, margin = best_of(ex, w)
        sig = signals(ex.question, ex.views[i], ex.feats[i].get("type_match", 0.0), s, margin)
        X.append([1.0, *sig.values()])
        y.append(float(bool(ex.golds) and is_correct(ex.texts[i], ex.golds)))
    names = ["bias", *sig.keys()]
    X, y = np.array(X), np.array(y)

    def loss(c: np.ndarray) -> tuple[float, np.ndarray]:
        z = X @ c
        p = 1 / (1 + np.exp(-z))
        eps = 1e-12
        value = -float(np.sum(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps))) + 1e-3 * float(c @ c)
        return value, X.T @ (p - y) + 2e-3 * c

    bounds = [(None, None)] + [(0, None) if SIGNAL_SIGNS[n] > 0 else (None, 0) for n in names[1:]]
    c = optimize.minimize(loss, np.zeros(len(names)), jac=True, method="L-BFGS-B", bounds=bounds).x
    return dict(zip(names, c))


def top1(exs: list[Example], w: dict[str, float]) -> tuple[float, float, float]:
    """Exact-match rate, mean F1 and lenient-correct rate of the best candidate of the
    answerable questions."""
    ans = [ex for ex in exs if ex.golds]
    em = ok = f = 0.0
    for ex in ans:
        if not ex.feats:  # no candidate: a miss
            continue
        i, _, _ = best_of(ex, w)
        em += score_tokens(ex.texts[i]) in [score_tokens(g) for g in ex.golds]
        f += max(f1(ex.texts[i], g) for g in ex.golds)
        ok += is_correct(ex.texts[i], ex.golds)
    return em / len(ans), f / len(ans), ok / len(ans)


def out_of_corpus(corpus: Path, rows: list[dict], per_article: int) -> list[Example]:
    """Questions asked of a corpus that lacks their article: the engine should abstain.

    Each article's first questions go to an engine built on the other articles, which is
    what "the corpus does not answer this" looks like to a user.
    """
    docs = load_corpus(corpus)
    out = []
    for doc in docs:
        others = Engine([d for d in docs if d.source != doc.source], EngineConfig(reader="rules"))
        asked = [r for r in rows if doc.source in (r.get("sources") or [])][:per_article]
        out.extend(examples(others, [{**r, "answers": []} for r in asked]))
    return out


def near_misses(engine: Engine, rows: list[dict], per_article: int) -> list[Example]:
    """Questions whose key word is swapped for a rare word of another article: the passage
    that matches the rest of the question does not answer them, as when a user asks for a
    detail the corpus never states ("In which hotel did they meet?").
    """
    words_of: dict[str, set[str]] = {}
    for doc in engine.documents:
        words_of[doc.source] = set(re.findall(r"[A-Za-z][a-z]{4,}", doc.text))
    rng = random.Random(0)
    out = []
    for art in sorted(words_of):
        pool = sorted(
            w for other, ws in words_of.items() if other != art for w in ws
            if w not in words_of[art] and _rare(engine, w)
        )
        asked = [r for r in rows if art in (r.get("sources") or [])][-per_article:]
        for row in asked:
            key = max(re.findall(r"[A-Za-z][\w'-]*", row["question"]), key=lambda w: _idf(engine, w))
            same_case = [w for w in pool if w[0].isupper() == key[0].isupper()] or pool
            question = re.sub(rf"\b{re.escape(key)}\b", rng.choice(same_case), row["question"], count=1)
            out.append({"question": question, "answers": [], "sources": [art]})
    return examples(engine, out)


def _idf(engine: Engine, word: str) -> float:
    terms = [t for t in tokenize(word) if t in engine.idf]
    return engine.idf[terms[0]] if terms else 0.0


def _rare(engine: Engine, word: str) -> bool:
    terms = [t for t in tokenize(word) if t in engine.idf]
    return bool(terms) and engine.idf[terms[0]] >= engine.unseen_idf - 2.0


def frequent_features(exs: list[Example], min_questions: int = 25) -> list[str]:
    """Feature names seen in enough questions to learn a weight that generalises."""
    seen: dict[str, int] = {}
    for ex in exs:
        for name in {n for f in ex.feats for n in f}:
            seen[name] = seen.get(name, 0) + 1
    return sorted(n for n, c in seen.items() if c >= min_questions)


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    parser.add_argument("--folds", action="store_true", help="Also report leave-one-article-out accuracy.")
    args = parser.parse_args()
    squad = args.shared / "eval" / "squad-dev"
    engine = Engine.from_folder(squad / "corpus", EngineConfig(reader="rules"))
    v1 = examples(engine, read_jsonl(squad / "questions.jsonl"))
    v2 = examples(engine, read_jsonl(squad / "questions-v2-with-unanswerable.jsonl"))
    exact = sum(any(score_tokens(t) in [score_tokens(g) for g in ex.golds] for t in ex.texts) for ex in v1)
    print(f"a candidate matches exactly for {exact / len(v1):.3f}, leniently for "
          f"{sum(ex.positive.any() for ex in v1) / len(v1):.3f} of {len(v1)} questions")
    names = frequent_features(v1)
    if args.folds:
        for art in sorted({ex.article for ex in v1}):
            w = dict(zip(names, fit_ranker([ex for ex in v1 if ex.article != art], names)))
            em, f, ok = top1([ex for ex in v1 if ex.article == art], w)
            print(f"held-out article {art}: top-1 EM {em:.3f} F1 {f:.3f} correct {ok:.3f}")
    w = dict(zip(names, fit_ranker(v1, names)))
    em, f, ok = top1(v1, w)
    print(f"train top-1 EM {em:.3f} F1 {f:.3f} correct {ok:.3f} on {len(v1)} questions")
    ooc = out_of_corpus(squad / "corpus", read_jsonl(squad / "questions.jsonl"), 40)
    near = near_misses(engine, read_jsonl(squad / "questions.jsonl"), 40)
    calibration = fit_calibration(v1 + v2 + ooc + near, w)
    weights = {n: round(float(v), 5) for n, v in w.items() if abs(v) > 1e-6}
    model = {"weights": weights, "calibration": {k: round(float(v), 5) for k, v in calibration.items()}}
    WEIGHTS.write_text(json.dumps(model, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {WEIGHTS} ({len(weights)} weights)")


if __name__ == "__main__":
    main()
