#!/usr/bin/env python3
"""Merge the written question files with the shared sets and split them by document.

    python3 questions/build.py [SHARED_DIR]     (default ../shared)

Writes questions/{train,dev,test}/{bbc,seeds,squad,squad2}.jsonl. A question goes where its
article goes, so no article has questions in two parts:
- BBC News (odd-numbered articles only): by a hash of the article id, 70 / 15 / 15.
- SQuAD (the 8 shared articles): 000 001 003 006 train, 002 005 dev, 004 007 test. The
  questions written over them (raw/wiki_*, train articles only) join SQuAD 2.0's train part.
- Seeds: never trained on (the five articles share one story, so no split by document can
  keep a fact out of training); the written set goes to test except article 002's questions
  (dev), and the older seed sets in tests/data go to dev.
BBC rows also cite every other odd-numbered article that holds their evidence sentence word
for word (the dataset has about 98 repeated articles); even-numbered ones are never named.
"""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SQUAD_PART = {"000": "train", "001": "train", "003": "train", "006": "train",
              "002": "dev", "005": "dev", "004": "test", "007": "test"}
PARTS = ("train", "dev", "test")


def bbc_part(article: str) -> str:
    bucket = int(hashlib.sha1(article.encode()).hexdigest(), 16) % 20
    return "train" if bucket < 14 else "dev" if bucket < 17 else "test"


def squash(text: str) -> str:
    return " ".join(text.split())


def read_rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def bbc_texts(shared: Path) -> dict[str, str]:
    return {path.name[:4]: path.read_text(encoding="utf-8")
            for path in sorted((shared / "corpora" / "bbc-news").glob("*.txt"))}


def main() -> None:
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent.parent / "shared"
    out: dict[tuple[str, str], list[dict]] = {}
    texts = bbc_texts(shared)
    squashed = {doc: squash(text) for doc, text in texts.items()}
    for path in sorted((HERE / "raw").glob("bbc_*.jsonl")):
        for row in read_rows(path):
            assert int(row["article"]) % 2 == 1, row["id"]
            if row["answers"]:
                a, b = row["evidence_span"]
                evidence = squash(texts[row["article"]][a:b])
                row["sources"] = sorted({*row["sources"], *(
                    doc for doc, text in squashed.items()
                    if int(doc) % 2 and evidence in text)})  # even-numbered: others' test data
            out.setdefault((bbc_part(row["article"]), "bbc"), []).append(row)
    for path in sorted((HERE / "raw").glob("seeds_*.jsonl")):
        for row in read_rows(path):
            part = "dev" if row["article"] == "002" else "test"
            out.setdefault((part, "seeds"), []).append(row)
    for path in sorted((HERE.parent / "tests" / "data").glob("seeds_*.jsonl")):
        for row in read_rows(path):
            row.setdefault("writer", f"tests/data/{path.name}")
            out.setdefault(("dev", "seeds"), []).append(row)
    for name, kind in (("questions.jsonl", "squad"), ("questions-v2-with-unanswerable.jsonl", "squad2")):
        for row in read_rows(shared / "eval" / "squad-dev" / name):
            article = row["sources"][0] if row["sources"] else _squad_article(row, shared)
            row["article"] = article
            out.setdefault((SQUAD_PART[article], kind), []).append(row)
    for path in sorted((HERE / "raw").glob("wiki_*.jsonl")):
        for row in read_rows(path):
            assert SQUAD_PART[row["article"]] == "train", row["id"]
            out.setdefault(("train", "squad2"), []).append(row)
    for part in PARTS:
        (HERE / part).mkdir(exist_ok=True)
        for old in (HERE / part).glob("*.jsonl"):
            old.unlink()
    for (part, kind), rows in sorted(out.items()):
        with open(HERE / part / f"{kind}.jsonl", "w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
        unanswerable = sum(not r["answers"] for r in rows)
        print(f"{part:5} {kind:6} {len(rows):5} rows, {unanswerable:4} unanswerable")


_SQUAD_IDS: dict[str, str] = {}


def _squad_article(row: dict, shared: Path) -> str:
    """The article of an unanswerable SQuAD 2.0 question: the one its neighbours in the file
    cite (the file keeps each article's questions together)."""
    if not _SQUAD_IDS:
        last = None
        for r in read_rows(shared / "eval" / "squad-dev" / "questions-v2-with-unanswerable.jsonl"):
            last = r["sources"][0] if r["sources"] else last
            _SQUAD_IDS[r["id"]] = last
    return _SQUAD_IDS[row["id"]] or "001"


if __name__ == "__main__":
    main()
