"""Telegram end to end: the real adapter vs a bare python-telegram-bot echo bot, same fake API.

The fake Bot API server is the one the e2e tests use (tests/e2e/fake_telegram.py), on
127.0.0.1; every reply's arrival there is timed.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import delete
from telegram import Update
from telegram.ext import AIORateLimiter, Application, ContextTypes, MessageHandler, filters

from bench.common import Cast
from bench.flows import Timings
from bot.channels.base import ChannelRegistry
from bot.channels.telegram import TelegramChannel, build_application
from handlers.router import Dispatcher
from storage.db import Database
from storage.models import ChatIdentity
from tests.e2e.fake_api import Call
from tests.e2e.fake_telegram import FakeTelegram

TOKEN = "123456:BENCH-token"
FIRST_ID = 7_000_000


class TimedTelegram(FakeTelegram):
    """The fake that notes when each chat received each message."""

    def __init__(self) -> None:
        super().__init__(TOKEN)
        # Update ids unique across runs: the bot skips ids it already handled (dedupe).
        self.update_ids = itertools.count(time.time_ns() // 1000)
        self.received: dict[int, int] = defaultdict(int)
        self.arrived = asyncio.Condition()

    async def answer(self, call: Call) -> tuple[int, dict[str, Any]]:
        """Answer, then wake whoever waits for this chat's next message."""
        result = await super().answer(call)
        if call.method == "sendMessage":
            self.calls.clear()  # keep memory flat over long runs
            async with self.arrived:
                self.received[int(call.params["chat_id"])] += 1
                self.arrived.notify_all()
        return result

    async def wait_total(self, chats: list[int], total: int) -> None:
        """Until these chats received `total` messages between them."""
        async with self.arrived:
            await self.arrived.wait_for(lambda: sum(self.received[c] for c in chats) >= total)


def user(number: int) -> dict[str, Any]:
    """A Telegram account."""
    return {"id": number, "is_bot": False, "first_name": f"Người {number}"}


async def link_telegram(db: Database, cast: Cast) -> dict[str, int]:
    """Give each benchmark account a Telegram id (leaders and heads)."""
    accounts = [who for who, _ in cast.leaders] + [who for who, _ in cast.heads]
    ids = {who: FIRST_ID + i for i, who in enumerate(accounts)}
    now = dt.datetime.now(dt.UTC)
    async with db.session() as session, session.begin():
        await session.execute(delete(ChatIdentity).where(ChatIdentity.channel == "telegram"))
        for who, number in ids.items():
            bench = await session.get(ChatIdentity, ("bench", who))
            assert bench is not None
            session.add(ChatIdentity(channel="telegram", external_id=str(number),
                                 chat_id=str(number), chat_type="private",
                                     user_id=bench.user_id, linked_at=now))
    return ids


@asynccontextmanager
async def our_bot(db: Database, base_url: str, flood_limits: bool = True) -> AsyncIterator[None]:
    """The real adapter (rate limiter and all, unless told) around the real dispatcher."""
    registry = ChannelRegistry()
    application = build_application(TOKEN, base_url, flood_limits=flood_limits)
    channel = TelegramChannel(application, Dispatcher(db), registry, poll_timeout=10)
    registry.add(channel)
    await channel.start()
    try:
        yield
    finally:
        await channel.stop()


async def _echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text)


@asynccontextmanager
async def echo_bot(base_url: str, rate_limited: bool) -> AsyncIterator[None]:
    """The bare python-telegram-bot echo bot (optionally with the same rate limiter)."""
    builder = Application.builder().token(TOKEN).base_url(base_url)
    if rate_limited:
        builder = builder.rate_limiter(AIORateLimiter())  # type: ignore[arg-type]
    app = builder.build()
    app.add_handler(MessageHandler(filters.TEXT, _echo))
    await app.initialize()
    assert app.updater is not None
    await app.updater.start_polling(timeout=10)
    await app.start()
    try:
        yield
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


async def sequential(fake: TimedTelegram, script: list[tuple[int, str]]) -> Timings:
    """Send each message and wait for its reply: round-trip latency."""
    timings = Timings()
    started = time.perf_counter()
    for chat, text in script:
        before = fake.received[chat]
        sent = time.perf_counter()
        fake.text(user(chat), text)
        try:
            async with asyncio.timeout(5):
                await fake.wait_total([chat], before + 1)
        except TimeoutError:
            timings.errors += 1
        timings.samples.append(time.perf_counter() - sent)
    timings.wall = time.perf_counter() - started
    return timings


async def burst(fake: TimedTelegram, script: list[tuple[int, str]]) -> Timings:
    """Queue every message at once; time until every chat has its replies (throughput)."""
    chats = sorted({chat for chat, _ in script})
    before = sum(fake.received[c] for c in chats)
    started = time.perf_counter()
    for chat, text in script:
        fake.text(user(chat), text)
    timings = Timings()
    try:
        async with asyncio.timeout(300):
            await fake.wait_total(chats, before + len(script))
    except TimeoutError:
        timings.errors += 1
    timings.wall = time.perf_counter() - started
    timings.samples = [timings.wall / len(script)] * len(script)
    return timings


async def measure(bot: Callable[[str], Any], script: list[tuple[int, str]],
                  burst_script: list[tuple[int, str]]) -> tuple[Timings, Timings]:
    """Start a fake server and `bot` on it; return (latency run, burst run)."""
    fake = TimedTelegram()
    base_url = await fake.start()
    try:
        async with bot(base_url):
            await asyncio.sleep(0.2)  # first getUpdates in flight
            return await sequential(fake, script), await burst(fake, burst_script)
    finally:
        await fake.stop()
