#!/usr/bin/env python3
"""Check a file of written questions against the articles they were written from.

Each row must be JSON with: id, question, answers (verbatim strings, [] when the article does
not answer), sources (ids of articles stating the answer, [] when unanswerable), evidence_span
(the character offsets of the sentence holding the first answer in the article's file, null
when unanswerable; the sentence itself stays in the corpus, not here), kind, article, writer.
Writers first write the sentence itself as "evidence"; `build.py` turns it into the span.
Usage: python3 questions/check.py FILE.jsonl CORPUS_DIR   (prints one line per problem)
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

KINDS = {"who", "when", "where", "how many", "how much", "which", "what", "why", "how"}


def article_texts(corpus: Path) -> dict[str, str]:
    texts = {}
    for path in sorted(corpus.iterdir()):
        match = re.match(r"^(\d+)_", path.name)
        if match and path.suffix == ".txt":
            texts[match.group(1)] = path.read_text(encoding="utf-8")
    return texts


def squash(text: str) -> str:
    return " ".join(text.split())


def locate(text: str, evidence: str) -> list[int] | None:
    """Where `evidence` stands in `text`, allowing other white space between its words."""
    pattern = r"\s+".join(re.escape(word) for word in evidence.split())
    match = re.search(pattern, text) if pattern else None
    return [match.start(), match.end()] if match else None


def problems(row: dict, texts: dict[str, str], seen: set[str]) -> list[str]:
    out = []
    if "evidence" in row:  # as written, before build.py located it
        row = {**row, "evidence_span": locate(texts.get(row.get("article"), ""), row.pop("evidence"))
               if row.get("evidence") else None}
    for field in ("id", "question", "answers", "sources", "evidence_span", "kind", "article", "writer"):
        if field not in row:
            out.append(f"missing field {field!r}")
    if out:
        return out
    if row["id"] in seen:
        out.append("duplicate id")
    if row["kind"] not in KINDS:
        out.append(f"kind {row['kind']!r} is not one of {sorted(KINDS)}")
    if not row["question"].strip():
        out.append("empty question")
    if row["article"] not in texts:
        out.append(f"article {row['article']!r} not in corpus")
        return out
    if row["answers"]:
        if not row["sources"] or row["article"] not in row["sources"]:
            out.append("sources must list the article")
        for src in row["sources"]:
            if src not in texts:
                out.append(f"source {src!r} not in corpus")
        span = row["evidence_span"]
        evidence = squash(texts[row["article"]][span[0]:span[1]]) if span else ""
        if not evidence:
            out.append("evidence is not a verbatim passage of the article")
        elif row["answers"][0] not in evidence:
            out.append("first answer is not inside the evidence")
        for answer in row["answers"]:
            if not answer.strip():
                out.append("empty answer")
            elif answer not in squash(texts[row["article"]]):
                out.append(f"answer {answer!r} is not verbatim in the article")
    else:
        if row["sources"] or row["evidence_span"]:
            out.append("an unanswerable question has no sources and no evidence")
    return out


def main() -> int:
    rows_file, corpus = Path(sys.argv[1]), Path(sys.argv[2])
    texts = article_texts(corpus)
    seen: set[str] = set()
    bad = count = 0
    for n, line in enumerate(rows_file.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            print(f"line {n}: not JSON ({err})")
            bad += 1
            continue
        count += 1
        found = problems(row, texts, seen)
        seen.add(row.get("id", ""))
        for problem in found:
            print(f"line {n} ({row.get('id')}): {problem}")
        bad += bool(found)
    unanswerable = sum(1 for line in rows_file.read_text().splitlines() if line.strip() and not json.loads(line).get("answers"))
    print(f"{count} rows, {bad} with problems, {unanswerable} unanswerable")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
