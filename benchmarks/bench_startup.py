"""Start-up as a user meets it: the console's first prompt and first answer, and one-shot
`qabot ask`, on the seeds and on BBC News (its index saved first), with a warm disk cache.

    .venv/bin/python benchmarks/bench_startup.py [--bbc ../shared/corpora/bbc-news] [--runs 3]

Prints one table of medians over the runs.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QABOT = [sys.executable, "-m", "bot"]
QUESTIONS = {"seeds": "When were the Syria talks due to start?",
             "bbc-news": "How much did Time Warner's quarterly profits rise to?"}


def console(corpus: Path, question: str) -> tuple[float, float]:
    """Seconds to the first prompt, then from the question to its answer."""
    began = time.perf_counter()
    proc = subprocess.Popen([*QABOT, "console", "--corpus", str(corpus)], cwd=ROOT, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdin and proc.stdout
    seen = ""
    while not seen.endswith("\n? "):
        ch = proc.stdout.read(1)
        if not ch:
            raise RuntimeError("the console ended before its prompt")
        seen += ch
    prompt = time.perf_counter() - began
    asked = time.perf_counter()
    proc.stdin.write(question + "\n")
    proc.stdin.flush()
    proc.stdout.readline()
    answered = time.perf_counter() - asked
    proc.stdin.close()
    proc.wait(timeout=60)
    return prompt, answered


def ask(corpus: Path, question: str) -> float:
    began = time.perf_counter()
    subprocess.run([*QABOT, "ask", question, "--corpus", str(corpus)], cwd=ROOT, check=True,
                   capture_output=True)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bbc", type=Path, default=ROOT.parent / "shared" / "corpora" / "bbc-news")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rows = []
    for corpus in (ROOT / "seeds", args.bbc):
        if not corpus.is_dir():
            print(f"skipping {corpus}: not found")
            continue
        question = QUESTIONS.get(corpus.name, QUESTIONS["seeds"])
        subprocess.run([*QABOT, "index", "--corpus", str(corpus)], cwd=ROOT, check=True,
                       capture_output=True)  # the saved index a restarted bot finds
        ask(corpus, question)  # warms the disk cache
        consoles = [console(corpus, question) for _ in range(args.runs)]
        asks = [ask(corpus, question) for _ in range(args.runs)]
        rows.append((corpus.name, statistics.median(p for p, _ in consoles),
                     statistics.median(a for _, a in consoles), statistics.median(asks)))
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{'corpus':10} {'first prompt s':>15} {'first answer s':>15} {'qabot ask s':>12}")
    for name, prompt, answer, one in rows:
        print(f"{name:10} {prompt:15.2f} {answer:15.2f} {one:12.2f}")
    print(f"medians of {args.runs} runs; load average {load}; targets: 3 s, 1 s and 3 s")


if __name__ == "__main__":
    main()
