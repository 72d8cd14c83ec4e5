"""The durable intake's worker: updates go into the store, and are answered from it.

Both channels, polling or webhook, call `Intake.store` (one transaction per batch) before
they confirm an update (the next getUpdates offset, the webhook's 200). One task per
channel then answers the stored updates in order, from the database: a restart answers
whatever was stored and not yet done, and the replies of a handled update are kept with it
until they are sent (storage/intake.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import time
from typing import Any, Protocol

from bot.channels.base import ChannelRegistry
from bot.channels.common import deliver
from bot.channels.set_aside import reason
from bot.channels.startup import Background
from messaging import stored
from messaging.messages import Reply
from storage import intake
from storage.audit import now
from storage.db import Database
from storage.intake import Receipt, Received

log = logging.getLogger(__name__)
PRUNE_EVERY = 3600.0  # seconds


class Reader(Protocol):
    """The channel's side: read a stored update, answer it, send replies."""

    name: str

    def read(self, payload: dict[str, Any]) -> Any:
        """The update parsed; raises when it cannot be read (it is then set aside)."""

    async def answer(self, update: Any, receipt: Receipt) -> tuple[str, list[Reply]] | None:
        """Run the dispatcher on a read update: the chat and its replies, None if ignored."""

    async def send(self, chat_id: str, reply: Reply) -> None:
        """Deliver one reply to a chat on this platform."""


def bot_id(token: str) -> str:
    """The bot's id: the part of the token before the colon (Telegram's and Zalo's form)."""
    return token.partition(":")[0][:64]


