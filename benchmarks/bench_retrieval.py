"""Retrieval benchmark: the sparse BM25 index against rank-bm25, side by side, in one run.

    .venv/bin/python benchmarks/bench_retrieval.py [--sizes 10k,100k,1M,squad] [--queries 200]
                                                  [--json results.json]

Synthetic corpora have 40-60 tokens per passage drawn from a Zipf vocabulary of 200k words
(fixed seed); "squad" is the SQuAD dev corpus as the engine indexes it (sentence windows).
"""
from __future__ import annotations

import argparse
import gc
import json
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np
import psutil
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


class PeakRSS:
    """The peak growth of this process's resident memory inside a `with` block, sampled."""

    def __enter__(self) -> PeakRSS:
        self._proc, self._stop = psutil.Process(), threading.Event()
        self.base = self.peak = self._proc.memory_info().rss
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, self._proc.memory_info().rss)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._proc.memory_info().rss)

    @property
    def mb(self) -> float:
        return (self.peak - self.base) / 2**20


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


# --- HOOK: full answer latency -------------------------------------------------------------
# The main engine fills this in: time question -> Answer with the given backend. Until then
# only retrieval is measured and answer_p50_ms / answer_p95_ms are written as null.
def answer_latencies_ms(backend: str, corpus_name: str) -> list[float] | None:
    """Milliseconds per full answer on `corpus_name`; None while the engine is not wired in."""
    return None
# --------------------------------------------------------------------------------------------


def latencies_ms(search: Callable[[list[str]], list[tuple[int, float]]],
                 queries: list[list[str]]) -> tuple[list[float], list[list[tuple[int, float]]]]:
    """Milliseconds per query (after one warm-up call) and the results."""
    search(queries[0])
    times, found = [], []
    for query in queries:
        start = time.perf_counter()
        found.append(search(query))
        times.append((time.perf_counter() - start) * 1e3)
    return times, found


def result(backend: str, n: int, build: float, load: float | None, mb: float,
           times: list[float], corpus_name: str) -> Result:
    answers = answer_latencies_ms(backend, corpus_name)
    p50, p95 = np.percentile(times, [50, 95])
    a50, a95 = (float(x) for x in np.percentile(answers, [50, 95])) if answers else (None, None)
    return Result(backend, n, build, load, mb, float(p50), float(p95), a50, a95)


def bench(
    name: str, corpus: list[list[str]], queries: list[list[str]]
) -> tuple[list[Result], dict[str, Any]]:
    """Both backends on one corpus, and extras: save time, memory kept, queries, agreement."""
    gc.collect()
    with PeakRSS() as mem:
        start = time.perf_counter()
        index = SparseBM25(corpus)
        build = time.perf_counter() - start
    kept = {"sparse": (psutil.Process().memory_info().rss - mem.base) / 2**20}
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        index.save(Path(tmp))
        save = time.perf_counter() - start
        del index
        gc.collect()
        start = time.perf_counter()
        index = SparseBM25.load(Path(tmp))
        load = time.perf_counter() - start
    times, sparse_found = latencies_ms(lambda q: index.top_k(q, K), queries)
    rows = [result("sparse", len(corpus), build, load, mem.mb, times, name)]
    del index
    gc.collect()

    sample = queries[:BIG_SAMPLE] if len(corpus) >= BIG else queries
    with PeakRSS() as mem:
        start = time.perf_counter()
        scorer = make_scorer(corpus, "rank-bm25")
        build = time.perf_counter() - start
    kept["rank-bm25"] = (psutil.Process().memory_info().rss - mem.base) / 2**20
    times, ref_found = latencies_ms(lambda q: top_k(scorer.get_scores(q), K), sample)
    rows.append(result("rank-bm25", len(corpus), build, None, mem.mb, times, name))
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


def show(rows: list[Result], extras: list[dict[str, Any]]) -> None:
    """The results as a table, then the speed-ups and notes."""
    table = Table(title=f"BM25 retrieval, top-{K}")
    for col in ("corpus", "backend", "passages", "build s", "save s", "load s", "peak MB",
                "kept MB", "queries", "p50 ms", "p95 ms", "answer p50", "answer p95"):
        table.add_column(col, justify="left" if col in ("corpus", "backend") else "right")
    notes = []
    for row, extra in zip(rows, (e for e in extras for _ in range(2))):
        sparse = row.backend == "sparse"
        table.add_row(
            extra["name"], row.backend, f"{row.passages:,}", f"{row.build_s:.2f}",
            f"{extra['save_s']:.2f}" if sparse else "-", f"{row.load_s:.2f}" if sparse else "-",
            f"{row.rss_mb:.1f}", f"{extra['kept'][row.backend]:.1f}",
            str(extra["queries"] if sparse else extra["sample"]), f"{row.retrieve_p50_ms:.3f}",
            f"{row.retrieve_p95_ms:.3f}", "null", "null")
    console = Console(width=max(150, Console().width))  # a pipe would wrap it at 80
    console.print(table)
    for extra, (sparse, ref) in zip(extras, zip(rows[::2], rows[1::2])):
        speedup = ref.retrieve_p50_ms / sparse.retrieve_p50_ms
        console.print(f"{extra['name']}: sparse is {speedup:,.0f}x faster than rank-bm25 at p50;"
                      f" same top-{K} scores on every query: {extra['agree']}")
        if extra["sample"] < extra["queries"]:
            notes.append(f"rank-bm25 on {extra['name']} timed on the first {extra['sample']} of "
                         f"{extra['queries']} queries (too slow for all).")
    for note in notes + ["peak MB: resident-memory growth while building; kept MB: after it.",
                         "answer latency: not measured yet (hook in answer_latencies_ms)."]:
        console.print("note: " + note)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10k,100k,1M,squad")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--json", type=Path, help="write the results here as a JSON list")
    args = parser.parse_args()
    rows: list[Result] = []
    extras: list[dict[str, Any]] = []
    for label in args.sizes.split(","):
        size = parse_size(label)
        if size == "squad":
            if not SQUAD.is_dir():
                print(f"skipping squad: {SQUAD} not found")
                continue
            corpus, queries = squad_corpus(args.queries)
            name = "squad"
        else:
            assert isinstance(size, int)
            corpus, counts = synthetic_corpus(size)
            queries, name = synthetic_queries(counts, args.queries), label.strip()
        print(f"{name}: {len(corpus):,} passages, {len(queries)} queries ...", flush=True)
        got, extra = bench(name, corpus, queries)
        rows += got
        extras.append(extra)
        del corpus
    show(rows, extras)
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in rows], indent=2) + "\n")


if __name__ == "__main__":
    main()
