"""Start-up as a user meets it: the console's first prompt and first answer, one-shot
`qabot ask`, and the Telegram bot's first reply (a question already waiting when it starts,
served by the tests' fake Bot API over HTTP), on the seeds and on BBC News (its index saved
first), with a warm disk cache.

    .venv/bin/python benchmarks/bench_startup.py [--bbc ../shared/corpora/bbc-news] [--runs 3]

Prints one table of medians over the runs.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from fake_bot_api import FakeBotApi

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


async def telegram(corpus: Path, question: str) -> float:
    """Seconds from starting `qabot telegram` to its answer to a question already waiting."""
    server = await FakeBotApi().start()
    env = {k: v for k, v in os.environ.items() if not k.startswith("QABOT_")}
    env.update(QABOT_TELEGRAM_TOKEN=server.token, QABOT_TELEGRAM_API_BASE_URL=server.base_url,
               QABOT_CORPUS_DIR=str(corpus))
    await server.message(7, question)
    began = time.perf_counter()
    bot = await asyncio.create_subprocess_exec(
        *QABOT, "telegram", cwd=ROOT, env=env, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    try:
        await server.texts(7)
        return time.perf_counter() - began
    finally:
        bot.terminate()
        await bot.wait()
        await server.stop()


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
        replies = [asyncio.run(telegram(corpus, question)) for _ in range(args.runs)]
        rows.append((corpus.name, statistics.median(p for p, _ in consoles),
                     statistics.median(a for _, a in consoles), statistics.median(asks),
                     statistics.median(replies)))
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{'corpus':10} {'first prompt s':>15} {'first answer s':>15} {'qabot ask s':>12}"
          f" {'Telegram reply s':>17}")
    for name, prompt, answer, one, reply in rows:
        print(f"{name:10} {prompt:15.2f} {answer:15.2f} {one:12.2f} {reply:17.2f}")
    print(f"medians of {args.runs} runs; load average {load}; targets: 3 s, 1 s, 3 s and 3 s")


if __name__ == "__main__":
    main()
