#!/usr/bin/env python3
"""Take a writer's file into raw/: every row checked, its evidence sentence replaced by where
it stands in the article, rows with problems left out (and listed).

    python3 questions/take.py WRITTEN.jsonl [SHARED_DIR]    (writes raw/<name of WRITTEN>)

A file named wiki_* was written over the shared SQuAD articles, only those of the train part;
any other over BBC News, only its odd-numbered articles.

Writers give the evidence as the sentence itself, so that they can check it by eye; the
repository keeps only its place (`evidence_span`): the articles' text stays in the corpus.
"""
from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

from build import SQUAD_PART
from check import article_texts, locate, problems

HERE = Path(__file__).resolve().parent
# What raw/ keeps of a row; "style" (how it was typed: lowercase, keyword, ...) only where the
# writer gave one, so that scores can be broken down by it.
KEPT = ("id", "question", "answers", "sources", "evidence_span", "kind", "article", "writer",
        "style")


def odd_bbc(article: str) -> str | None:
    """Why a BBC News article may not be written on, or None."""
    if article.isdigit() and int(article) % 2 == 1:
        return None
    return "not an odd-numbered article (even ones are others' test data)"


def squad_train(article: str) -> str | None:
    """Why a shared SQuAD article may not be written on, or None."""
    return None if SQUAD_PART.get(article) == "train" else "not a train-part SQuAD article"


def take(written: Path, corpus: Path, allowed: Callable[[str], str | None] = odd_bbc,
         ) -> tuple[list[dict], list[str]]:
    """The rows of `written` that pass every check, and one line per row left out;
    `allowed` says why an article may not be written on (None when it may)."""
    texts = article_texts(corpus)
    kept: list[dict] = []
    dropped: list[str] = []
    seen: set[str] = set()
    for n, line in enumerate(written.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            dropped.append(f"line {n}: not JSON")
            continue
        if "evidence" in row:  # as written: its place in the article from here on
            evidence = row.pop("evidence")
            row["evidence_span"] = locate(texts.get(row.get("article"), ""), evidence) if evidence else None
        found = problems(row, texts, seen)
        refused = allowed(str(row.get("article", "")))
        if refused:
            found.append(refused)
        if found:
            dropped.append(f"line {n} ({row.get('id')}): {'; '.join(found)}")
            continue
        seen.add(row["id"])
        kept.append({k: row[k] for k in KEPT if k in row})
    return kept, dropped


def main() -> int:
    written = Path(sys.argv[1])
    shared = Path(sys.argv[2]) if len(sys.argv) > 2 else HERE.parent.parent / "shared"
    if written.name.startswith("wiki_"):
        kept, dropped = take(written, shared / "eval" / "squad-dev" / "corpus", squad_train)
    else:
        kept, dropped = take(written, shared / "corpora" / "bbc-news")
    out = HERE / "raw" / written.name
    with out.open("w", encoding="utf-8") as f:
        for row in kept:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    for line in dropped:
        print(line)
    print(f"{out.name}: {len(kept)} rows kept, {len(dropped)} left out")
    return 0


if __name__ == "__main__":
    sys.exit(main())
