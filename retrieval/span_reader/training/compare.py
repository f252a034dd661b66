"""Two readers' answers to the same questions, compared question by question.

    python -m retrieval.span_reader.training.compare \
        --old .train/preds-test-shipped.jsonl --old-settings .train/reader-shipped.json \
        --new .train/preds-test.jsonl --new-settings retrieval/span_reader/model/reader.json

Each file is what `calibrate collect` wrote (renamed, for the model in place before: collect
writes .train/preds-PART.jsonl), decided with its own model's abstention (for the old model, a
copy of its reader.json kept before the new model's fit overwrote it). A
question scores 1 when it is answered right or, unanswerable, declined (the overall score of
shared/eval/score.py is their mean). Both readers answer the same questions, so the standard
error of their difference is the paired one, much smaller than either score's own: a set is
"down" when the new reader loses more than two of them there.
"""
from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

from retrieval.span_reader.abstain import Abstention
from retrieval.span_reader.training.calibrate import SETS, decided, right


def points(rows: list[dict], abstention: Abstention) -> list[int]:
    """Per question, 1 for a right answer or a declined unanswerable question, else 0."""
    return [int(right(row) and bool(pred["answer"])) if row["gold"] else int(not pred["answer"])
            for row, pred in zip(rows, decided(rows, abstention), strict=True)]


def paired(old: list[int], new: list[int]) -> tuple[float, float]:
    """The mean difference new - old and its standard error."""
    d = [b - a for a, b in zip(old, new, strict=True)]
    mean = sum(d) / len(d)
    var = sum((x - mean) ** 2 for x in d) / max(len(d) - 1, 1)
    return mean, math.sqrt(var / len(d))


def compare(old_rows: list[dict], old_abst: Abstention, new_rows: list[dict],
            new_abst: Abstention) -> dict[str, dict[str, float]]:
    """Per set: each reader's overall score, the difference, its paired standard error."""
    if [r["id"] + r["question"] for r in old_rows] != [r["id"] + r["question"] for r in new_rows]:
        raise SystemExit("the two files answer different questions: collect both on one part")
    table = {}
    for name in SETS:
        at = [i for i, r in enumerate(old_rows) if r["set"] == name]
        if not at:
            continue
        a = points([old_rows[i] for i in at], old_abst)
        b = points([new_rows[i] for i in at], new_abst)
        diff, se = paired(a, b)
        table[name] = {"n": len(at), "old": sum(a) / len(a), "new": sum(b) / len(b),
                       "diff": diff, "se": se}
    return table


def abstention_of(settings: Path) -> Abstention:
    return Abstention.from_settings(json.loads(settings.read_text())["abstain"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for who in ("old", "new"):
        parser.add_argument(f"--{who}", type=Path, required=True, help="calibrate collect's predictions")
        parser.add_argument(f"--{who}-settings", type=Path, required=True,
                            help="the reader.json whose abstention decides them")
    args = parser.parse_args()
    load = lambda p: [json.loads(x) for x in p.open()]  # noqa: E731
    table = compare(load(args.old), abstention_of(args.old_settings),
                    load(args.new), abstention_of(args.new_settings))
    print("| set | questions | old | new | difference | 2 paired SE |")
    print("|---|--:|--:|--:|--:|--:|")
    for name, t in table.items():
        down = " (down)" if t["diff"] < -2 * t["se"] else ""
        print(f"| {name} | {t['n']} | {t['old']:.3f} | {t['new']:.3f} | {t['diff']:+.3f}{down} | {2 * t['se']:.3f} |")
    old_mean = sum(t["old"] for t in table.values()) / len(table)
    new_mean = sum(t["new"] for t in table.values()) / len(table)
    print(f"| mean | | {old_mean:.3f} | {new_mean:.3f} | {new_mean - old_mean:+.3f} | |")


if __name__ == "__main__":
    main()
