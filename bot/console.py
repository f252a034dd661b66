"""The console front-end: read a question, call the engine, print the rendered answer."""
from __future__ import annotations

import contextlib
from pathlib import Path

from prompts import render
from retrieval import Answer, Engine

HISTORY = Path.home() / ".qabot_history"


def format_answer(answer: Answer) -> str:
    """The plain-text reply for an answer."""
    return render("answer.txt", answer=answer, examples=[])


def interact(engine: Engine, corpus: str, telegram_hint: bool = False) -> None:
    """Question-answer loop with line editing and history, until EOF or an empty line."""
    with contextlib.suppress(ImportError):
        import readline

        with contextlib.suppress(OSError):
            readline.read_history_file(HISTORY)
    print(render(
        "console_welcome.txt", documents=len(engine.documents), sentences=len(engine.sentences),
        corpus=corpus, telegram_hint=telegram_hint,
    ))
    try:
        while True:
            try:
                question = input("\n? ")
            except EOFError:
                break
            if not question.strip():
                break
            print(format_answer(engine.answer(question)))
    except KeyboardInterrupt:
        pass
    finally:
        with contextlib.suppress(ImportError, OSError):
            import readline

            readline.write_history_file(HISTORY)
