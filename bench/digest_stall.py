"""Questions while the digests go out: every digest of a quarter composed and sent through the
real Telegram adapter (fake Bot API refusing a 31st send within a second), while village heads
ask about their village, one question every 50 ms.

    python -m bench.digest_stall [--url URL ...] [--period 2026-Q3] [--gap-ms 50]

Per engine: a baseline of questions with no digest going out, then the same questions while
the digests are composed and sent. Wait = from the question reaching the fake API to its
answer arriving there. Printed: answered, p50 / p99 / max wait, the digests' results and
time (sends included), 429s, peak RSS of this process and of the composition worker, and
the machine's load average before and after.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import datetime as dt
import itertools
import logging
import os
import time
from typing import Any

from sqlalchemy import delete, select

from bench.common import percentiles
from bench.generate import DEFAULT_URL
from bench.resident import memory_mb
from bot.app import App, build
from bot.channels.base import ChannelRegistry
from bot.channels.telegram import TelegramChannel, build_application
from bot.settings import Settings
from domain.periods import parse_period
from domain.schedule import DIGESTS
from scheduler import send_period
from services.recipients import recipients
from storage.db import Database
from storage.models import ChatIdentity, Delivery, Unit, User, UserScope
from tests.e2e.fake_api import Call
from tests.e2e.fake_telegram import SENDS, FakeTelegram

TOKEN = "123456:BENCH-stall"
CEILING = 30
FIRST_ID = 9_000_000
ASKERS = 20


class BusyTelegram(FakeTelegram):
    """The fake Bot API with Telegram's ceiling on every send, noting each chat's texts."""

    def __init__(self) -> None:
        super().__init__(TOKEN)
        self.update_ids = itertools.count(time.time_ns() // 1000)  # never seen by the dedupe
        self.window: collections.deque[float] = collections.deque()
        self.received: collections.Counter[int] = collections.Counter()
        self.arrived = asyncio.Condition()
        self.refused = 0

    async def respond(self, call: Call) -> tuple[int, dict[str, Any]]:
        """A 429 for a send beyond 30 in the last second; else answer and note the text."""
        if call.method not in SENDS:
            return await super().respond(call)
        now = time.monotonic()
        while self.window and self.window[0] <= now - 1.0:
            self.window.popleft()
        if len(self.window) >= CEILING:
            self.refused += 1
            return 429, {"ok": False, "error_code": 429, "parameters": {"retry_after": 1},
                         "description": "Too Many Requests: retry after 1"}
        self.window.append(now)
        result = await self.answer(call)
        self.calls.clear()
        if call.method == "sendMessage":
            async with self.arrived:
                self.received[int(call.params["chat_id"])] += 1
                self.arrived.notify_all()
        return result

    async def ask(self, chat: int, text: str, timeout: float = 10.0) -> float | None:
        """Seconds until the answer arrived; None if it did not within `timeout`."""
        before, started = self.received[chat], time.perf_counter()
        self.text({"id": chat, "is_bot": False, "first_name": "Trưởng thôn"}, text)
        try:
            async with asyncio.timeout(timeout), self.arrived:
                await self.arrived.wait_for(lambda: self.received[chat] > before)
        except TimeoutError:
            return None
        return time.perf_counter() - started


async def prepare(db: Database, period: str) -> list[tuple[int, str]]:
    """Link every digest recipient and ASKERS village heads to Telegram; forget the period's
    digests in the ledger (so all go out again). Returns (chat, question) of the askers."""
    year, now = parse_period(period).year, dt.datetime.now(dt.UTC)
    async with db.transaction() as session:
        await session.execute(delete(ChatIdentity).where(ChatIdentity.channel == "telegram"))
        await session.execute(delete(Delivery).where(Delivery.period == parse_period(period).key))
        people = {r.user.id for kind in DIGESTS for r in await recipients(session, kind, year)}
        heads = (await session.execute(
            select(User.id, Unit.name).join(UserScope, UserScope.user_id == User.id)
            .join(Unit, Unit.id == UserScope.unit_id)
            .where(User.role == "village_head", ~User.login.like("bench-%"))
            .order_by(User.id).limit(ASKERS))).all()
        for user_id in people | {user_id for user_id, _ in heads}:
            chat = str(FIRST_ID + user_id)
            session.add(ChatIdentity(channel="telegram", external_id=chat, chat_id=chat,
                                     chat_type="private", user_id=user_id, linked_at=now))
    return [(FIRST_ID + user_id, f"{village} thế nào?") for user_id, village in heads]


async def questions(fake: BusyTelegram, askers: list[tuple[int, str]], gap: float,
                    until: asyncio.Task[Any] | int) -> list[float | None]:
    """Ask in turn, `gap` seconds after each answer, until the task is done (or N asked)."""
    waits: list[float | None] = []
    for chat, text in itertools.cycle(askers):
        if until.done() if isinstance(until, asyncio.Task) else len(waits) >= until:
            return waits
        waits.append(await fake.ask(chat, text))
        await asyncio.sleep(gap)
    return waits


def summary(label: str, waits: list[float | None]) -> str:
    """Answered, p50 / p99 / max in ms, waits over 500 ms."""
    answered = [w for w in waits if w is not None]
    p50, p99, top = percentiles(answered)
    return (f"{label}: {len(answered)}/{len(waits)} answered, wait p50 {p50:.0f} ms, "
            f"p99 {p99:.0f} ms, max {top:.0f} ms, over 500 ms: "
            f"{sum(w > 0.5 for w in answered)}")


def load() -> str:
    """The machine's load average (1, 5, 15 minutes)."""
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


