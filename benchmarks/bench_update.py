"""How long a change to the corpus takes to reach the saved index: a full build, then adding,
changing and removing one document, each the median of three runs.

    .venv/bin/python benchmarks/bench_update.py [CORPUS]   # default ../shared/corpora/bbc-news

The corpus is linked file by file into a temporary folder (nothing is copied into the
repository); the added document is one of the corpus's articles under a new name. Prints one
table.
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from retrieval.corpus import corpus_files
from retrieval.index_store import open_index

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT.parent / "shared" / "corpora" / "bbc-news"
RUNS = 3


def timed(corpus: Path, cache: Path, **options: object) -> tuple[float, str]:
    start = time.perf_counter()
    opened = open_index(corpus, cache, **options)  # type: ignore[arg-type]
    seconds = time.perf_counter() - start
    assert opened.folder is not None, "the index was not saved"
    return seconds, f"{len(opened.documents):,} documents, {len(opened.index.spans):,} passages"


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    with tempfile.TemporaryDirectory() as tmp:
        corpus, cache = Path(tmp) / "corpus", Path(tmp) / "cache"
        files = corpus_files(source)
        for path in files:
            link = corpus / path.relative_to(source)
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(path.resolve())
        article = files[len(files) // 2].read_bytes()
        added = corpus / "zz_added.txt"
        rows: list[tuple[str, list[float], str]] = []

        def run(name: str, before: object, **options: object) -> None:
            times, size = [], ""
            for _ in range(RUNS):
                before()  # type: ignore[operator]
                seconds, size = timed(corpus, cache, **options)
                times.append(seconds)
            rows.append((name, times, size))

        run("full build", lambda: None, force=True)
        run("load (nothing changed)", lambda: None)

        def add() -> None:
            added.unlink(missing_ok=True)
            timed(corpus, cache)  # the index without it, not timed
            added.write_bytes(article)

        def change() -> None:
            added.write_bytes(article + b"\n\nOne more sentence, added at %d." % time.time_ns())

        def remove() -> None:
            if not added.exists():
                added.write_bytes(article)
                timed(corpus, cache)
            added.unlink()

        run("add one document", add)
        run("change one document", change)
        run("remove one document", remove)
    print(f"Saved index of {source.name} ({rows[0][2]}), median of {RUNS} runs:\n")
    print(f"| {'change':<24} | {'seconds':>7} |")
    print(f"|{'-' * 26}|{'-' * 9}|")
    for name, times, _ in rows:
        print(f"| {name:<24} | {statistics.median(times):>7.2f} |")


if __name__ == "__main__":
    main()
