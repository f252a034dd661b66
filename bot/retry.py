"""A rate limiter that also retries timeouts and network errors, so no answer is lost."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)

Request = Callable[..., Coroutine[Any, Any, Any]]


class RetryingRateLimiter(AIORateLimiter):
    """Telegram's flood limits and `RetryAfter` waits (AIORateLimiter), plus network retries.

    A timed-out request may have reached Telegram, so a retry can rarely send a message twice;
    a duplicate beats an unanswered question.
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
                if attempt == self.network_retries:
                    raise
                log.warning(
                    "%s failed (%s); retry %d of %d in %.1f s",
                    endpoint, err, attempt + 1, self.network_retries, delay,
                )
                await asyncio.sleep(delay)
                delay = min(2 * delay, self.max_delay)
        raise AssertionError("unreachable")
