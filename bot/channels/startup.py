"""Start-up calls that must not stop the bot: required ones retried briefly, optional ones
(the command menu, the webhook) retried in the background until the platform takes them."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

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
    """Optional start-up calls of one channel, each retried on its own until it succeeds,
    the platform refuses it for good (logged), or the channel stops."""

    def __init__(self, channel: str, transient: Transient, max_wait: float = 300.0) -> None:
        self.channel, self.transient, self.max_wait = channel, transient, max_wait
        self.tasks: set[asyncio.Task[None]] = set()

    def run(self, method: str, call: Callable[[], Awaitable[Any]]) -> None:
        """Start trying `call` now; the channel carries on meanwhile."""
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
                lasting = not self.transient(error)
                log.log(logging.ERROR if lasting else logging.WARNING,
                        "optional start-up call failed channel=%s method=%s attempt=%d "
                        "error=%s description=%s %s", self.channel, method, attempt,
                        type(error).__name__, describe(error),
                        "given_up=refused" if lasting else f"retry_in={wait:.0f}s")
                if lasting:
                    return
                await asyncio.sleep(wait)
                wait, attempt = min(wait * 2, self.max_wait), attempt + 1
                continue
            if attempt > 1:
                log.info("optional start-up call done channel=%s method=%s attempt=%d",
                         self.channel, method, attempt)
            return

    async def stop(self) -> None:
        """Cancel what is still being retried."""
        for task in list(self.tasks):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


def describe(error: BaseException) -> str:
    """The platform's description of an error, quoted, at most 200 characters (no texts:
    the platforms' descriptions name the method's fault, not the message)."""
    text = getattr(error, "description", None) or getattr(error, "message", None) or ""
    return repr(str(text)[:200])
