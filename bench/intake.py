"""The durable intake's added cost per update (issue 10.3): SQL statements and commits per
update, and time per update, with and without the intake, several runs, load beside.

Without: `Dispatcher.handle` on each message (what a handler costs alone). With: each update
stored as a webhook post stores it (one transaction per update) or as a polling batch of 100,
then answered from the store by the intake's worker (bot/channels/intake.py), replies kept
with the update and sent (to a sink), the row marked done. Two messages: a stranger's
"xin chào" (cheap: the intake's share is largest) and a leader's "Thôn Chợ thế nào?".

    python -m bench.intake [--url URL ...] [--count 300] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import statistics
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

from sqlalchemy import event

from bench.generate import fresh_database
from bot.channels.base import ChannelRegistry
from bot.channels.intake import Intake
from handlers.router import Dispatcher
from messaging.messages import IncomingMessage, Reply
from services.demo import load_demo
from storage.db import Database
from storage.intake import Receipt
from storage.people import find_users, link_chat

CHANNEL = "bench"
MESSAGES = {"hello": ("stranger", "xin chào"), "question": ("leader", "Thôn Chợ thế nào?")}
_ids = itertools.count(1)


class Sink:
    """The channel side of the intake: reads our own payloads, answers, counts sends."""

    name = CHANNEL

    def __init__(self, dispatcher: Dispatcher) -> None:
        self.dispatcher, self.sent = dispatcher, 0

    def read(self, payload: dict[str, Any]) -> IncomingMessage:
        """The stored update as a message."""
        return IncomingMessage(CHANNEL, payload["chat"], payload["chat"], text=payload["text"])

    async def answer(self, update: IncomingMessage,
                     receipt: Receipt) -> tuple[str, list[Reply]] | None:
        """Handled with the receipt: the replies kept with the stored update."""
        return update.chat_id, await self.dispatcher.handle(update, receipt)

    async def send(self, chat_id: str, reply: Reply) -> None:
        """Sent nowhere; counted."""
        self.sent += 1


@contextlib.contextmanager
def counting(db: Database) -> Iterator[Counter[str]]:
    """Statements and commits on this database inside the block."""
    seen: Counter[str] = Counter()
    engine = db.engine.sync_engine

    def statement(*_: Any) -> None:
        seen["statements"] += 1

    def commit(*_: Any) -> None:
        seen["commits"] += 1
    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "commit", commit)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "commit", commit)


async def direct(dispatcher: Dispatcher, chat: str, text: str, count: int) -> None:
    """Without the intake: each message handled as it comes."""
    for _ in range(count):
        await dispatcher.handle(IncomingMessage(CHANNEL, chat, chat, text=text))


async def through_intake(db: Database, dispatcher: Dispatcher, chat: str, text: str,
                         count: int, batch: int) -> None:
    """With the intake: stored `batch` at a time, answered from the store."""
    intake = Intake(db, CHANNEL, f"bench{next(_ids)}", lease_seconds=60)
    sink = Sink(dispatcher)
    intake.start(sink, ChannelRegistry())
    updates = [(str(n), {"chat": chat, "text": text, "n": n}) for n in range(count)]
    for start in range(0, count, batch):
        await intake.store(updates[start:start + batch])
    await intake.settle(timeout=600)
    await intake.stop()
    assert sink.sent >= count, (sink.sent, count)


async def measure(db: Database, mode: str, chat: str, text: str,
                  count: int) -> tuple[float, dict[str, float]]:
    """Seconds per update, and statements and commits per update, of one run."""
    dispatcher = Dispatcher(db)
    with counting(db) as seen:
        started = time.perf_counter()
        if mode == "direct":
            await direct(dispatcher, chat, text, count)
        else:
            await through_intake(db, dispatcher, chat, text, count,
                                 batch=1 if mode == "webhook" else 100)
        elapsed = time.perf_counter() - started
    return elapsed / count, {k: v / count for k, v in seen.items()}


async def bench(url: str, count: int, runs: int) -> None:
    """Every message in every mode, `runs` times (modes interleaved), on one database."""
    db = await fresh_database(url)
    await load_demo(db)
    async with db.transaction() as session:
        [leader] = await find_users(session, "Đỗ Văn Liên")
        await link_chat(session, CHANNEL, "bench-leader", "bench-leader", leader)
    chats = {"stranger": "bench-stranger", "leader": "bench-leader"}
    print(f"\n{db.engine.dialect.name}: {count} updates a run, {runs} runs")
    for label, (who, text) in MESSAGES.items():
        results: dict[str, list[tuple[float, dict[str, float]]]] = {}
        for _ in range(runs):
            for mode in ("direct", "webhook", "polling"):
                results.setdefault(mode, []).append(
                    await measure(db, mode, chats[who], text, count))
                await asyncio.sleep(0)
        base = statistics.median(t for t, _ in results["direct"])
        for mode, samples in results.items():
            times = sorted(t * 1000 for t, _ in samples)
            counts = samples[-1][1]
            median = statistics.median(times)
            print(f"  {label:<8} {mode:<8} {median:6.2f} ms/update (runs {times[0]:.2f}-"
                  f"{times[-1]:.2f}; {median - base * 1000:+.2f} ms) statements "
                  f"{counts.get('statements', 0):.2f} commits {counts.get('commits', 0):.2f}"
                  f"  load {load()}")
    await db.dispose()


def load() -> str:
    """The machine's load average (1, 5, 15 minutes)."""
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    """Command line: the databases to measure on."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", action="append", default=None,
                        help="database URL (repeatable); default: SQLite in bench/data")
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    urls = args.url or ["sqlite:///bench/data/intake.db"]
    print(f"load before: {load()}")
    for url in urls:
        asyncio.run(bench(url, args.count, args.runs))


if __name__ == "__main__":
    main()
