"""The bot token never reaches a log line."""
from __future__ import annotations

import io
import logging

from bot.logs import REDACTED, RedactToken

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
