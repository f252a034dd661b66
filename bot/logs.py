"""Bot logging: the token out of every line (Bot API URLs contain it), start-up failures short."""
from __future__ import annotations

import logging

REDACTED = "<token>"


class RedactToken(logging.Filter):
    """Replace the token in a record's message, arguments and traceback."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def redact(self, text: str) -> str:
        return text.replace(self.token, REDACTED)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: let the handler report it as usual
            return True
        record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text, so a redacted one replaces the raw traceback.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


class StartupFailure(logging.Filter):
    """Drop PTB's traceback for a failed start-up (rejected token, no network, no webhook).

    PTB logs it and then raises the same error, which the CLI reports in one line.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info is None or not record.name.startswith("telegram.ext"):
            return True
        try:
            return "Bootstrap" not in record.getMessage()
        except Exception:  # a bad format string: let the handler report it as usual
            return True


def guard_logs(token: str) -> None:
    """On every root handler: redact `token`, shorten start-up failures; silence URL loggers."""
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    for handler in logging.getLogger().handlers:
        handler.addFilter(StartupFailure())
        handler.addFilter(RedactToken(token))
