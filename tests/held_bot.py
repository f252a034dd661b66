"""`qabot telegram` (the real run_polling and its signal handling) with an engine that holds each
answer until the file named by argv[1] exists: for tests that stop the bot mid-answer."""
from __future__ import annotations

import sys
import time
from pathlib import Path

from bot.cli import setup_logging
from bot.settings import Settings
from bot.telegram_app import run
from retrieval import Answer, Engine

HOLD_LIMIT = 60.0  # seconds; a forgotten release must not leave the process behind


class HeldEngine:
    """The corpus's documents; every answer is "not found", given once `release` exists."""

    def __init__(self, engine: Engine, release: Path) -> None:
        self.documents, self.sentences = engine.documents, engine.sentences
        self.release = release

    def answer(self, question: str) -> Answer:
        deadline = time.monotonic() + HOLD_LIMIT
        while not self.release.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        return Answer(question, None, None, (), 0.0, reason="not_found")


def main() -> None:
    settings = Settings()
    setup_logging(settings.log_level)
    engine = HeldEngine(Engine.from_folder(settings.corpus_dir), Path(sys.argv[1]))
    run(settings, engine)  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
