"""The question set keeps its promises: split by document, nothing on even-numbered BBC
articles (others' test data), every row in score.py's format, and the import step that takes
a writer's file checks each row against its article."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, SHARED

QUESTIONS = REPO / "questions"
PARTS = ("train", "dev", "test")


def rows(part: str, name: str) -> list[dict]:
    path = QUESTIONS / part / f"{name}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_no_article_has_questions_in_two_parts():
    for name in ("bbc", "squad", "squad2"):
        owner: dict[str, str] = {}
        for part in PARTS:
            for row in rows(part, name):
                assert owner.setdefault(row["article"], part) == part, (name, row["id"])


def test_bbc_questions_name_only_odd_numbered_articles():
    for part in PARTS:
        for row in rows(part, "bbc"):
            assert int(row["article"]) % 2 == 1, row["id"]
            assert all(int(s) % 2 == 1 for s in row["sources"]), row["id"]


def test_every_row_is_in_the_scored_format():
    for part in PARTS:
        for name in ("bbc", "seeds", "squad", "squad2"):
            path = QUESTIONS / part / f"{name}.jsonl"
            if not path.exists():
                continue
            for row in rows(part, name):
                assert row["question"].strip()
                assert isinstance(row["answers"], list) and isinstance(row["sources"], list)
                assert bool(row["answers"]) == bool(row["sources"]) or name.startswith("squad"), row["id"]


def test_bbc_answers_are_verbatim_in_their_evidence():
    corpus = SHARED / "corpora" / "bbc-news"
    if not corpus.exists():
        pytest.skip("the shared BBC corpus is not beside the repository")
    texts = {p.name[:4]: p.read_text(encoding="utf-8") for p in corpus.glob("*.txt")}
    for part in PARTS:
        for row in rows(part, "bbc"):
            if row["answers"]:
                a, b = row["evidence_span"]
                assert row["answers"][0] in " ".join(texts[row["article"]][a:b].split()), row["id"]


def test_take_locates_evidence_and_leaves_out_bad_rows(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "0001_a.txt").write_text("Acme profit\n\nAcme made a profit of $5m in 2004.\n", encoding="utf-8")
    (corpus / "0002_b.txt").write_text("Even\n\nAn even article says 7.\n", encoding="utf-8")
    good = {"id": "w-0001-1", "question": "acme profit 2004", "answers": ["$5m"], "sources": ["0001"],
            "evidence": "Acme made a profit of $5m in 2004.", "kind": "how much", "article": "0001",
            "writer": "w", "style": "keyword"}
    unanswerable = {**{k: v for k, v in good.items() if k != "style"}, "id": "w-0001-2",
                    "question": "how many staff does Acme have",
                    "answers": [], "sources": [], "evidence": None, "kind": "how many"}
    not_verbatim = {**good, "id": "w-0001-3", "answers": ["$6m"]}
    even = {**good, "id": "w-0002-1", "answers": ["7"], "sources": ["0002"],
            "evidence": "An even article says 7.", "article": "0002"}
    written = tmp_path / "written.jsonl"
    written.write_text("\n".join(json.dumps(r) for r in (good, unanswerable, not_verbatim, even))
                       + "\nnot json\n", encoding="utf-8")
    sys.path.insert(0, str(QUESTIONS))
    try:
        from take import take
    finally:
        sys.path.remove(str(QUESTIONS))
    kept, dropped = take(written, corpus)
    assert [r["id"] for r in kept] == ["w-0001-1", "w-0001-2"]
    text = (corpus / "0001_a.txt").read_text(encoding="utf-8")
    a, b = kept[0]["evidence_span"]
    assert text[a:b] == "Acme made a profit of $5m in 2004."
    assert kept[1]["evidence_span"] is None and "evidence" not in kept[0]
    assert kept[0]["style"] == "keyword" and "style" not in kept[1]  # as written, for breakdowns
    assert len(dropped) == 3
    assert any("w-0001-3" in d and "not verbatim" in d for d in dropped)
    assert any("w-0002-1" in d and "odd-numbered" in d for d in dropped)


def test_take_keeps_written_wiki_questions_on_train_articles_only(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    sentence = "The Warsaw Uprising began on 1 August 1944."
    for name in ("001_Warsaw.txt", "002_Normans.txt"):
        (corpus / name).write_text(sentence + " It lasted 63 days.\n", encoding="utf-8")
    base = {"question": "When did the Warsaw Uprising begin?", "answers": ["1 August 1944"],
            "sources": ["001"], "evidence": sentence, "kind": "when", "article": "001",
            "writer": "wiki-w99"}
    written = tmp_path / "wiki_w99.jsonl"
    written.write_text("\n".join(json.dumps(r) for r in (
        {**base, "id": "wiki-w99-1"},
        {**base, "id": "wiki-w99-2", "answers": [], "sources": [], "evidence": None},
        {**base, "id": "wiki-w99-3", "sources": ["002"], "article": "002"},  # a dev article
    )), encoding="utf-8")
    sys.path.insert(0, str(QUESTIONS))
    try:
        from take import squad_train, take
    finally:
        sys.path.remove(str(QUESTIONS))
    kept, dropped = take(written, corpus, squad_train)
    assert [r["id"] for r in kept] == ["wiki-w99-1", "wiki-w99-2"]
    assert kept[0]["evidence_span"] == [0, len(sentence)]
    assert len(dropped) == 1 and "wiki-w99-3" in dropped[0] and "train-part" in dropped[0]
