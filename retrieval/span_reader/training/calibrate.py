"""Answer every question of a part with abstention off, fit the abstention on dev, report.

    python -m retrieval.span_reader.training.calibrate collect --part dev
    python -m retrieval.span_reader.training.calibrate fit          # writes reader.json
    python -m retrieval.span_reader.training.calibrate report --part test
    python -m retrieval.span_reader.training.calibrate cv [--objective bbc,seeds,squad,squad2]
    python -m retrieval.span_reader.training.calibrate collect --part dev --windows 4
    python -m retrieval.span_reader.training.calibrate cascade --part dev  # after fit

`collect` keeps each question's best answer, its sources and the reader's features in
.train/preds-PART.jsonl; `fit` learns which answers are right from the dev part only (BBC
News searched over its odd-numbered articles, as everything fitted is) and picks the one
threshold that maximises the mean overall score over the dev sets; `report` scores a part
with the fitted abstention, by the rules of shared/eval/score.py; `cv` estimates what the
fit is worth on unseen questions (grouped by article, out of fold), to compare features or
the threshold's objective on dev without reading test; `cascade` finds how sure the answer
of the best 4 windows must be to stand without reading the rest (it follows every `fit`).
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from retrieval.engine import Engine, EngineConfig
from retrieval.evaluate import is_correct, score
from retrieval.span_reader.abstain import FEATURES, Abstention, vector
from retrieval.span_reader.model import MODEL_DIR, SETTINGS_FILE
from retrieval.span_reader.windows import reading_windows
from retrieval.tokenize import tokenize

ROOT = Path(__file__).resolve().parents[3]
SHARED = ROOT.parent / "shared"
WORK = ROOT / ".train"
CACHE = ROOT / ".cache" / "index"
SETS = ("bbc", "seeds", "squad", "squad2")
# The sets whose mean overall score picks the threshold: those with unanswerable questions
# (SQuAD v1.1 has none, and would always vote for answering).
ABSTAIN_SETS = ("bbc", "seeds", "squad2")


def odd_bbc() -> Path:
    """A folder of links to BBC News's odd-numbered articles (outside the repository)."""
    folder = Path(tempfile.gettempdir()) / "qabot-bbc-odd"
    folder.mkdir(exist_ok=True)
    for path in (SHARED / "corpora" / "bbc-news").glob("*.txt"):
        link = folder / path.name
        if int(path.name[:4]) % 2 and not link.exists():
            link.symlink_to(path)
    return folder


def corpus_of(name: str, part: str) -> Path:
    if name == "bbc":
        return odd_bbc() if part in ("train", "dev") else SHARED / "corpora" / "bbc-news"
    if name == "seeds":
        return ROOT / "seeds"
    return SHARED / "eval" / "squad-dev" / "corpus"


def collect(part: str, reader: str, windows: int | None = None, cascade: bool = False) -> Path:
    """Every question of the part answered, to preds-PART*.jsonl. The span reader answers
    always, every window read at once (the fits decide the rest), or with `cascade`, as the
    shipped reader reads: its cascade stopping by the fitted abstention."""
    out = WORK / (f"preds-{part}{'' if reader == 'neural' else '-' + reader}"
                  f"{f'-w{windows}' if windows else ''}{'-read-cascade' if cascade else ''}.jsonl")
    engines: dict[Path, Engine] = {}
    with out.open("w", encoding="utf-8") as f:
        for name in SETS:
            corpus = corpus_of(name, part)
            if corpus not in engines:
                engines[corpus] = Engine.from_folder(
                    corpus, EngineConfig(reader=reader, parse_worker=False,
                                         windows=windows or EngineConfig.windows), CACHE)
                span_reader = engines[corpus].span_reader
                if reader == "neural" and cascade:  # answer always, stop as shipped
                    span_reader.abstention = replace(span_reader.abstention, threshold=0.0)
                elif reader == "neural":  # answer always, every window: fits decide the rest
                    span_reader.abstention = Abstention(
                        (0.0,) * len(FEATURES), 0.0, 0.0, (0.0,) * len(FEATURES),
                        (1.0,) * len(FEATURES))
                    span_reader.cascade = None
            engine = engines[corpus]
            began = time.perf_counter()
            rows = [json.loads(x) for x in (ROOT / "questions" / part / f"{name}.jsonl").open()]
            for row in rows:
                a = engine.answer(row["question"])
                f.write(json.dumps({
                    "recall": answer_recall(engine, row),
                    "candidates": [[c.text, c.source, c.score] for c in a.trace.candidates]
                    if a.trace else [],
                    "id": row.get("id", ""), "set": name, "article": row.get("article"),
                    "question": row["question"],
                    "gold": row["answers"], "gold_sources": row["sources"],
                    "answer": a.text, "sources": list(a.sources),
                    "features": dict(a.trace.features) if a.trace else None,
                    "confidence": a.confidence,
                }, ensure_ascii=False) + "\n")
            print(f"{name}: {len(rows)} questions, {(time.perf_counter() - began) / len(rows) * 1000:.0f} ms each",
                  flush=True)
    return out


