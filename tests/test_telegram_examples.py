"""Example questions for /start."""
from __future__ import annotations

from pathlib import Path

from bot.examples import EXAMPLES_FILE, example_questions
from conftest import SEEDS, write_corpus
from retrieval import load_corpus


def test_the_corpus_examples_file_gives_the_first_three(tmp_path: Path) -> None:
    write_corpus(tmp_path, {
        "a.txt": "A document.",
        EXAMPLES_FILE: "# examples\n\nWho met?\n  When?  \nWhere?\nWhy?\n",
    })
    assert example_questions(tmp_path) == ("Who met?", "When?", "Where?")
    assert [d.source for d in load_corpus(tmp_path)] == ["a"]  # never indexed as a document


def test_the_seed_corpus_ships_examples_and_others_may_have_none(tmp_path: Path) -> None:
    assert len(example_questions(SEEDS)) == 3
    assert example_questions(tmp_path) == ()
