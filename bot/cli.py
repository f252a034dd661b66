"""The `qabot` command: console, ask, eval, run (and telegram)."""
from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from bot.settings import Settings
from retrieval import CorpusError, Engine, EngineConfig

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
CorpusOpt = Annotated[Optional[Path], typer.Option("--corpus", help="Folder of .txt/.md documents.")]


def setup_logging(level: str) -> None:
    """Warnings and errors to standard error; httpx request lines (they hold the token) off."""
    logging.basicConfig(level=level.upper(), format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)


def build_engine(settings: Settings, corpus: Path | None = None) -> Engine:
    """The engine on `corpus` (default: the configured corpus); exits on a corpus error."""
    config = EngineConfig(
        top_k=settings.top_k, threshold=settings.confidence_threshold, backend=settings.bm25_backend
    )
    try:
        return Engine.from_folder(corpus or settings.corpus_dir, config)
    except CorpusError as err:
        typer.echo(f"qabot: {err}", err=True)
        raise typer.Exit(2) from None


def settings_from_env() -> Settings:
    settings = Settings()
    setup_logging(settings.log_level)
    return settings


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help='The question; "-" reads it from standard input.')],
    corpus: CorpusOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer as JSON.")] = False,
) -> None:
    """Answer one question and exit."""
    from bot.console import format_answer

    if question == "-":
        question = sys.stdin.read()
    engine = build_engine(settings_from_env(), corpus)
    answer = engine.answer(question)
    typer.echo(json.dumps(answer.to_json(), ensure_ascii=False, indent=2) if as_json else format_answer(answer))


@app.command()
def console(corpus: CorpusOpt = None) -> None:
    """Ask questions interactively."""
    from bot.console import interact

    settings = settings_from_env()
    interact(build_engine(settings, corpus), str(corpus or settings.corpus_dir))


@app.command("eval")
def evaluate(
    questions: Annotated[Path, typer.Argument(help="JSONL rows with question (answers, sources).")],
    corpus: CorpusOpt = None,
    predictions: Annotated[Optional[Path], typer.Option(help="Write one prediction row per question.")] = None,
    verbose: Annotated[bool, typer.Option("-v", "--verbose", help="One line per question.")] = False,
) -> None:
    """Score the engine on a question set."""
    from bot.evaluation import run_eval

    settings = settings_from_env()
    run_eval(build_engine(settings, corpus), questions, predictions, verbose)


@app.command()
def run(corpus: CorpusOpt = None) -> None:
    """Telegram when QABOT_TELEGRAM_TOKEN is set, otherwise the console."""
    from bot.console import interact

    settings = settings_from_env()
    if settings.telegram_token is not None:
        from bot.telegram_app import run_polling  # type: ignore[import-not-found]

        run_polling(settings, build_engine(settings, corpus))
        return
    interact(build_engine(settings, corpus), str(corpus or settings.corpus_dir), telegram_hint=True)
