"""A rate limiter that also retries network errors, so that every answer arrives exactly once."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

import httpx
from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)

Request = Callable[..., Coroutine[Any, Any, Any]]


class RetryingRateLimiter(AIORateLimiter):
    """Telegram's flood limits and `RetryAfter` waits (AIORateLimiter), plus network retries.

    Every failure is retried with exponential backoff (server errors, refused or dropped
    connections, a full connection pool) except one: a message sent without an answer in time.
    Telegram was slow, not deaf: the message has most likely arrived, and sending it again
    would show it twice. So a timed-out send is given up (the log says so); requests that are
    safe to repeat (chat actions, inline answers) are retried after a timeout too.
    """

    def __init__(
        self, *, network_retries: int = 4, first_delay: float = 0.5, max_delay: float = 8.0,
        **limits: Any,
    ) -> None:
        super().__init__(**limits)
        self.network_retries = network_retries
        self.first_delay = first_delay
        self.max_delay = max_delay

    async def process_request(
        self, callback: Request, args: Any, kwargs: dict[str, Any], endpoint: str,
        data: dict[str, Any], rate_limit_args: int | None,
    ) -> Any:
        """Send the request through AIORateLimiter; on a network error wait and send it again."""
        delay = self.first_delay
        for attempt in range(self.network_retries + 1):
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except BadRequest:
                raise  # Telegram's final word on this request, though a NetworkError subclass
            except NetworkError as err:
                if _maybe_delivered(endpoint, err):
                    log.warning("%s got no answer in time; not sending it again, as Telegram "
                                "has most likely delivered it", endpoint)
                    raise
                if attempt == self.network_retries:
                    raise
                log.warning(
                    "%s failed (%s); retry %d of %d in %.1f s",
                    endpoint, err, attempt + 1, self.network_retries, delay,
                )
                await asyncio.sleep(delay)
                delay = min(2 * delay, self.max_delay)
        raise AssertionError("unreachable")


def _maybe_delivered(endpoint: str, err: NetworkError) -> bool:
    """A message-sending request that was sent in full but not answered within the time-out."""
    sends = endpoint.startswith(("send", "forward", "copy")) and endpoint != "sendChatAction"
    return sends and isinstance(err, TimedOut) and isinstance(err.__cause__, httpx.ReadTimeout)
