"""Telegram's ceiling kept on every request that sends, with room kept for answers to people.

python-telegram-bot's `AIORateLimiter` is a leaky bucket: it lets 30 sends go at once, then
refills continuously, so a digest's photo, text and file plus answers made a 31st send
within one second now and then; Telegram (and the bench's fake) answers 429 and the send
waits a whole second, an answer too (bench/digest_stall.py: 5-9 x 429, waits of 1.1 s).
`SendWindow` lets a send start only while fewer than 30 sends started within the last
second (counted until a second after they finished), and sends to other chats than the
asker's (digests, reminders, notifications: `background`) only while 5 places are left
for answers. Group limits and 429 retries stay `AIORateLimiter`'s, which it wraps.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import time
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.ext import AIORateLimiter, BaseRateLimiter

SENDS = frozenset({"sendMessage", "sendPhoto", "sendDocument", "sendMediaGroup",
                   "copyMessage", "forwardMessage", "editMessageText"})
BACKGROUND = {"background": True}  # rate_limit_args of a send nobody is waiting for
Result = bool | dict[str, Any] | list[dict[str, Any]]


class Window:
    """Sends under way and those finished within the last second; who may start now."""

    def __init__(self, per_second: int = 30, reserve: int = 5) -> None:
        self.per_second, self.reserve = per_second, reserve
        self.finished: collections.deque[float] = collections.deque()
        self.under_way = 0

    def wait(self, now: float, background: bool) -> float | None:
        """0 to start now, else seconds until a place frees (None: when a send finishes)."""
        while self.finished and self.finished[0] <= now - 1.0:
            self.finished.popleft()
        limit = self.per_second - (self.reserve if background else 0)
        counted = self.under_way + len(self.finished)
        if counted < limit:
            return 0.0
        if len(self.finished) <= counted - limit:  # only finishing sends make room
            return None
        return self.finished[counted - limit] + 1.0 - now

    def start(self) -> None:
        """A send starts."""
        self.under_way += 1

    def finish(self, now: float) -> None:
        """A send finished (taken, refused or failed: it may count on the platform)."""
        self.under_way -= 1
        self.finished.append(now)


class SendWindow(BaseRateLimiter[dict[str, Any]]):
    """The bot's rate limiter: the window above, then `AIORateLimiter` (groups, 429s)."""

    def __init__(self, max_retries: int = 3, per_second: int = 30, reserve: int = 5,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.window, self.monotonic = Window(per_second, reserve), monotonic
        self.inner = AIORateLimiter(max_retries=max_retries)
        self.freed = asyncio.Event()

    async def initialize(self) -> None:
        """Start the wrapped limiter."""
        await self.inner.initialize()

    async def shutdown(self) -> None:
        """Stop the wrapped limiter."""
        await self.inner.shutdown()

    async def process_request(self, callback: Callable[..., Coroutine[Any, Any, Result]],
                              args: Any, kwargs: dict[str, Any], endpoint: str,
                              data: dict[str, Any],
                              rate_limit_args: dict[str, Any] | None) -> Result:
        """Wait for a place in the window (sends only), then send through AIORateLimiter."""
        if endpoint not in SENDS:
            return await self.inner.process_request(callback, args, kwargs, endpoint, data, None)
        await self._place(bool(rate_limit_args and rate_limit_args.get("background")))
        try:
            return await self.inner.process_request(callback, args, kwargs, endpoint, data, None)
        finally:
            self.window.finish(self.monotonic())
            self.freed.set()

    async def _place(self, background: bool) -> None:
        while (wait := self.window.wait(self.monotonic(), background)) != 0.0:
            self.freed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.freed.wait(), wait)
        self.window.start()
