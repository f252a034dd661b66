"""`qabot eval`: answer every question of a JSONL set, write predictions, print the scores."""
from __future__ import annotations

import json
from pathlib import Path

import typer

from retrieval import Engine
from retrieval.evaluate import is_correct, score


def read_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def run_eval(engine: Engine, questions: Path, predictions: Path | None, verbose: bool) -> None:
    """Answer each question in order; print per-question verdicts with `verbose`."""
    gold = read_rows(questions)
    preds = []
    for row in gold:
        a = engine.answer(row["question"])
        preds.append({
            "question": row["question"], "answer": a.text, "quote": a.quote,
            "sources": list(a.sources), "confidence": round(a.confidence, 4),
        })
        if verbose:
            golds = row.get("answers") or []
            ok = is_correct(a.text, golds) if golds and a.text else not golds and not a.text
            typer.echo(
                f"{'OK ' if ok else 'BAD'} {row.get('id', '')}: {row['question']!r} -> {a.text!r} "
                f"{list(a.sources)} (gold {golds[:1]} {row.get('sources', [])})"
            )
    if predictions:
        with predictions.open("w", encoding="utf-8") as f:
            f.writelines(json.dumps(p, ensure_ascii=False) + "\n" for p in preds)
    if any("answers" in row for row in gold):
        typer.echo(score(gold, preds).summary())
