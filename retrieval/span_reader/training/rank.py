"""Fit the candidate ranker (span_reader/rank.py) on the training questions.

    python -m retrieval.span_reader.training.rank collect --part train
    python -m retrieval.span_reader.training.rank collect --part dev
    python -m retrieval.span_reader.training.rank fit       # writes reader.json, reports dev

`collect` reads every question of a part with the shipped span model and keeps each
candidate's features and whether it is a right answer (.train/rank-PART.npz). `fit` learns
a conditional logit (a softmax over each question's candidates) from the train part only,
on the questions with both a right and a wrong candidate, and reports how often the first
candidate is right on dev, before and after.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from retrieval.engine import Engine, EngineConfig
from retrieval.evaluate import is_correct
from retrieval.span_reader.model import MODEL_DIR, SETTINGS_FILE, OnnxSpanModel
from retrieval.span_reader.rank import FEATURES, N_FEATURES, Ranker, features
from retrieval.span_reader.training.calibrate import CACHE, ROOT, SETS, WORK, corpus_of
from retrieval.span_reader.training.provenance import data_version
from retrieval.tokenize import tokenize

L2 = 1e-3  # chosen on dev among 1e-3, 1e-2, 1e-1 (the larger two give back part of the gain)


def collect(part: str, models: list[Path] | None = None, out: Path | None = None) -> None:
    """Every answerable question's candidates of a part, read by the shipped model (or by
    `models`, averaged), with their features and whether each is right."""
    rows, right, group, sets = [], [], [], []
    engines: dict = {}
    for name in SETS:
        path = ROOT / "questions" / part / f"{name}.jsonl"
        if not path.exists():
            continue
        corpus = corpus_of(name, part)
        if corpus not in engines:
            engines[corpus] = Engine.from_folder(
                corpus, EngineConfig(reader="neural", parse_worker=False), CACHE)
        engine = engines[corpus]
        reader = engine.span_reader
        if models:
            reader.model = OnnxSpanModel(models)
        began, questions = time.perf_counter(), [json.loads(x) for x in path.open()]
        for q in questions:
            text = engine.prepared(q["question"])
            terms = tokenize(text)
            ranked = engine.ranked(terms, engine.config.support_k) if terms else []
            if not ranked or not q["answers"]:
                continue
            _, spans, views, _ = reader.candidates(
                engine, text, engine.term_weights_of(terms), ranked)
            if not spans:
                continue
            rows.append(features(text, spans, views))
            right.extend(is_correct(s.text, q["answers"]) for s in spans)
            group.extend([len(sets)] * len(spans))
            sets.append(name)
        print(f"{part} {name}: {len(questions)} questions, "
              f"{(time.perf_counter() - began) / len(questions) * 1000:.0f} ms each", flush=True)
    np.savez(out or WORK / f"rank-{part}.npz", x=np.vstack(rows), right=np.array(right, bool),
             group=np.array(group), sets=np.array(sets))


def softmax_fit(x: np.ndarray, right: np.ndarray, group: np.ndarray, l2: float = L2,
                steps: int = 400, rate: float = 0.5) -> np.ndarray:
    """Weights maximising the probability of the right candidates within each group
    (gradient descent on standardised features)."""
    n = int(group.max()) + 1
    w = np.zeros(x.shape[1])
    for _ in range(steps):
        z = x @ w
        top = np.full(n, -np.inf)
        np.maximum.at(top, group, z)
        p = np.exp(z - top[group])
        p /= np.bincount(group, p, n)[group]
        q = p * right
        q /= np.maximum(np.bincount(group, q, n), 1e-12)[group]
        w -= rate * (x.T @ (p - q) / n + l2 * w)
    return w


def learnable(data: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The candidates of questions with both a right and a wrong one, groups renumbered."""
    group, right = data["group"], data["right"]
    has_right = np.bincount(group, right) > 0
    has_wrong = np.bincount(group, ~right) > 0
    keep = (has_right & has_wrong)[group]
    _, renumbered = np.unique(group[keep], return_inverse=True)
    return data["x"][keep], right[keep], renumbered


def first_right(data: dict, ranker: Ranker) -> dict[str, str]:
    """Per set: answerable questions whose first-ranked candidate is right."""
    z = ranker.scores(data["x"])
    out = {}
    for name in np.unique(data["sets"]):
        groups = np.flatnonzero(data["sets"] == name)
        hits = 0
        for g in groups:
            at = np.flatnonzero(data["group"] == g)
            hits += bool(data["right"][at[np.argmax(z[at])]])
        out[str(name)] = f"{hits}/{len(groups)}"
    return out


def fit(train_path: Path = WORK / "rank-train.npz", dev_path: Path = WORK / "rank-dev.npz") -> None:
    train = dict(np.load(train_path))
    x, right, group = learnable(train)
    means, scales = x.mean(0), x.std(0) + 1e-9
    w = softmax_fit((x - means) / scales, right, group)
    ranker = Ranker(tuple(w), tuple(means), tuple(scales))
    fitted = {"features": list(FEATURES) + ["question word x answer shape"],
              "weights": [round(float(v), 5) for v in w],
              "means": [round(float(v), 5) for v in means],
              "scales": [round(float(v), 5) for v in scales],
              "provenance": {"command": "python -m retrieval.span_reader.training.rank fit",
                             "l2": L2, "questions": int(group.max()) + 1,
                             "data_sha256": data_version()}}
    print(f"fitted on {int(group.max()) + 1} training questions, {N_FEATURES} features")
    if dev_path.exists():
        dev = dict(np.load(dev_path))
        before, after = first_right(dev, Ranker.from_settings(None)), first_right(dev, ranker)
        print("dev, first candidate right: span score", before, "ranker", after)
        fitted["provenance"]["dev_first_right"] = {"span_score": before, "ranker": after}
    path = MODEL_DIR / SETTINGS_FILE
    settings = json.loads(path.read_text())
    settings["rank"] = fitted
    path.write_text(json.dumps(settings, indent=1) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=["collect", "fit"])
    parser.add_argument("--part", default="train", choices=["train", "dev"])
    parser.add_argument("--models", type=Path, nargs="+", help="ONNX models to read with")
    parser.add_argument("--out", type=Path, help="collect's file (default .train/rank-PART.npz)")
    parser.add_argument("--train", type=Path, default=WORK / "rank-train.npz", help="fit on")
    parser.add_argument("--dev", type=Path, default=WORK / "rank-dev.npz", help="report on")
    args = parser.parse_args()
    if args.step == "collect":
        collect(args.part, args.models, args.out)
    else:
        fit(args.train, args.dev)


if __name__ == "__main__":
    main()