class Intake:
    """One channel's store and the task that answers from it."""

    def __init__(self, db: Database, channel: str, bot: str, window_hours: float = 48,
                 lease_seconds: float = 60) -> None:
        self.db, self.channel, self.bot = db, channel, bot
        self.window = dt.timedelta(hours=window_hours)
        self.lease = lease_seconds
        self.wake, self.idle = asyncio.Event(), asyncio.Event()
        self.stopping = False
        self._task: asyncio.Task[None] | None = None
        self._pruned_at = -PRUNE_EVERY

    async def store(self, updates: list[tuple[str, dict[str, Any]]]) -> None:
        """Store a batch (update id, JSON) in one transaction; redeliveries are logged."""
        updates = [(key, body) for key, body in updates if self._storable(key, body)]
        if not updates:
            return
        async with self.db.transaction() as session:
            dropped = await intake.store(session, self.channel, self.bot, updates,
                                           self.window)
        for key in dropped:
            log.info("intake duplicate dropped channel=%s bot=%s update=%s",
                     self.channel, self.bot, key)
        self.idle.clear()
        self.wake.set()

    def _storable(self, key: str, body: dict[str, Any]) -> bool:
        """Strict JSON only (no NaN or Infinity, which no platform sends)."""
        try:
            json.dumps(body, allow_nan=False)
        except ValueError:
            log.warning("intake update not JSON dropped channel=%s update=%s", self.channel, key)
            return False
        return True

    def start(self, reader: Reader, registry: ChannelRegistry) -> None:
        """Start answering stored updates (those left by a previous run first)."""
        self._task = asyncio.create_task(self._run(reader, registry),
                                         name=f"{self.channel}-intake")

    async def stop(self, grace: float = 5.0) -> None:
        """Answer what is stored for up to `grace` seconds, then stop (the rest stays)."""
        self.stopping = True
        self.wake.set()
        if self._task is None:
            return
        try:
            await asyncio.wait_for(asyncio.shield(self._task), grace)
        except TimeoutError:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def settle(self, timeout: float = 20.0) -> None:
        """Wait until every stored update was answered (tests)."""
        await asyncio.wait_for(self.idle.wait(), timeout)

    async def _run(self, reader: Reader, registry: ChannelRegistry) -> None:
        while True:
            self.wake.clear()
            try:
                rows = await self._next()
            except Exception as error:  # the database is down: try again shortly
                log.error("intake read failed channel=%s error=%s", self.channel,
                          type(error).__name__)
                await asyncio.sleep(1)
                continue
            if not rows and self.stopping:
                return
            if not rows:
                await self._wait()
                continue
            await self._answer_all(reader, registry, rows)

    async def _next(self) -> list[Received]:
        if time.monotonic() - self._pruned_at >= PRUNE_EVERY:
            async with self.db.transaction() as session:
                pruned = await intake.prune(session, now() - self.window)
            self._pruned_at = time.monotonic()
            log.info("intake pruned channel=%s rows=%d", self.channel, pruned)
        async with self.db.transaction() as session:
            return await intake.pending(session, self.channel, self.bot, self._stale_before())

    async def _wait(self) -> None:
        if not self.wake.is_set():
            self.idle.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.wake.wait(), self.lease)

    def _stale_before(self) -> dt.datetime:
        return now() - dt.timedelta(seconds=self.lease)

    async def _answer_all(self, reader: Reader, registry: ChannelRegistry,
                          rows: list[Received]) -> None:
        for row in rows:
            try:
                await self._answer(reader, registry, row)
            except Exception as error:  # left stored: tried again on the next pass
                log.error("intake update failed channel=%s update=%s error=%s", self.channel,
                          row.update_id, type(error).__name__)
                await asyncio.sleep(1)
                return

    async def _answer(self, reader: Reader, registry: ChannelRegistry, row: Received) -> None:
        if row.state == intake.SENDING:
            await self._resend(reader, registry, row)
            return
        try:
            update = reader.read(row.payload)
        except Exception as error:
            why = reason(error, row.payload)
            log.warning("intake update set aside channel=%s update=%s reason=%s",
                        self.channel, row.update_id, why)
            await self._finish(row, intake.SET_ASIDE, why)
            return
        receipt = Receipt(row.id)
        found = await reader.answer(update, receipt)
        if receipt.kept is False:
            return  # another process answered it
        if receipt.kept is None and not await self._finish(row, only_new=True):
            return  # not handled here (ignored, or failed): unless another process has it
        if found is not None and receipt.kept:
            await self._send_kept(reader, registry, row.id, *found, first=0)
        elif found is not None:
            await deliver(reader, registry, *found)
        if receipt.kept:
            await self._finish(row)

    async def _send_kept(self, reader: Reader, registry: ChannelRegistry, row_id: int,
                         chat: str, replies: list[Reply], first: int) -> None:
        """Send the kept replies from `first` on (recorded as out by the commit that led
        here); each later one recorded before it goes."""
        async def mark(index: int) -> None:
            if index:
                outbox = {"chat": chat, "replies": stored.dump(replies), "next": first + index}
                async with self.db.transaction() as session:
                    await intake.mark_next(session, row_id, outbox)
        await deliver(reader, registry, chat, replies[first:], mark)

    async def _resend(self, reader: Reader, registry: ChannelRegistry, row: Received) -> None:
        """Replies kept by a process that stopped while sending them: the one it may have
        sent is never sent again (no platform can tell whether it took it), the rest are."""
        outbox = dict(row.outbox or {})
        out = int(outbox.get("next", 0))
        outbox["next"] = out + 1
        async with self.db.transaction() as session:
            if not await intake.resume(session, row.id, self._stale_before(), outbox):
                return
        log.error("intake reply maybe sent by a stopped process, not resent channel=%s "
                  "update=%s reply=%d", self.channel, row.update_id, out)
        replies = stored.load(outbox.get("replies", []))
        if out + 1 < len(replies):
            log.warning("intake replies sent after a restart channel=%s update=%s from=%d",
                        self.channel, row.update_id, out + 1)
            await self._send_kept(reader, registry, row.id, str(outbox.get("chat")), replies,
                                  first=out + 1)
        await self._finish(row)

    async def _finish(self, row: Received, state: str = intake.DONE,
                      why: str | None = None, only_new: bool = False) -> bool:
        async with self.db.transaction() as session:
            return await intake.finish(session, row.id, state, why, only_new)


async def stop_receiving(background: Background, poller: asyncio.Task[None] | None,
                         received: Intake | None, later: Background) -> None:
    """A channel's receiving side stopped in order: start-up retries, the poller, the intake
    (answering what is stored, up to 5 s), then optional parts still being retried."""
    await background.stop()
    if poller is not None:
        poller.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await poller
    if received is not None:
        await received.stop()
    await later.stop()

