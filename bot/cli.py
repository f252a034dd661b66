"""The `qabot` command: console, ask, eval, index, run and telegram."""
from __future__ import annotations

import contextlib
import json
import logging
import re
import secrets
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, Optional
from urllib.parse import urlsplit

import typer

from bot.settings import Settings
from retrieval import CorpusError, Engine, EngineConfig
from retrieval.backends import XapianMissing

if TYPE_CHECKING:
    from bot.telegram_app import Webhook
    from retrieval.library import Library

# No local variables in crash reports: a frame inside python-telegram-bot holds the token.
app = typer.Typer(
    add_completion=False, no_args_is_help=True, help=__doc__, pretty_exceptions_show_locals=False
)
CorpusOpt = Annotated[Optional[Path], typer.Option("--corpus", help="Folder of documents (PDF, HTML, Word, e-mail, EPUB, text).")]


def setup_logging(level: str) -> None:
    """Warnings and errors to standard error; httpx request lines (they hold the token) off."""
    logging.basicConfig(level=level.upper(), format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)


def engine_config(settings: Settings, one_question: bool = False) -> EngineConfig:
    """The engine's settings. For `one_question` no parse worker starts: it would be loading
    its model until the answer."""
    return EngineConfig(
        top_k=settings.top_k, read_k=settings.read_k, threshold=settings.confidence_threshold,
        max_unseen=settings.max_unseen,
        backend=settings.bm25_backend, parse_worker=settings.parse_worker and not one_question,
        reader=settings.reader, windows=settings.read_windows,
        abstain_threshold=settings.abstain_threshold,
        xapian_shards=tuple(settings.xapian_shards), xapian_pool=settings.xapian_pool,
        xapian_partial=settings.xapian_allow_partial,
        xapian_timeout=settings.xapian_timeout_seconds,
    )


def build_engine(
    settings: Settings, corpus: Path | None = None, one_question: bool = False
) -> Engine:
    """The engine on `corpus` (default: the configured corpus); exits on a corpus error."""
    folder = _corpus_folder(settings, corpus)
    try:
        return Engine.from_folder(folder, engine_config(settings, one_question),
                                  settings.index_dir)
    except (CorpusError, XapianMissing) as err:
        _fail(str(err))


def build_library(settings: Settings, corpus: Path | None = None) -> Library:
    """The engine on `corpus` kept current as documents are sent, removed or changed."""
    from retrieval.library import Library

    folder = _corpus_folder(settings, corpus)
    try:
        return Library.open(folder, engine_config(settings), settings.index_dir)
    except (CorpusError, XapianMissing) as err:
        _fail(str(err))


def _corpus_folder(settings: Settings, corpus: Path | None) -> Path:
    folder = corpus or settings.corpus_dir
    if folder.is_file():
        _fail(f"the corpus must be a folder of documents, and {folder} is a file: "
              "put it in a folder and give the folder")
    return folder


def settings_from_env() -> Settings:
    settings = Settings()
    setup_logging(settings.log_level)
    return settings


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help='The question; "-" reads it from standard input.')],
    corpus: CorpusOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer as JSON.")] = False,
    explain: Annotated[bool, typer.Option(
        "--explain", help="Also print why: the reader, its candidates and the abstention.")] = False,
) -> None:
    """Answer one question and exit."""
    from bot.console import format_answer
    from bot.examples import example_questions
    from prompts import render

    if question == "-":
        question = sys.stdin.read()
    settings = settings_from_env()
    answer = build_engine(settings, corpus, one_question=True).answer(question)
    if as_json:
        typer.echo(json.dumps(answer.to_json(), ensure_ascii=False, indent=2))
    else:
        typer.echo(format_answer(answer, example_questions(corpus or settings.corpus_dir)))
        if explain:
            typer.echo(render("trace.txt", answer=answer))


@app.command()
def index(
    corpus: CorpusOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Rebuild even if it is current.")] = False,
    backend: Annotated[str, typer.Option(
        help="sparse: the saved in-process index; xapian: Xapian shards under --out.")
    ] = "sparse",
    shards: Annotated[int, typer.Option(help="How many Xapian shards (with --backend xapian).",
                                        min=1, max=1024)] = 1,
    out: Annotated[Optional[Path], typer.Option(
        help="Folder the Xapian shards are written to (with --backend xapian).")] = None,
) -> None:
    """Build and save the corpus's index (QABOT_INDEX_DIR), so that start-up only loads it;
    or write it as Xapian shards for `xapian-tcpsrv` to serve."""
    from bot.indexing import index_corpus, summary, write_xapian

    settings = settings_from_env()
    folder = _corpus_folder(settings, corpus)
    if backend == "xapian":
        if out is None:
            _fail("--backend xapian needs --out FOLDER: where the shards are written")
        try:
            typer.echo(write_xapian(folder, out, shards))
        except (CorpusError, XapianMissing, ValueError) as err:
            _fail(str(err))
        return
    if backend != "sparse":
        _fail(f"unknown backend {backend}: use sparse or xapian")
    if settings.bm25_backend == "rank-bm25":
        _fail(f"the {settings.bm25_backend} backend is indexed at every start and cannot be "
              "saved; set QABOT_BM25_BACKEND=sparse to use a saved index")
    try:
        opened, seconds = index_corpus(folder, settings.index_dir, force)
    except CorpusError as err:
        _fail(str(err))
    typer.echo(summary(opened, seconds))
    if opened.folder is None:
        raise typer.Exit(1)


