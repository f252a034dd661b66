"""Retrieval and engine benchmark: sparse BM25 against rank-bm25, side by side, in one run.

    .venv/bin/python benchmarks/bench_retrieval.py [--sizes 10k,100k,1M,squad] [--queries 200]
                                  [--reference-engine-max 100k] [--json results.json]

Synthetic corpora have 40-60 tokens per passage drawn from a Zipf vocabulary of 200k words
(fixed seed); "squad" is the SQuAD dev corpus as the engine indexes it (sentence windows).
The retrieval table times one BM25 index over passages given as token lists; the engine
table times the whole engine from .txt files (engine_timing.py): build, load, memory,
search and full answers to questions made of mid-frequency words (SQuAD's own on squad).
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import tempfile
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from engine_timing import EngineResult, run_engine, synthetic_questions, write_documents
from measure import PeakRSS, p50_p95, rss_mb, timed_ms
from rich.console import Console
from rich.table import Table

from retrieval.bm25 import make_scorer, top_k
from retrieval.corpus import load_corpus
from retrieval.passages import split_corpus, window_tokens
from retrieval.sparse_bm25 import SparseBM25
from retrieval.tokenize import tokenize

SQUAD = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "squad-dev"
VOCABULARY = 200_000
K = 10
BIG = 500_000  # from this many passages rank-bm25 answers only a sample of the queries
BIG_SAMPLE = 20


@dataclass(frozen=True)
class Result:
    """One backend on one corpus; the JSON output holds these fields."""

    backend: str
    passages: int
    build_s: float
    load_s: float | None
    rss_mb: float  # peak resident-memory growth while building
    retrieve_p50_ms: float
    retrieve_p95_ms: float
    answer_p50_ms: float | None
    answer_p95_ms: float | None


def synthetic_corpus(n: int, seed: int = 0) -> tuple[list[list[str]], np.ndarray]:
    """n passages of 40-60 Zipf-distributed words, and how often each word (by rank) occurs."""
    rng = np.random.default_rng(seed)
    cdf = np.cumsum(1.0 / np.arange(1, VOCABULARY + 1))
    lengths = rng.integers(40, 61, size=n)
    ids = np.searchsorted(cdf, rng.random(int(lengths.sum())) * cdf[-1])
    words = np.array([f"w{i:x}" for i in range(VOCABULARY)], dtype=object)
    flat = words[ids].tolist()
    ends = np.cumsum(lengths).tolist()
    corpus = [flat[end - size:end] for end, size in zip(ends, lengths.tolist())]
    return corpus, np.bincount(ids, minlength=VOCABULARY)


def synthetic_queries(counts: np.ndarray, n: int, seed: int = 1) -> list[list[str]]:
    """Queries of 2-6 words, frequency ranks log-uniform: mostly mid-frequency words."""
    rng = np.random.default_rng(seed)
    present = np.flatnonzero(counts)  # ranks that occur, most frequent first
    sizes = rng.integers(2, 7, size=n)
    ranks = np.exp(rng.uniform(np.log(3), np.log(len(present)), size=int(sizes.sum())))
    words = [f"w{i:x}" for i in present[ranks.astype(np.int64)]]
    ends = np.cumsum(sizes).tolist()
    return [words[end - size:end] for end, size in zip(ends, sizes.tolist())]


def squad_corpus(n: int) -> tuple[list[list[str]], list[list[str]]]:
    """SQuAD dev passages tokenized as the engine does, and its questions as queries."""
    docs = load_corpus(SQUAD / "corpus")
    sentences = split_corpus(docs)
    own = [tokenize(s.text) for s in sentences]
    corpus = window_tokens(own, sentences, [tokenize(d.title) for d in docs])
    lines = (SQUAD / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    questions = (tokenize(json.loads(line)["question"]) for line in lines if line.strip())
    return corpus, [q for q in questions if q][:n]


def result(backend: str, n: int, build: float, load: float | None, mb: float,
           times: list[float]) -> Result:
    """A retrieval row; its answer latency comes from the engine run on the same corpus."""
    return Result(backend, n, build, load, mb, *p50_p95(times), None, None)


def bench(
    name: str, corpus: list[list[str]], queries: list[list[str]]
) -> tuple[list[Result], dict[str, Any]]:
    """Both backends on one corpus, and extras: save time, memory kept, queries, agreement."""
    gc.collect()
    with PeakRSS() as mem:
        start = time.perf_counter()
        index = SparseBM25(corpus)
        build = time.perf_counter() - start
    kept = {"sparse": rss_mb() - mem.base}
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        index.save(Path(tmp))
        save = time.perf_counter() - start
        del index
        gc.collect()
        start = time.perf_counter()
        index = SparseBM25.load(Path(tmp))
        load = time.perf_counter() - start
    times, sparse_found = timed_ms(lambda q: index.top_k(q, K), queries)
    rows = [result("sparse", len(corpus), build, load, mem.mb, times)]
    del index
    gc.collect()

    sample = queries[:BIG_SAMPLE] if len(corpus) >= BIG else queries
    with PeakRSS() as mem:
        start = time.perf_counter()
        scorer = make_scorer(corpus, "rank-bm25")
        build = time.perf_counter() - start
    kept["rank-bm25"] = rss_mb() - mem.base
    times, ref_found = timed_ms(lambda q: top_k(scorer.get_scores(q), K), sample)
    rows.append(result("rank-bm25", len(corpus), build, None, mem.mb, times))
    del scorer
    gc.collect()
    # the same scores for every sampled query (which of two tied passages comes first may differ)
    agree = all([s for _, s in a] == [s for _, s in b] for a, b in zip(sparse_found, ref_found))
    extra = {"name": name, "save_s": save, "kept": kept, "agree": agree}
    return rows, extra | {"queries": len(queries), "sample": len(sample)}


def parse_size(text: str) -> int | str:
    text = text.strip()
    if text.lower() == "squad":
        return "squad"
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1].lower(), 1)
    return int(float(text[:-1] if scale > 1 else text) * scale)


def show(rows: list[Result], extras: list[dict[str, Any]], engines: list[EngineResult],
         notes: list[str]) -> None:
    """The results as two tables, then the speed-ups, the targets and notes."""
    table = Table(title=f"BM25 retrieval, top-{K} (passages already tokenised)")
    for col in ("corpus", "backend", "passages", "build s", "save s", "load s", "peak MB",
                "kept MB", "queries", "p50 ms", "p95 ms", "answer p50", "answer p95"):
        table.add_column(col, justify="left" if col in ("corpus", "backend") else "right")
    for row, extra in zip(rows, (e for e in extras for _ in range(2))):
        sparse = row.backend == "sparse"
        table.add_row(
            extra["name"], row.backend, f"{row.passages:,}", f"{row.build_s:.2f}",
            f"{extra['save_s']:.2f}" if sparse else "-", f"{row.load_s:.2f}" if sparse else "-",
            f"{row.rss_mb:.1f}", f"{extra['kept'][row.backend]:.1f}",
            str(extra["queries"] if sparse else extra["sample"]), f"{row.retrieve_p50_ms:.3f}",
            f"{row.retrieve_p95_ms:.3f}", _ms(row.answer_p50_ms), _ms(row.answer_p95_ms))
    console = Console(width=max(150, Console().width))  # a pipe would wrap it at 80
    console.print(table)
    console.print(engine_table(engines))
    for extra, (sparse, ref) in zip(extras, zip(rows[::2], rows[1::2])):
        speedup = ref.retrieve_p50_ms / sparse.retrieve_p50_ms
        console.print(f"{extra['name']}: sparse is {speedup:,.0f}x faster than rank-bm25 at p50;"
                      f" same top-{K} scores on every query: {extra['agree']}")
        if extra["sample"] < extra["queries"]:
            notes.append(f"rank-bm25 on {extra['name']} timed on the first {extra['sample']} of "
                         f"{extra['queries']} queries (too slow for all).")
    for line in targets(rows, engines):
        console.print(line)
    for note in notes + [
        "retrieval: one index over passages given as token lists; peak MB: resident-memory "
        "growth while building; kept MB: after it.",
        "engine: Engine.from_folder on .txt files (100 passages each): reading, sentence "
        "splitting, tokenising, the sentence index and window counts, and saving; load: a new "
        "process finding the saved index; resident MB: that whole process after answering, its "
        "parse worker included; search: Engine.search (sentence + window scores, pruned); "
        "answer: Engine.answer, the parse worker on.",
    ]:
        console.print("note: " + note)


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def engine_table(engines: list[EngineResult]) -> Table:
    table = Table(title="Engine: question -> Answer, from the corpus files")
    for col in ("corpus", "backend", "passages", "build s", "build peak MB", "load s",
                "resident MB", "questions", "search p50", "search p95", "answer p50",
                "answer p95"):
        table.add_column(col, justify="left" if col in ("corpus", "backend") else "right")
    for e in engines:
        table.add_row(
            e.corpus, e.backend, f"{e.passages:,}", f"{e.build_s:.1f}", f"{e.build_peak_mb:.0f}",
            "-" if e.load_s is None else f"{e.load_s:.2f}", f"{e.resident_mb:.0f}",
            str(e.questions), f"{e.search_p50_ms:.1f}", f"{e.search_p95_ms:.1f}",
            f"{e.answer_p50_ms:.1f}", f"{e.answer_p95_ms:.1f}")
    return table


def targets(rows: list[Result], engines: list[EngineResult]) -> list[str]:
    """The issue's targets, met or not, for the corpora this run measured."""
    out = []
    for r in rows:
        if r.backend == "sparse" and r.passages == 1_000_000:
            out.append(_target("1M retrieval p50", r.retrieve_p50_ms, 5, "ms"))
            out.append(_target("1M retrieval p95", r.retrieve_p95_ms, 20, "ms"))
    for e in engines:
        if e.backend == "sparse" and e.corpus.lower() == "1m":
            out.append(_target("1M full answer p50", e.answer_p50_ms, 50, "ms"))
            out.append(_target("1M build", e.build_s, 90, "s"))
            out.append(_target("1M load", e.load_s or 0.0, 5, "s"))
            out.append(_target("1M resident memory", e.resident_mb, 1024, "MB"))
    for sparse, ref in zip(rows[::2], rows[1::2]):
        if sparse.passages == 100_000:
            speedup = ref.retrieve_p50_ms / sparse.retrieve_p50_ms
            out.append(_target("100k speed-up over rank-bm25", -speedup, -100, "x"))
    return out


