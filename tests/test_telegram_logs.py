"""The bot token never reaches a log line."""
from __future__ import annotations

import io
import json
import logging
import re

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.logs import REDACTED, RedactToken, guard_logs
from fake_bot_api import FakeBotApi
from retrieval import Answer, Engine
from test_telegram_bot import bot_settings, running
from test_telegram_ordering import GatedEngine

TOKEN = "123456:SECRET-token-value"


def test_token_is_redacted_from_messages_arguments_and_tracebacks() -> None:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(RedactToken(TOKEN))
    log = logging.getLogger("test_telegram_logs")
    log.addHandler(handler)
    log.propagate = False
    try:
        log.warning("POST https://api.telegram.org/bot%s/getMe", TOKEN)
        try:
            raise RuntimeError(f"failed: https://api.telegram.org/bot{TOKEN}/sendMessage")
        except RuntimeError:
            log.exception("request to %s failed", f"/bot{TOKEN}/x")
    finally:
        log.removeHandler(handler)
    text = out.getvalue()
    assert TOKEN not in text
    assert f"/bot{REDACTED}/getMe" in text and f"bot{REDACTED}/sendMessage" in text
    assert "Traceback" in text


class FailingEngine(GatedEngine):
    """Fails on questions about "crash", the way a bug would."""

    def answer(self, question: str) -> Answer:
        if "crash" in question:
            raise RuntimeError(f"engine failed on {question!r}")
        return super().answer(question)


def exceptions_in(records: list[logging.LogRecord]) -> list[BaseException]:
    """Every exception the log records carry, with their causes and contexts."""
    found: list[BaseException] = []
    for record in records:
        error = record.exc_info[1] if record.exc_info else None
        while error is not None and error not in found:
            found.append(error)
            error = error.__cause__ or error.__context__
    return found


@pytest.mark.asyncio(loop_scope="session")
async def test_the_token_is_in_no_log_line_error_or_reply_while_telegram_fails(
    seeds_engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    fake = await FakeBotApi().start()
    engine = FailingEngine(seeds_engine)
    engine.release.set()
    restore = guard_logs(fake.token)
    caplog.set_level(logging.DEBUG)  # everything, the URL loggers included
    for name in ("httpx", "httpcore", "telegram", "aiohttp", "asyncio", "bot"):
        caplog.set_level(logging.DEBUG, logger=name)
    try:
        async with running(bot_settings(fake), engine, fake,  # type: ignore[arg-type]
                           read_timeout=1.0):
            fake.fail_next("sendChatAction", 429, "Too Many Requests: retry after 1", 1)
            fake.fail_next("sendMessage", 500, "Internal Server Error")
            fake.reset_next("sendMessage")
            await fake.message(901, "Who failed first?")
            await fake.texts(901, 1)
            fake.fail_next("sendMessage", 400, "Bad Request: message to be replied not found")
            await fake.message(901, "Who gets an apology?")
            await fake.texts(901, 2)
            await fake.message(901, "Who will crash the engine?")
            await fake.texts(901, 3)
            fake.delay_next("sendMessage", 3.0)
            await fake.message(901, "Who is too slow?")
            await fake.message(901, "Who comes after the slow one?")  # once it gave up
            await fake.texts(901, 5)
            fake.fail_next("answerInlineQuery", 502, "Bad Gateway")
            await fake.inline_query("Who is inline?")
            await fake.wait_for("answerInlineQuery", delivered=True)
            fake.fail_next("getUpdates", 502, "Bad Gateway")
            await fake.message(902, "Who asked before the outage?")
            await fake.texts(902)
            await fake.message(902, "Who asked after it?")
            await fake.texts(902, 2)
    finally:
        await fake.stop()
        restore()
    text = caplog.text
    assert "HTTP Request: POST" in text and f"bot{REDACTED}/sendMessage" in text  # httpx spoke
    assert "could not handle an update" in text and "gave up on an update" in text
    assert "Traceback" in text
    assert fake.token not in text
    errors = exceptions_in(caplog.records)
    assert any(isinstance(e, RuntimeError) for e in errors)
    assert all(fake.token not in f"{e!s} {e!r}" for e in errors)
    assert all(fake.token not in json.dumps(c.params, default=str) for c in fake.calls)


def test_crash_reports_show_no_local_variables() -> None:
    assert app.pretty_exceptions_show_locals is False  # PTB's frames hold the token


def test_there_is_no_token_option() -> None:
    """A token on the command line would show in `ps` and in shell history."""
    help_text = CliRunner().invoke(app, ["telegram", "--help"], terminal_width=200).output
    options = set(re.findall(r"--[\w-]+", help_text))
    assert "--secret-token" in options and not [o for o in options - {"--secret-token"}
                                                if "token" in o]
