"""Start-up calls that must not stop the bot: required ones retried briefly, optional ones
(the command menu, the webhook) retried in the background until the platform takes them."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from messaging.failures import Safe, SendFailed, delivery_ref

log = logging.getLogger(__name__)
T = TypeVar("T")
Transient = Callable[[BaseException], bool]  # True: the platform may take it on a later try
WAIT = 1.0  # seconds before the first retry (doubling, up to 5 minutes); tests shorten it


async def required(channel: str, method: str, call: Callable[[], Awaitable[T]],
                   transient: Transient, attempts: int = 3, wait: float | None = None) -> T:
    """A call the channel cannot run without: a brief outage (5xx, time-out) is retried."""
    for attempt in range(1, attempts + 1):
        try:
            return await call()
        except Exception as error:
            if attempt == attempts or not transient(error):
                raise
            log.warning("start-up call failed channel=%s method=%s attempt=%d error=%s "
                        "description=%s; retrying", channel, method, attempt,
                        type(error).__name__, describe(error))
            await asyncio.sleep((WAIT if wait is None else wait) * 2 ** (attempt - 1))
    raise AssertionError("unreachable")


class Background:
    """Calls of one channel that may wait (optional start-up calls, a chart that failed), each
    retried on its own until it succeeds, the platform refuses it (logged), `attempts` run
    out, or the channel stops."""

    def __init__(self, channel: str, transient: Transient,
                 what: str = "optional start-up call", attempts: int | None = None,
                 max_wait: float = 300.0) -> None:
        self.channel, self.transient, self.what = channel, transient, what
        self.attempts, self.max_wait = attempts, max_wait
        self.tasks: set[asyncio.Task[None]] = set()

    def run(self, method: str, call: Callable[[], Awaitable[Any]]) -> None:
        """Start trying `call` now (in a copy of this context); the channel carries on."""
        task = asyncio.create_task(self._keep_trying(method, call),
                                   name=f"{self.channel}-{method}")
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _keep_trying(self, method: str, call: Callable[[], Awaitable[Any]]) -> None:
        wait, attempt = WAIT, 1
        while True:
            try:
                await call()
            except Exception as error:
                given_up = not self.transient(error) or attempt == self.attempts
                self._log_failure(method, attempt, error, None if given_up else wait)
                if given_up:
                    return
                await asyncio.sleep(wait)
                wait, attempt = min(wait * 2, self.max_wait), attempt + 1
                continue
            if attempt > 1:
                log.info("%s done channel=%s method=%s attempt=%d", self.what, self.channel,
                         method, attempt)
            return

    def _log_failure(self, method: str, attempt: int, error: BaseException,
                     wait: float | None) -> None:
        fields = error.fields() if isinstance(error, SendFailed) else \
            f"channel={self.channel} method={method} description={describe(error)}"
        outcome = f"retry_in={wait:g}s" if wait is not None else \
            ("given_up=refused" if not self.transient(error) else "given_up=attempts")
        log.log(logging.WARNING if wait is not None else logging.ERROR,
                "%s failed %s error=%s attempt=%d delivery=%s %s", self.what, fields,
                type(error).__name__, attempt, delivery_ref.get() or "-", outcome)

    async def stop(self) -> None:
        """Cancel what is still being retried."""
        for task in list(self.tasks):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


def describe(error: BaseException) -> Safe:
    """The platform's description of an error, quoted, at most 200 characters (no texts:
    the platforms' descriptions name the method's fault, not the message)."""
    text = getattr(error, "description", None) or getattr(error, "message", None) or ""
    return Safe(repr(str(text)[:200]))
