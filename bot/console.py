"""The console front-end: read a question, call the engine, print the rendered answer."""
from __future__ import annotations

import contextlib
from pathlib import Path

from bot.examples import example_questions
from prompts import render
from retrieval import Answer, Engine

HISTORY = Path.home() / ".qabot_history"


QUIT_WORDS = frozenset({"exit", "quit"})


def format_answer(answer: Answer, examples: tuple[str, ...] = ()) -> str:
    """The plain-text reply for an answer; `examples` are offered when the question is empty."""
    return render("answer.txt", answer=answer, examples=examples)


def interact(engine: Engine, corpus: str, telegram_hint: bool = False) -> None:
    """Question-answer loop with line editing and history, until EOF, `exit` or `quit`."""
    with contextlib.suppress(ImportError):
        import readline

        with contextlib.suppress(OSError):
            readline.read_history_file(HISTORY)
    examples = example_questions(Path(corpus))
    print(render(
        "console_welcome.txt", documents=len(engine.documents), sentences=len(engine.sentences),
        corpus=corpus, telegram_hint=telegram_hint, examples=examples,
    ))
    try:
        while True:
            try:
                question = input("\n? ")
            except EOFError:
                break
            if not question.strip():  # an Enter too many is easily typed: not a way out
                continue
            if question.strip().lower() in QUIT_WORDS:
                break
            print(format_answer(engine.answer(question), examples))
    except KeyboardInterrupt:
        pass
    finally:
        with contextlib.suppress(ImportError, OSError):
            import readline

            readline.write_history_file(HISTORY)