@app.command()
def console(corpus: CorpusOpt = None) -> None:
    """Ask questions interactively."""
    from bot.console import interact

    settings = settings_from_env()
    with _quiet_interrupt():
        interact(build_engine(settings, corpus), str(corpus or settings.corpus_dir))


@app.command("eval")
def evaluate(
    questions: Annotated[Path, typer.Argument(help="JSONL rows with question (answers, sources).")],
    corpus: CorpusOpt = None,
    predictions: Annotated[Optional[Path], typer.Option(help="Write one prediction row per question.")] = None,
    verbose: Annotated[bool, typer.Option("-v", "--verbose", help="One line per question.")] = False,
) -> None:
    """Score the engine on a question set."""
    from bot.evaluation import BadQuestions, read_rows, run_eval

    settings = settings_from_env()
    try:
        read_rows(questions)  # before the engine loads: a bad file is a quick one-line error
    except BadQuestions as err:
        _fail(str(err))
    run_eval(build_engine(settings, corpus), questions, predictions, verbose)


@app.command()
def run(corpus: CorpusOpt = None) -> None:
    """Telegram when QABOT_TELEGRAM_TOKEN is set, otherwise the console."""
    from bot.console import interact

    settings = settings_from_env()
    if settings.telegram_token is not None:
        serve_telegram(settings, corpus)
        return
    with _quiet_interrupt():
        interact(build_engine(settings, corpus), str(corpus or settings.corpus_dir),
                 telegram_hint=True)


@app.command()
def telegram(
    corpus: CorpusOpt = None,
    webhook_url: Annotated[Optional[str], typer.Option(
        help="Public HTTPS URL Telegram posts updates to; without it, long polling.")] = None,
    listen: Annotated[str, typer.Option(
        help="HOST:PORT the webhook server listens on (behind your HTTPS proxy).")
    ] = "127.0.0.1:8443",
    secret_token: Annotated[Optional[str], typer.Option(
        help="Webhook secret (A-Z, a-z, 0-9, _ and -); default: a random one per run.")] = None,
) -> None:
    """Run the Telegram bot (QABOT_TELEGRAM_TOKEN): long polling, or a webhook server."""
    webhook = None
    if webhook_url is not None:
        from bot.telegram_app import Webhook

        host, port = _host_port(listen)
        secret = secret_token or secrets.token_urlsafe(32)
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise typer.BadParameter(
                "use 1-256 of A-Z, a-z, 0-9, _ and -", param_hint="--secret-token"
            )
        webhook = Webhook(webhook_url, host, port, secret, urlsplit(webhook_url).path.strip("/"))
    serve_telegram(settings_from_env(), corpus, webhook)


def serve_telegram(settings: Settings, corpus: Path | None, webhook: Webhook | None = None) -> None:
    """Run the bot until SIGINT/SIGTERM; token and connection problems are one-line errors."""
    from telegram.error import InvalidToken, TelegramError

    from bot.telegram_app import run as run_bot

    token = settings.telegram_token
    if token is None:
        _fail("QABOT_TELEGRAM_TOKEN is not set: create a bot with @BotFather "
              "and put its token in .env")
    if not _TOKEN_SHAPE.fullmatch(token.get_secret_value()):  # no network call for a typo
        _fail("QABOT_TELEGRAM_TOKEN is not a bot token (digits, a colon, then letters, digits, "
              "_ or -): copy it from @BotFather again")
    library = build_library(settings, corpus)
    try:
        run_bot(settings, library, webhook)
    except InvalidToken:
        _fail("Telegram rejected QABOT_TELEGRAM_TOKEN; copy the token from @BotFather again")
    except TelegramError as err:
        detail = str(err).replace(token.get_secret_value(), "<token>")
        _fail(f"cannot reach the Telegram Bot API at {settings.telegram_api_base_url}: {detail}")
    except OSError as err:
        if webhook is None:
            raise
        _fail(f"cannot listen on {webhook.host}:{webhook.port}: {err.strerror or err}")


def _host_port(listen: str) -> tuple[str, int]:
    host, _, port = listen.rpartition(":")
    if not host or not port.isdigit():
        raise typer.BadParameter("use HOST:PORT, e.g. 0.0.0.0:8443", param_hint="--listen")
    return host.strip("[]"), int(port)


@contextlib.contextmanager
def _quiet_interrupt() -> Iterator[None]:
    """Ctrl-C while the engine loads or a question is answered ends the console quietly."""
    try:
        yield
    except KeyboardInterrupt:
        typer.echo()


_TOKEN_SHAPE = re.compile(r"\d+:[A-Za-z0-9_-]+")


def _fail(message: str) -> NoReturn:
    typer.echo(f"qabot: {message}", err=True)
    raise typer.Exit(2)
