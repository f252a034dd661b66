"""The written question sets: what the take step refuses, and the splits' invariants."""
from __future__ import annotations

import json
import sys
from pathlib import Path

QUESTIONS = Path(__file__).resolve().parents[1] / "questions"
sys.path.insert(0, str(QUESTIONS))

from build import SQUAD_PART  # noqa: E402
from take import squad_train, take  # noqa: E402

ARTICLE = "The Warsaw Uprising began on 1 August 1944. It lasted 63 days.\n"


def row(n: int, article: str, answers: list[str], evidence: str | None) -> str:
    return json.dumps({
        "id": f"wiki-w99-{n}", "question": "When did the Warsaw Uprising begin?",
        "answers": answers, "sources": [article] if answers else [], "evidence": evidence,
        "kind": "when", "article": article, "writer": "wiki-w99"})


def test_take_keeps_train_articles_only_and_stores_the_evidence_place(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("001_Warsaw.txt", "002_Normans.txt"):
        (corpus / name).write_text(ARTICLE, encoding="utf-8")
    written = tmp_path / "wiki_w99.jsonl"
    written.write_text("\n".join([
        row(1, "001", ["1 August 1944"], "The Warsaw Uprising began on 1 August 1944."),
        row(2, "001", [], None),
        row(3, "002", ["1 August 1944"], "The Warsaw Uprising began on 1 August 1944."),  # dev
        row(4, "001", ["2 August 1944"], "The Warsaw Uprising began on 1 August 1944."),  # not verbatim
    ]), encoding="utf-8")
    kept, dropped = take(written, corpus, squad_train)
    assert [r["id"] for r in kept] == ["wiki-w99-1", "wiki-w99-2"]
    assert kept[0]["evidence_span"] == [0, ARTICLE.index(".") + 1]
    assert "evidence" not in kept[0]
    assert len(dropped) == 2 and "wiki-w99-3" in dropped[0] and "wiki-w99-4" in dropped[1]


def test_no_part_names_an_even_bbc_article_and_wiki_questions_stay_in_train() -> None:
    for part in ("train", "dev", "test"):
        for path in (QUESTIONS / part).glob("*.jsonl"):
            for line in path.read_text(encoding="utf-8").splitlines():
                q = json.loads(line)
                if path.stem == "bbc":
                    assert all(int(s) % 2 for s in q["sources"] + [q["article"]]), q["id"]
                if str(q.get("id", "")).startswith("wiki-"):
                    assert part == "train" and SQUAD_PART[q["article"]] == "train", q["id"]
