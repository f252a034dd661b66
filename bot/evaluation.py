"""`qabot eval`: answer every question of a JSONL set, write predictions, print the scores."""
from __future__ import annotations

import json
from pathlib import Path

import typer

from retrieval import Engine
from retrieval.evaluate import is_correct, score


class BadQuestions(ValueError):
    """A question file that cannot be read as rows with a `question`."""


def read_rows(path: Path) -> list[dict]:
    """The file's rows, each a JSON object with a `question` string; BadQuestions names the
    first line that is not."""
    rows = []
    try:
        with path.open(encoding="utf-8") as f:
            lines = list(f)
    except (OSError, UnicodeDecodeError) as err:
        raise BadQuestions(f"cannot read {path}: {getattr(err, 'strerror', None) or err}") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            raise BadQuestions(f"{path} line {n} is not JSON") from None
        if not isinstance(row, dict) or not isinstance(row.get("question"), str):
            raise BadQuestions(f'{path} line {n} has no "question" string')
        rows.append(row)
    return rows


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
    if all("answers" in row for row in gold):
        typer.echo(score(gold, preds).summary())
    else:  # rows without answers cannot be scored: say so rather than print nothing
        typer.echo(f'{sum("answers" not in r for r in gold)} of {len(gold)} rows have no "answers": '
                   "predictions only, no scores", err=True)