async def measure(url: str, period: str, gap: float, baseline: int, workers: int) -> None:
    """Baseline questions, then questions while every digest of the period goes out."""
    settings = Settings(_env_file=None, database_url=url,  # type: ignore[call-arg]
                        composition_workers=workers)
    app: App = await build(settings, migrate=False)
    askers = await prepare(app.db, period)
    fake = BusyTelegram()
    registry = ChannelRegistry()
    channel = TelegramChannel(build_application(TOKEN, await fake.start()), app.dispatcher,
                              registry, poll_timeout=10)
    registry.add(channel)
    await channel.start()
    worker = 0.0
    try:
        await app.workshop.build(os.getpid)  # the worker up, as after the bot's first digest
        print(f"  load before {load()}", flush=True)
        print("  " + summary("no digests", await questions(fake, askers, gap, baseline)))
        started = time.perf_counter()
        digests = asyncio.create_task(send_period(app, registry, parse_period(period),
                                                  token=f"bench-{os.getpid()}"))
        waits = await questions(fake, askers, gap, digests)
        run, seconds = await digests, time.perf_counter() - started
        print("  " + summary("during digests", waits))
        worker = worker_peak(app)
        print(f"  digests {dict(run.results)} in {seconds:.1f} s (composed and sent), "
              f"429s {fake.refused}, RSS peak {memory_mb()['VmHWM']:.0f} MB, "
              f"load after {load()}", flush=True)
    finally:
        await channel.stop()
        await fake.stop()
        await app.close()
    print(f"  RSS peak of the composition worker {worker:.0f} MB; of this process (bot, "
          f"scheduler and fake API together) {memory_mb()['VmHWM']:.0f} MB", flush=True)


def worker_peak(app: App) -> float:
    """The highest VmHWM (peak RSS, MB) of the composition pool's processes."""
    pool = app.workshop._pool  # a bench may look inside
    peaks = [0.0]
    for pid in list(pool._processes) if pool else []:  # type: ignore[attr-defined]
        with contextlib.suppress(OSError), open(f"/proc/{pid}/status") as status:
            peaks += [int(line.split()[1]) / 1024 for line in status
                      if line.startswith("VmHWM:")]
    return max(peaks)


def main() -> None:
    """Each engine in turn."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", action="append", help=f"repeatable; default {DEFAULT_URL}")
    parser.add_argument("--period", default="2026-Q3")
    parser.add_argument("--gap-ms", type=float, default=50)
    parser.add_argument("--baseline", type=int, default=100, help="questions with no digests")
    parser.add_argument("--workers", type=int, default=1, help="composition workers (0: none)")
    args = parser.parse_args()
    logging.getLogger("tornado.access").setLevel(logging.ERROR)
    for url in args.url or [DEFAULT_URL]:
        print(f"{url.rpartition('/')[2]} ({url.partition(':')[0]}), workers {args.workers}:")
        asyncio.run(measure(url, args.period, args.gap_ms / 1000, args.baseline, args.workers))


if __name__ == "__main__":
    main()
