"""Bot logging: the token out of every line (Bot API URLs contain it), start-up failures short."""
from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import quote

REDACTED = "<token>"


class RedactToken(logging.Filter):
    """Replace the token (as is, or URL-quoted) in a record's message, arguments and traceback."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.forms = {token, quote(token, safe="")}

    def redact(self, text: str) -> str:
        for form in self.forms:
            text = text.replace(form, REDACTED)
        return text

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


def guard_logs(token: str) -> Callable[[], None]:
    """Redact `token` from every log record as it is made, whichever logger and handler (now or
    later); quiet the URL loggers; shorten start-up failures. Returns what undoes the redaction.
    """
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    for handler in logging.getLogger().handlers:
        handler.addFilter(StartupFailure())
    redact = RedactToken(token)
    make_record = logging.getLogRecordFactory()

    def redacted_record(*args: object, **kwargs: object) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        redact.filter(record)
        return record

    logging.setLogRecordFactory(redacted_record)
    return lambda: logging.setLogRecordFactory(make_record)
