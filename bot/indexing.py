"""`qabot index`: build the corpus's index ahead of start-up, with a progress bar."""
from __future__ import annotations

import time
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from retrieval import EngineConfig
from retrieval.corpus import Corpus
from retrieval.index_store import Opened, open_index

STAGES = {"reading": "Reading documents", "documents": "Splitting and tokenising documents",
          "scorers": "Building BM25 indexes"}


def index_corpus(corpus: Path, cache_dir: Path, force: bool) -> tuple[Opened, float]:
    """The corpus's index, built (or found current) with a progress bar on standard error."""
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), console=Console(stderr=True),
    ) as bar:
        tasks: dict[str, TaskID] = {}
        checking = bar.add_task("Reading the corpus", total=None)

        def progress(stage: str, done: int, total: int) -> None:
            bar.update(checking, visible=False)
            if stage not in tasks:
                tasks[stage] = bar.add_task(STAGES.get(stage, stage), total=total)
            bar.update(tasks[stage], completed=done, total=total)

        start = time.perf_counter()
        # the engine's own window context, so that start-up finds this very index
        opened = open_index(corpus, cache_dir, EngineConfig().context, "sparse", force, progress)
        bar.update(checking, visible=False)
        return opened, time.perf_counter() - start


def summary(opened: Opened, seconds: float) -> str:
    """One line: what was indexed, how long it took and where the index is."""
    size = f"{Corpus(list(opened.documents), list(opened.skipped)).summary()}, " \
           f"{len(opened.index.spans):,} passages"
    if not opened.built:
        return f"Index is current: {size}, loaded in {seconds:.1f} s from {opened.folder}"
    where = f"saved to {opened.folder}" if opened.folder else "NOT saved (see the warning above)"
    if opened.changes is not None:  # only the files that changed were read
        return f"Updated the index ({opened.changes}): {size} in {seconds:.1f} s; {where}"
    return f"Indexed {size} in {seconds:.1f} s; {where}"


def write_xapian(corpus: Path, out: Path, shards: int) -> str:
    """Write (or update) the corpus as `shards` Xapian databases under `out`; one line saying
    what was written, and how to serve it."""
    from retrieval.backends.xapian_shards import write_shards, xapian_module
    from retrieval.corpus import scan_corpus
    from retrieval.index import build_index

    xapian_module()  # before any work: without Xapian, say so at once
    start = time.perf_counter()
    found = scan_corpus(corpus)
    context = EngineConfig().context
    built = build_index(found.documents, context)
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                  MofNCompleteColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True)) as bar:
        task = bar.add_task("Writing Xapian shards", total=len(found.documents))
        folders = write_shards(out, shards, found.documents, built, context,
                               lambda done, total: bar.update(task, completed=done))
    seconds = time.perf_counter() - start
    serve = " & ".join(f"xapian-tcpsrv --port {33333 + i} {f}" for i, f in enumerate(folders[:2]))
    return (f"Wrote {found.summary()}, {len(built.spans):,} passages to {shards} Xapian "
            f"shard{'s' if shards != 1 else ''} under {out} in {seconds:.1f} s. Serve each: "
            f"{serve}{' ...' if shards > 2 else ''}")
