"""`qabot index`: builds and saves the index, then finds it current; start-up loads it."""
from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner, Result

from bot.cli import app
from tests.conftest import REPO, write_corpus


def qabot_index(*args: str, index_dir: Path, **env: str) -> Result:
    """`qabot index` in this process, its logging set-up undone afterwards."""
    httpx = logging.getLogger("httpx")
    level = httpx.level
    try:
        return CliRunner().invoke(app, ["index", *args],
                                  env={"QABOT_INDEX_DIR": str(index_dir), **env})
    finally:
        httpx.setLevel(level)


def test_index_builds_saves_and_then_finds_it_current(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", {
        "001_a.txt": "Bridge opens\n\nThe bridge opened in 2019. It cost 40 million euros.",
        "002_b.md": "Rain\n\nHeavy rain fell on Sunday.",
    })
    cache = tmp_path / "cache"
    first = qabot_index("--corpus", str(corpus), index_dir=cache)
    assert first.exit_code == 0, first.output
    assert first.stdout.startswith("Indexed 2 documents, 5 passages in ")
    [folder] = cache.iterdir()
    assert f"saved to {folder}" in first.stdout and (folder / "meta.json").is_file()
    again = qabot_index("--corpus", str(corpus), index_dir=cache)
    assert again.stdout.startswith("Index is current: 2 documents, 5 passages, loaded in ")
    forced = qabot_index("--corpus", str(corpus), "--force", index_dir=cache)
    assert forced.stdout.startswith("Indexed 2 documents")
    (corpus / "003_c.txt").write_text("Port\n\nThe port reopened in May.", encoding="utf-8")
    updated = qabot_index("--corpus", str(corpus), index_dir=cache)
    assert updated.stdout.startswith(
        "Updated the index (1 added, 0 changed, 0 removed): 3 documents, 7 passages in ")
    ask = subprocess.run(  # a real start-up, as console, eval and telegram make
        [sys.executable, "-m", "bot", "ask", "When did the bridge open?", "--corpus", str(corpus)],
        capture_output=True, text=True, cwd=REPO, timeout=120,
        env={**os.environ, "QABOT_INDEX_DIR": str(cache), "QABOT_LOG_LEVEL": "INFO"},
    )
    assert ask.returncode == 0, ask.stderr
    assert "loaded the index" in ask.stderr and "indexed" not in ask.stderr
    assert "2019" in ask.stdout


def test_index_errors_are_one_line(tmp_path: Path) -> None:
    missing = qabot_index("--corpus", str(tmp_path / "nowhere"), index_dir=tmp_path / "cache")
    assert missing.exit_code == 2 and "corpus folder not found" in missing.stderr
    reference = qabot_index(index_dir=tmp_path / "cache", QABOT_BM25_BACKEND="rank-bm25")
    assert reference.exit_code == 2 and "cannot be saved" in reference.stderr
    assert not (tmp_path / "cache").exists()


def test_the_xapian_backend_without_xapian_says_how_to_install_it(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", {"a.txt": "Alpha\n\nThe bridge opened in 2019."})
    blocked = ("import sys; sys.modules['xapian'] = None; from bot.cli import app; "
               "sys.argv = ['qabot', *sys.argv[1:]]; app()")
    for args in (["ask", "When did the bridge open?", "--corpus", str(corpus)],
                 ["index", "--backend", "xapian", "--out", str(tmp_path / "x"), "--corpus",
                  str(corpus)]):
        run = subprocess.run(
            [sys.executable, "-c", blocked, *args], capture_output=True, text=True, cwd=REPO,
            timeout=120, env={**os.environ, "QABOT_INDEX_DIR": str(tmp_path / "cache"),
                              "QABOT_BM25_BACKEND": "xapian", "QABOT_XAPIAN_SHARDS": "/none"})
        assert run.returncode == 2, run.stderr
        assert run.stderr.startswith("qabot: the Xapian backend needs Xapian's Python bindings")
        assert "apt-get install python3-xapian" in run.stderr
        assert len(run.stderr.strip().splitlines()) == 1