def answer_recall(engine: Engine, row: dict) -> bool | None:
    """Whether a window the reader reads quotes a gold answer (None when unanswerable)."""
    if not row["answers"]:
        return None
    text = engine.prepared(row["question"])
    ranked = engine.ranked(tokenize(text), engine.config.support_k)
    windows = reading_windows(engine.sentences, engine.documents, ranked, engine.config.windows)
    read = " ".join(" ".join(w.texts) for w in windows).lower()
    return any(a.lower() in read for a in row["answers"])


def load_preds(part: str, suffix: str = "") -> list[dict]:
    path = WORK / f"preds-{part}{suffix}.jsonl"
    if not path.exists():
        reader = f" --reader {suffix[1:].split('-')[0]}" if suffix else ""
        raise SystemExit(f"{path} is missing: run `python -m retrieval.span_reader.training"
                         f".calibrate collect --part {part}{reader}` first")
    return [json.loads(x) for x in path.open()]


def right(row: dict) -> bool:
    return bool(row["gold"]) and bool(row["answer"]) and is_correct(row["answer"], row["gold"])


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 3000) -> tuple[np.ndarray, float]:
    """Weights and bias of a logistic regression by gradient descent (standardised inputs)."""
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(x @ w + b)))
        grad_w = x.T @ (p - y) / len(y) + l2 * w / len(y)
        grad_b = float(np.mean(p - y))
        w -= 0.5 * grad_w
        b -= 0.5 * grad_b
    return w, b


def sureness(row: dict, abstention: Abstention) -> float:
    """The abstention's probability that the row's answer is right; -1 for a question the
    reader found nothing to answer with (no features), below any threshold."""
    return abstention.probability(row["features"]) if row["features"] is not None else -1.0


def decided(rows: list[dict], abstention: Abstention) -> list[dict]:
    """The rows' predictions with the abstention applied."""
    return kept(rows, [sureness(row, abstention) >= abstention.threshold for row in rows])


def kept(rows: list[dict], keep: list[bool]) -> list[dict]:
    """The rows' predictions, each answer given where `keep` says and declined elsewhere."""
    return [{"answer": row["answer"] if k else None, "sources": row["sources"] if k else []}
            for row, k in zip(rows, keep, strict=True)]


def gold_of(rows: list[dict]) -> list[dict]:
    """The rows' gold answers and sources, as shared/eval/score.py reads them."""
    return [{"answers": r["gold"], "sources": r["gold_sources"]} for r in rows]


def overall_by_set(rows: list[dict], abstention: Abstention) -> dict[str, float]:
    by_set: dict[str, float] = {}
    for name in SETS:
        subset = [r for r in rows if r["set"] == name]
        if subset:
            by_set[name] = score(gold_of(subset), decided(subset, abstention)).overall
    return by_set


def separation(rows: list[dict], abstention: Abstention) -> float:
    """How well the abstention's probability ranks right answers above the rest (wrong or
    unanswerable): the chance that a random right one scores above a random other, ties
    half (the ROC AUC). It needs no threshold, so it compares two models on dev where the
    one fitted threshold each picks would move their overall scores by more than the models
    differ."""
    p = np.array([sureness(r, abstention) for r in rows])
    good = np.array([right(r) for r in rows], dtype=bool)
    return auc(p[good], p[~good])


def auc(pos: np.ndarray, neg: np.ndarray) -> float:
    """The chance that a random `pos` value is above a random `neg` one, ties half."""
    if not pos.size or not neg.size:
        return float("nan")
    pos, neg = pos[:, None], neg[None, :]
    return float((pos > neg).mean() + 0.5 * (pos == neg).mean())


def fit_abstention(rows: list[dict]) -> Abstention:
    """The logistic model of "this answer is right" over the rows the reader found an answer
    for (threshold left at 0.5 for choose_threshold)."""
    rows = [r for r in rows if r["features"] is not None]
    x = np.array([vector(r["features"]) for r in rows], dtype=float)
    y = np.array([right(r) for r in rows], dtype=float)
    means, scales = x.mean(0), x.std(0) + 1e-9
    w, b = fit_logistic((x - means) / scales, y)
    return Abstention(tuple(w), b, 0.5, tuple(means), tuple(scales))


