"""Answer latency and memory of each reader on real questions, seeds and BBC News.

    .venv/bin/python benchmarks/bench_reader.py [--bbc ../shared/corpora/bbc-news] [-n 200]

Each (corpus, reader) runs in a fresh process: the index is loaded from its cache (built
first if missing), the dev questions of that corpus are asked once to warm up, then timed.
Prints one table: answer p50 / p95 and the process's resident memory.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))


def one(corpus: str, reader: str, questions: str, n: int) -> dict:
    """In this process: the engine on `corpus` with `reader`, timed on n questions."""
    from measure import p50_p95, rss_mb

    from retrieval.engine import Engine, EngineConfig

    began = time.perf_counter()
    engine = Engine.from_folder(corpus, EngineConfig(reader=reader, parse_worker=reader == "rules"),
                                ROOT / ".cache" / "index")
    ready = time.perf_counter() - began
    with Path(questions).open(encoding="utf-8") as f:
        rows = [json.loads(x)["question"] for x in f][:n]
    for q in rows[:10]:
        engine.answer(q)
    times = []
    for q in rows:
        t = time.perf_counter()
        engine.answer(q)
        times.append((time.perf_counter() - t) * 1000)
    p50, p95 = p50_p95(times)
    return {"corpus": Path(corpus).name, "reader": reader, "questions": len(rows),
            "ready_s": round(ready, 2), "p50_ms": round(p50, 1), "p95_ms": round(p95, 1),
            "rss_mb": round(rss_mb())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bbc", default=str(ROOT.parent / "shared" / "corpora" / "bbc-news"))
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--one", nargs=3, metavar=("CORPUS", "READER", "QUESTIONS"))
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(*args.one, args.n)))
        return
    runs = []
    for corpus, questions in ((ROOT / "seeds", ROOT / "questions" / "dev" / "seeds.jsonl"),
                              (Path(args.bbc), ROOT / "questions" / "dev" / "bbc.jsonl")):
        if not corpus.is_dir():
            print(f"skipping {corpus}: not found")
            continue
        for reader in ("neural", "rules"):
            out = subprocess.run(
                [sys.executable, __file__, "--one", str(corpus), reader, str(questions), "-n", str(args.n)],
                check=True, capture_output=True, text=True).stdout
            runs.append(json.loads(out.strip().splitlines()[-1]))
    print(f"{'corpus':10} {'reader':7} {'questions':>9} {'ready s':>8} {'p50 ms':>7} {'p95 ms':>7} {'RSS MB':>7}")
    for r in runs:
        print(f"{r['corpus']:10} {r['reader']:7} {r['questions']:9} {r['ready_s']:8} "
              f"{r['p50_ms']:7} {r['p95_ms']:7} {r['rss_mb']:7}")


if __name__ == "__main__":
    main()
