"""The Xapian backend beside the in-process index, in one run: build, query and answer times
with 1, 2 and 4 `xapian-tcpsrv` servers on this machine (loopback), and how often the shards
give the in-process top 10.

    .venv/bin/python benchmarks/bench_xapian.py synthetic [--sizes 100k,1M] [--questions 200]
    .venv/bin/python benchmarks/bench_xapian.py overlap [--pools 25,50,100,200]

`synthetic`: passages of 40-60 Zipf-distributed words (bench_retrieval's corpus, fixed seed)
as documents of 100 sentences; questions of mid-frequency words. `overlap`: the seeds, BBC
News and the SQuAD dev articles with the dev questions of `questions/`: the share of the
in-process top 10 the shards return for each candidate pool, its cost, and whether every
dev question gets the same answer. Prints tables (markdown).
"""
from __future__ import annotations

import argparse
import json
import math
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_retrieval import synthetic_corpus  # noqa: E402
from engine_timing import synthetic_questions, write_documents  # noqa: E402
from measure import p50_p95  # noqa: E402

from retrieval import Engine, EngineConfig  # noqa: E402
from retrieval.backends.xapian_serve import ShardServer  # noqa: E402
from retrieval.backends.xapian_shards import write_shards  # noqa: E402
from retrieval.corpus import scan_corpus  # noqa: E402
from retrieval.index import build_index  # noqa: E402
from retrieval.tokenize import tokenize  # noqa: E402

SHARED = ROOT.parent / "shared"
REAL = {"seeds": (ROOT / "seeds", "seeds"),
        "BBC News": (SHARED / "corpora" / "bbc-news", "bbc"),
        "SQuAD (8 articles)": (SHARED / "eval" / "squad-dev" / "corpus", "squad")}


class Servers:
    """`xapian-tcpsrv` on 127.0.0.1, one per shard folder."""

    def __init__(self, folders: Sequence[Path]) -> None:
        self.servers = [ShardServer(folder).start() for folder in folders]

    @property
    def specs(self) -> tuple[str, ...]:
        return tuple(s.spec for s in self.servers)

    def stop(self) -> None:
        for server in self.servers:
            server.kill()


def times_ms(call: Callable[[Any], Any], inputs: Sequence[Any]) -> tuple[float, float]:
    out = []
    for item in inputs:
        start = time.perf_counter()
        call(item)
        out.append((time.perf_counter() - start) * 1000)
    return p50_p95(out)


def top10_overlap(local: Engine, other: Engine, questions: Sequence[str]) -> tuple[float, float]:
    """The share of the in-process top 10 (passages that score) that `other` returns, and the
    share of questions whose ten scores are the same (to 1e-9): where a passage differs
    with the same score, it is a tie (the BBC set holds duplicate articles)."""
    same = total = equal = 0
    for question in questions:
        terms = tokenize(local.prepared(question))
        want = [(p, s) for p, s in local.ranked(terms, 10) if s > 0]
        got = other.ranked(terms, 10)
        same += len({p for p, _ in want} & {p for p, _ in got})
        total += len(want)
        equal += len(want) == len(got) and all(
            math.isclose(a, b, rel_tol=1e-9) for (_, a), (_, b) in zip(want, got))
    return same / max(total, 1), equal / max(len(questions), 1)


def synthetic(sizes: list[int], questions: int) -> None:
    rows = []
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            corpus, counts = synthetic_corpus(n)
            write_documents(corpus, Path(tmp) / "docs")
            del corpus
            asked = synthetic_questions(counts, questions)
            start = time.perf_counter()
            documents = scan_corpus(Path(tmp) / "docs").documents
            index = build_index(documents)
            local_build = time.perf_counter() - start
            local = Engine(documents, EngineConfig(), index)
            rows.append(_row(n, "in-process", local_build, local, local, asked))
            for shards in (1, 2, 4):
                start = time.perf_counter()
                folders = write_shards(Path(tmp) / f"x{shards}", shards, documents, index, 1)
                build = time.perf_counter() - start
                servers = Servers(folders)
                try:
                    engine = Engine(documents, EngineConfig(backend="xapian",
                                                            xapian_shards=servers.specs),
                                    index, span_reader=local.span_reader)
                    rows.append(_row(n, f"Xapian, {shards} server{'s' * (shards > 1)}",
                                     build, engine, local, asked))
                finally:
                    servers.stop()
                shutil.rmtree(Path(tmp) / f"x{shards}")
            print(_table(rows[-4:]), flush=True)
    print("\nAll sizes:\n")
    print(_table(rows))