def choose_threshold(base: Abstention, rows: list[dict],
                     objective: tuple[str, ...] = ABSTAIN_SETS) -> tuple[float, float]:
    """The threshold maximising the mean overall score over the `objective` sets, and it."""
    best_t, best_v = 0.5, -1.0
    for t in np.arange(0.05, 0.951, 0.01):
        trial = Abstention(base.weights, base.bias, float(t), base.means, base.scales)
        by_set = overall_by_set(rows, trial)
        v = float(np.mean([by_set[name] for name in objective if name in by_set]))
        if v > best_v:
            best_t, best_v = float(t), v
    return best_t, best_v


def fit() -> dict:
    all_rows = load_preds("dev")
    base = fit_abstention(all_rows)
    best_t, best_v = choose_threshold(base, all_rows)
    w, b, means, scales = base.weights, base.bias, base.means, base.scales
    fitted = {"features": list(FEATURES), "weights": [round(v, 5) for v in w], "bias": round(b, 5),
              "means": [round(v, 5) for v in means], "scales": [round(v, 5) for v in scales],
              "threshold": round(best_t, 2)}
    path = MODEL_DIR / SETTINGS_FILE
    settings = json.loads(path.read_text())
    settings["abstain"] = fitted
    path.write_text(json.dumps(settings, indent=1) + "\n")
    print(f"threshold {best_t:.2f}: mean dev overall {best_v:.3f}")
    return fitted


def cascaded(full: list[dict], first: list[dict], abstention: Abstention,
             stop_at: float) -> tuple[list[dict], float]:
    """Each question as the cascade answers it: from its best windows when that answer's
    P(right) reaches `stop_at`, else from every window (rows collected both ways); and the
    share that stopped at its best windows."""
    for a, b in zip(full, first, strict=True):
        assert (a["set"], a["question"]) == (b["set"], b["question"]), "collected apart"
    stops = [sureness(b, abstention) >= stop_at for b in first]
    return [b if stop else a for a, b, stop in zip(full, first, stops)], sum(stops) / len(stops)


def cascade(part: str, first: int) -> None:
    """On dev: the lowest P(right), from 0.50 up, at which the answer of the best `first`
    windows may stand without reading the rest while no dev set loses more than 0.01 of its
    overall score and their mean no more than 0.002; written into reader.json. On test: the
    fitted one applied, for `compare` against reading every window."""
    path = MODEL_DIR / SETTINGS_FILE
    settings = json.loads(path.read_text())
    abstention = Abstention.from_settings(settings["abstain"])
    full, short = load_preds(part), load_preds(part, f"-w{first}")
    base = overall_by_set(full, abstention)
    chosen = None
    if part == "dev":
        for stop_at in np.arange(0.50, 0.951, 0.05):
            rows, stopped = cascaded(full, short, abstention, float(stop_at))
            got = overall_by_set(rows, abstention)
            drop = {k: base[k] - got[k] for k in base}
            ok = max(drop.values()) <= 0.01 and np.mean(list(drop.values())) <= 0.002
            print(f"stop at {stop_at:.2f}: {stopped:.0%} stop after {first} windows; "
                  + ", ".join(f"{k} {got[k]:.3f} ({-drop[k]:+.3f})" for k in got)
                  + ("  <- chosen" if ok and chosen is None else ""))
            if ok and chosen is None:
                chosen = {"first": first, "stop_at": round(float(stop_at), 2),
                          "dev_stopped": round(stopped, 3)}
        settings["cascade"] = chosen
        path.write_text(json.dumps(settings, indent=1) + "\n")
        print(f"cascade: {chosen}" if chosen else "no stop keeps dev: every window is read")
    else:
        chosen = settings.get("cascade")
        if not chosen or chosen["first"] != first:
            raise SystemExit(f"reader.json has no cascade over {first} windows: fit it on dev")
    if chosen:
        rows, stopped = cascaded(full, short, abstention, chosen["stop_at"])
        out = WORK / f"preds-{part}-cascade.jsonl"
        out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
        print(f"{part}: {stopped:.0%} stop after {first} windows; answers in {out}")


def article(row: dict) -> str:
    """The document a question was written from (older rows: their first source, or the row
    itself), so that cross-validation holds out an article's questions together."""
    return row.get("article") or (row["gold_sources"] or [row.get("id") or row["question"]])[0]


