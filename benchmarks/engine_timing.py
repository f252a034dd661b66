"""The engine's part of the benchmark: build, load, memory, search and full answer latency.

    .venv/bin/python benchmarks/engine_timing.py build|load FOLDER CACHE BACKEND QUESTIONS.json

prints one JSON object. `bench_retrieval.py` runs each step in a fresh process, so that memory
an earlier step left behind counts for nobody and "load" starts as a restarted bot would.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from measure import PeakRSS, p50_p95, rss_mb, timed_ms

SEARCH_K = 10


@dataclass(frozen=True)
class EngineResult:
    """The engine with one backend on one corpus, question -> Answer."""

    corpus: str
    backend: str
    passages: int
    build_s: float  # reading, splitting, tokenising, indexing and saving, from a cold cache
    build_peak_mb: float  # resident-memory growth while building, worker processes included
    load_s: float | None  # a restart that finds the saved index; None: not saved (rank-bm25)
    resident_mb: float  # the whole process after loading and answering (Python, spaCy, index)
    questions: int
    search_p50_ms: float
    search_p95_ms: float
    answer_p50_ms: float
    answer_p95_ms: float


def write_documents(corpus: list[list[str]], folder: Path, per_document: int = 100) -> None:
    """The passages as .txt documents of `per_document` sentences, five to a paragraph."""
    folder.mkdir(parents=True, exist_ok=True)
    for d in range(0, len(corpus), per_document):
        sentences = [" ".join(p).capitalize() + "." for p in corpus[d:d + per_document]]
        body = "\n\n".join(" ".join(sentences[i:i + 5]) for i in range(0, len(sentences), 5))
        number = d // per_document
        (folder / f"{number:06d}_doc.txt").write_text(f"Document {number}\n\n{body}\n", "utf-8")


def synthetic_questions(counts: np.ndarray, n: int, seed: int = 2) -> list[str]:
    """'What is the <w1> of <w2> <w3>?' with frequency ranks log-uniform: mid-frequency words."""
    rng = np.random.default_rng(seed)
    present = np.flatnonzero(counts)
    ranks = np.exp(rng.uniform(np.log(3), np.log(len(present)), size=3 * n)).astype(np.int64)
    w = [f"w{i:x}" for i in present[ranks]]
    return [f"What is the {w[i]} of {w[i + 1]} {w[i + 2]}?" for i in range(0, 3 * n, 3)]


def run_engine(name: str, folder: Path, backend: str, questions: list[str],
               sample: int) -> EngineResult:
    """Build on a cold cache in one process; then load, search and answer in a new one."""
    with tempfile.TemporaryDirectory() as tmp:
        asked = Path(tmp) / "questions.json"
        asked.write_text(json.dumps(questions[:sample]), encoding="utf-8")
        args = [str(folder), str(Path(tmp) / "cache"), backend, str(asked)]
        built = _child("build", *args)
        used = _child("load", *args) if backend == "sparse" else built
    return EngineResult(
        name, backend, built["passages"], built["build_s"], built["build_peak_mb"],
        used.get("load_s"), used["resident_mb"], used["questions"], *used["search"],
        *used["answer"])


def _child(step: str, *args: str) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, step, *args], capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(f"engine {step} failed:\n{out.stderr}")
    return dict(json.loads(out.stdout.splitlines()[-1]))


def _step(step: str, folder: str, cache: str, backend: str, questions: str) -> dict[str, Any]:
    from retrieval import Engine, EngineConfig

    config = EngineConfig(backend=backend)
    report: dict[str, Any] = {}
    if step == "build":
        with PeakRSS() as mem:
            start = time.perf_counter()
            engine = Engine.from_folder(folder, config, cache)
            report |= {"build_s": time.perf_counter() - start, "build_peak_mb": mem.mb}
        report["passages"] = len(engine.sentences)
        if backend == "sparse":  # answered by the "load" step
            return report
    else:
        start = time.perf_counter()
        engine = Engine.from_folder(folder, config, cache)
        report["load_s"] = time.perf_counter() - start
    asked = json.loads(Path(questions).read_text(encoding="utf-8"))
    search, _ = timed_ms(lambda q: engine.search(q, SEARCH_K), asked)
    answer, _ = timed_ms(engine.answer, asked)  # the warm-up call loads spaCy's pipeline
    return report | {"questions": len(asked), "search": p50_p95(search),
                     "answer": p50_p95(answer), "resident_mb": rss_mb()}


if __name__ == "__main__":
    step_name, *rest = sys.argv[1:]
    print(json.dumps(_step(step_name, *rest)))
