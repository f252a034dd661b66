"""The `qabot` command end to end on seeds/: ask, ask --json, ask -, eval."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

QABOT = [sys.executable, "-m", "bot"]


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*QABOT, *args], input=stdin, capture_output=True, text=True, cwd=REPO, timeout=120
    )


def test_ask_prints_answer_quote_and_sources():
    out = run("ask", "When were the Syria talks due to start?")
    assert out.returncode == 0, out.stderr
    assert "January 25" in out.stdout
    assert '"The Syria peace talks are due to begin on January 25."' in out.stdout
    assert "000" in out.stdout and "001" in out.stdout and "003" in out.stdout


def test_ask_json_from_stdin():
    out = run("ask", "-", "--json", stdin="What is the capital of France?\n")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["answer"] is None and data["sources"] == []
    assert {"quote", "confidence"} <= data.keys()


def test_empty_question_is_a_friendly_reply_not_a_traceback():
    out = run("ask", "   ")
    assert out.returncode == 0 and "Traceback" not in out.stderr
    assert "question" in out.stdout.lower()


def test_missing_corpus_is_a_one_line_error(tmp_path: Path):
    out = run("ask", "anything", "--corpus", str(tmp_path / "missing"))
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "corpus folder not found" in out.stderr


def test_eval_writes_predictions_in_order(tmp_path: Path):
    questions = tmp_path / "q.jsonl"
    rows = [
        {"question": "Who is the US Secretary of State?", "answers": ["John Kerry"], "sources": ["000"]},
        {"question": "What is the capital of France?", "answers": [], "sources": []},
    ]
    questions.write_text("".join(json.dumps(r) + "\n" for r in rows))
    preds = tmp_path / "p.jsonl"
    out = run("eval", str(questions), "--predictions", str(preds))
    assert out.returncode == 0, out.stderr
    got = [json.loads(line) for line in preds.read_text().splitlines()]
    assert [p["question"] for p in got] == [r["question"] for r in rows]
    assert got[1]["answer"] is None
    assert "abstained 1/1" in out.stdout


def test_the_console_ignores_an_empty_line_and_ends_on_quit():
    out = run("console", stdin="\nWhen were the Syria talks due to start?\nquit\nWho is Kerry?\n")
    assert out.returncode == 0, out.stderr
    assert "January 25" in out.stdout
    assert out.stdout.count("\n? ") == 3  # the empty line, the question, then quit: no fourth


def test_eval_names_the_line_without_a_question(tmp_path: Path):
    questions = tmp_path / "q.jsonl"
    questions.write_text('{"question": "Who?"}\n{"query": "Who?"}\n')
    out = run("eval", str(questions))
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert out.stderr.strip() == f'qabot: {questions} line 2 has no "question" string'


def test_eval_without_answers_says_it_only_predicts(tmp_path: Path):
    questions = tmp_path / "q.jsonl"
    questions.write_text('{"question": "When were the Syria talks due to start?"}\n')
    out = run("eval", str(questions), "--predictions", str(tmp_path / "p.jsonl"))
    assert out.returncode == 0, out.stderr
    assert 'have no "answers": predictions only' in out.stderr
    assert "January 25" in (tmp_path / "p.jsonl").read_text()


def test_a_file_given_as_the_corpus_is_a_one_line_error(tmp_path: Path):
    note = tmp_path / "note.txt"
    note.write_text("A note.\n")
    out = run("ask", "anything", "--corpus", str(note))
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "must be a folder" in out.stderr and str(note) in out.stderr