def _target(what: str, value: float, limit: float, unit: str) -> str:
    shown = f"{abs(value):,.1f} {unit}" if unit != "x" else f"{abs(value):,.0f}x"
    bound = f"<= {limit:,} {unit}" if limit >= 0 else f">= {-limit:,}x"
    return f"target {what}: {shown} ({bound}): {'met' if value <= limit else 'NOT met'}"


def squad_questions(n: int) -> list[str]:
    lines = (SQUAD / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()][:n]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10k,100k,1M,squad")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--reference-engine-max", type=parse_size, default=100_000,
                        help="largest corpus to build the engine with rank-bm25 on (its memory)")
    parser.add_argument("--json", type=Path, help="write the results here as a JSON list")
    args = parser.parse_args()
    rows: list[Result] = []
    extras: list[dict[str, Any]] = []
    engines: list[EngineResult] = []
    notes: list[str] = []
    for label in args.sizes.split(","):
        size = parse_size(label)
        with tempfile.TemporaryDirectory() as tmp:
            if size == "squad":
                if not SQUAD.is_dir():
                    print(f"skipping squad: {SQUAD} not found")
                    continue
                corpus, queries = squad_corpus(args.queries)
                name, folder, questions = "squad", SQUAD / "corpus", squad_questions(args.queries)
            else:
                assert isinstance(size, int)
                corpus, counts = synthetic_corpus(size)
                queries, name = synthetic_queries(counts, args.queries), label.strip()
                folder, questions = Path(tmp) / "corpus", synthetic_questions(counts, args.queries)
                write_documents(corpus, folder)
            print(f"{name}: {len(corpus):,} passages, {len(queries)} queries ...", flush=True)
            got, extra = bench(name, corpus, queries)
            del corpus
            gc.collect()
            for backend in ("sparse", "rank-bm25"):
                n = got[0].passages
                if backend == "rank-bm25" and n > args.reference_engine_max:
                    notes.append(f"the engine on {name} was not built with rank-bm25 (its memory; "
                                 "--reference-engine-max).")
                    continue
                sample = BIG_SAMPLE if backend == "rank-bm25" and n >= BIG else len(questions)
                if sample < len(questions):
                    notes.append(f"the rank-bm25 engine on {name} answered the first {sample} "
                                 f"of {len(questions)} questions.")
                print(f"{name}: engine with {backend} ...", flush=True)
                engines.append(run_engine(name, folder, backend, questions, sample))
                row = 0 if backend == "sparse" else 1
                got[row] = replace(got[row], answer_p50_ms=engines[-1].answer_p50_ms,
                                   answer_p95_ms=engines[-1].answer_p95_ms)
        rows += got
        extras.append(extra)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    notes.append(f"this machine: {os.cpu_count()} CPUs, load average {load} at the end "
                 "(other work running beside the benchmark slows every timing).")
    show(rows, extras, engines, notes)
    if args.json:
        data = {"retrieval": [asdict(r) for r in rows], "engine": [asdict(e) for e in engines]}
        args.json.write_text(json.dumps(data, indent=2) + "\n")


if __name__ == "__main__":
    main()