def cross_validate(rows: list[dict], objective: tuple[str, ...] = ABSTAIN_SETS,
                   folds: int = 5, seeds: int = 3) -> dict[str, tuple[float, float]]:
    """Per set, the overall score and separation of the abstention when each question is
    decided by a model and threshold fitted without its article (grouped k-fold, averaged
    over seeds). This is what a fit on dev is worth on questions it did not see, which the
    in-sample dev figures overstate where one set's bump decides the threshold."""
    unit_of = [f"{r['set']}:{article(r)}" for r in rows]
    units = sorted(set(unit_of))
    found: dict[str, list[tuple[float, float]]] = {}
    for seed in range(seeds):
        order = np.random.default_rng(seed).permutation(len(units))  # shuffled, dealt round
        fold_of = {units[u]: n % folds for n, u in enumerate(order)}
        fold = np.array([fold_of[u] for u in unit_of])
        sure, keep = np.full(len(rows), -1.0), np.zeros(len(rows), bool)
        for k in range(folds):
            fitted_on = [r for r, f in zip(rows, fold) if f != k]
            if not any(r["features"] is not None for r in fitted_on):
                continue
            base = fit_abstention(fitted_on)
            t, _ = choose_threshold(base, fitted_on, objective)
            for i in np.flatnonzero(fold == k):
                sure[i] = sureness(rows[i], base)
                keep[i] = sure[i] >= t
        for name in SETS:
            at = [i for i, r in enumerate(rows) if r["set"] == name]
            if not at:
                continue
            subset = [rows[i] for i in at]
            good = np.array([right(r) for r in subset])
            found.setdefault(name, []).append(
                (score(gold_of(subset), kept(subset, list(keep[at]))).overall,
                 auc(sure[at][good], sure[at][~good])))
    return {name: (float(np.mean([o for o, _ in v])), float(np.mean([a for _, a in v])))
            for name, v in found.items()}


def report(part: str, suffix: str = "") -> None:
    rows = load_preds(part, suffix)
    if suffix.startswith("-rules"):  # another reader: its own decisions as they came
        abst = None
    else:
        settings = json.loads((MODEL_DIR / SETTINGS_FILE).read_text())
        abst = Abstention.from_settings(settings.get("abstain"))
    for name in SETS:
        subset = [r for r in rows if r["set"] == name]
        if not subset:
            continue
        gold = gold_of(subset)
        preds = decided(subset, abst) if abst else kept(subset, [True] * len(subset))
        recall = [r["recall"] for r in subset if r.get("recall") is not None]
        shown = f", answer recall {sum(recall) / len(recall):.2f}" if recall else ""
        if abst:
            answerable = [r for r in subset if r["gold"]]
            shown += (f", right before abstaining {sum(map(right, answerable))}/{len(answerable)}"
                      f", separation {separation(subset, abst):.3f}")
        print(f"{part:5} {name:7} {len(subset):4}  {score(gold, preds).summary()}{shown}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=["collect", "fit", "report", "cv", "cascade"])
    parser.add_argument("--part", default="dev", choices=["train", "dev", "test"])
    parser.add_argument("--reader", default="neural", choices=["neural", "rules"])
    parser.add_argument("--windows", type=int,
                        help="collect: windows read (default: the engine's); cascade: the first read")
    parser.add_argument("--cascade", action="store_true",
                        help="collect: read as the shipped reader does, its cascade on")
    parser.add_argument("--objective", default=",".join(ABSTAIN_SETS),
                        help="cv: the sets whose mean overall score picks each fold's threshold")
    args = parser.parse_args()
    suffix = "" if args.reader == "neural" else "-" + args.reader
    if args.step == "collect":
        out = collect(args.part, args.reader, args.windows, args.cascade)
        report(args.part, out.stem.removeprefix(f"preds-{args.part}"))  # the file's own name
    elif args.step == "cv":
        objective = tuple(args.objective.split(","))
        if unknown := set(objective) - set(SETS):
            parser.error(f"--objective: no set named {', '.join(sorted(unknown))}; "
                         f"the sets are {','.join(SETS)}")
        found = cross_validate(load_preds("dev"), objective)
        for name, (overall, sep) in found.items():
            print(f"dev {name:7} out of fold: overall {overall:.3f}, separation {sep:.3f}")
        means = {k: np.mean([found[n][0] for n in k if n in found]) for k in (ABSTAIN_SETS, SETS)}
        print(f"threshold by {'+'.join(objective)}: mean overall {means[ABSTAIN_SETS]:.3f} over "
              f"{'+'.join(ABSTAIN_SETS)}, {means[SETS]:.3f} over all")
    elif args.step == "cascade":
        cascade(args.part, args.windows or 4)
    elif args.step == "fit":
        fit()
        report("dev")
    else:
        report(args.part, suffix)


if __name__ == "__main__":
    main()
