"""The process's notice sender: notices about reports leave the ledger as soon as the
update that queued them has committed, and the ones left behind are swept up.

Woken by the dispatcher after every commit that queued a notice; every `sweep_seconds`
it also looks for notices a stopped process claimed and never sent, or whose recipient's
channel was not running then. Sending goes through the ledger (services/notices.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import socket
import uuid
from collections.abc import Callable

from bot.app import App
from bot.reporting_calendar import calendar_of
from services import notices
from services.broadcast import Broadcaster, DeliveryPolicy, Registry
from services.deliveries import Run
from services.delivery_failures import report_failures

log = logging.getLogger(__name__)
Clock = Callable[[], dt.datetime]
TOKEN = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}:notices"


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class NoticeSender:
    """One task per process sending due notices through the registry's channels."""

    def __init__(self, app: App, registry: Registry, clock: Clock = _utc_now,
                 token: str = TOKEN, sweep_seconds: float = 30.0) -> None:
        self.app, self.registry, self.clock, self.token = app, registry, clock, token
        self.sweep = sweep_seconds
        settings = app.settings
        self.policy = DeliveryPolicy(per_second=settings.broadcast_per_second,
                                     per_chat_seconds=settings.broadcast_per_chat_seconds)
        self.broadcaster = Broadcaster(registry, self.policy)
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        """Notices were committed: send them now."""
        self._wake.set()

    def start(self) -> None:
        """Send what is due now, then whenever woken or every `sweep_seconds`."""
        self._task = asyncio.create_task(self._run(), name="notices")

    async def stop(self) -> None:
        """Stop sending (a notice being sent is finished by the next process, once)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def send_now(self) -> dict[str, int]:
        """One pass: every due notice whose recipient's channel runs here."""
        run = Run(self.app.db, self.broadcaster, calendar_of(self.app.settings), self.policy,
                  self.clock, self.token)
        results = await notices.send_due(run)
        if results.get("failed"):
            await report_failures(run.db, run.broadcaster, run.clock())
        if results:
            log.info("notices: %s", dict(results))
        return dict(results)

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            try:
                await self.send_now()
            except Exception as error:  # the database is down: the next pass tries again
                log.error("notices failed error=%s", type(error).__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.sweep)