def _row(n: int, name: str, build: float, engine: Engine, local: Engine,
         asked: list[str]) -> dict[str, Any]:
    terms = [tokenize(engine.prepared(q)) for q in asked]
    engine.ranked(terms[0], 40)  # connections and caches warm, as in a running bot
    query = times_ms(lambda t: engine.ranked(t, engine.config.support_k), terms)
    answer = times_ms(engine.answer, asked)
    overlap, _ = top10_overlap(local, engine, asked)
    return {"passages": n, "backend": name, "build_s": build, "query": query,
            "answer": answer, "overlap": overlap}


def _table(rows: list[dict[str, Any]]) -> str:
    lines = ["| passages | backend | build s | query p50 / p95 ms | answer p50 / p95 ms "
             "| top-10 overlap |", "|--:|---|--:|--:|--:|--:|"]
    for r in rows:
        lines.append(f"| {r['passages']:,} | {r['backend']} | {r['build_s']:.1f} | "
                     f"{r['query'][0]:.1f} / {r['query'][1]:.1f} | "
                     f"{r['answer'][0]:.0f} / {r['answer'][1]:.0f} | {r['overlap']:.2%} |")
    return "\n".join(lines)


def overlap(pools: list[int]) -> None:
    lines = ["| corpus | passages | pool | top-10 overlap | same 10 scores | query p50 / p95 ms "
             "| same answer on dev |", "|---|--:|--:|--:|--:|--:|--:|"]
    for name, (folder, part) in REAL.items():
        if not folder.is_dir():
            print(f"skipping {name}: {folder} not found", file=sys.stderr)
            continue
        rows = (ROOT / "questions" / "dev" / f"{part}.jsonl").read_text("utf-8").splitlines()
        asked = [json.loads(line)["question"] for line in rows if line.strip()]
        documents = scan_corpus(folder).documents
        index = build_index(documents)
        local = Engine(documents, EngineConfig(), index)
        with tempfile.TemporaryDirectory() as tmp:
            servers = Servers(write_shards(Path(tmp), 2, documents, index, 1))
            try:
                for pool in pools:
                    engine = Engine(documents, EngineConfig(
                        backend="xapian", xapian_shards=servers.specs, xapian_pool=pool),
                        index, span_reader=local.span_reader)
                    terms = [tokenize(engine.prepared(q)) for q in asked]
                    query = times_ms(lambda t, e=engine: e.ranked(t, e.config.support_k), terms)
                    same = "—"
                    if pool == EngineConfig().xapian_pool:  # the default pool
                        agree = sum(_answer_view(engine.answer(q)) == _answer_view(
                            local.answer(q)) for q in asked)
                        same = f"{agree}/{len(asked)}"
                    shared, scores = top10_overlap(local, engine, asked)
                    lines.append(f"| {name} | {len(index.spans):,} | {pool} | {shared:.2%} | "
                                 f"{scores:.2%} | {query[0]:.1f} / {query[1]:.1f} | {same} |")
                    print(lines[-1], flush=True)
            finally:
                servers.stop()
    print("\n" + "\n".join(lines))


def _answer_view(answer: Any) -> tuple[Any, ...]:
    """What `qabot eval` scores: the answer, its quote and its sources, and the abstention."""
    return answer.text, answer.quote, answer.sources, answer.reason


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["synthetic", "overlap"])
    parser.add_argument("--sizes", default="100k,1M")
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--pools", default="25,50,100,200")
    args = parser.parse_args()
    if args.what == "synthetic":
        sizes = [int(float(s.lower().replace("k", "e3").replace("m", "e6")))
                 for s in args.sizes.split(",")]
        synthetic(sizes, args.questions)
    else:
        overlap([int(p) for p in args.pools.split(",")])


if __name__ == "__main__":
    main()
