"""Figures with their run-to-run spread: `python -m bench.spread [--url URL]... [--runs 3]`.

For each database, `--runs` runs in a row, each printing the machine's load average beside
its figures (the machine may be shared), then per figure the lowest and highest of the runs:
- questions one at a time through `Dispatcher.handle`, by kind of asker: a commune leader
  about a village of theirs and about their commune, the admin about the province; wall
  time, and this process's CPU time (SQLite's work included, PostgreSQL's server not), which
  a busy machine inflates far less;
- 8 commune leaders asking at once (p99 is issue 14's goal 4 on PostgreSQL);
- the real Telegram adapter (durable intake on, as `giamngheo run` builds it) and a bare
  python-telegram-bot echo bot on the same fake Bot API, both *without* flood limits: the
  round trip one message at a time and a burst of `--burst` queued at once; the ratio of the
  bursts' throughputs is the handling cost (issue 14, goal 2); SQL statements per message of
  the whole bot during the burst, and of the Dispatcher alone, so the intake's are apart.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from typing import Any

from sqlalchemy import event, select

from bench import flows
from bench import telegram_bench as tg
from bench.common import CHANNEL, Cast, cast, percentiles
from bench.generate import DEFAULT_URL
from bench.national import chat_for
from handlers.router import Dispatcher
from messaging.messages import IncomingMessage
from storage.db import Database
from storage.models import Unit

PG_URL = "postgresql://postgres@127.0.0.1:5432/bench_province"
Figures = dict[str, float]
CPU: list[float] = []  # this process's CPU time of each message sent by `send`


class Counter:
    """SQL statements sent while listening."""

    def __init__(self, db: Database) -> None:
        self.count = 0
        event.listen(db.engine.sync_engine, "before_cursor_execute", self._one)

    def _one(self, *_args: Any) -> None:
        self.count += 1


def load() -> str:
    """The 1, 5 and 15 minute load averages."""
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


async def by_kind(db: Database, people: Cast, count: int, counter: Counter) -> Figures:
    """p50 / p99 of each kind of asker, one message at a time; statements per question."""
    dispatcher = Dispatcher(db)
    admin = await chat_for_db(db)
    async with db.reading() as session:
        province = await session.scalar(select(Unit.name).where(Unit.level == "province"))
    kinds: dict[str, list[tuple[str, str, str]]] = {
        "village": [(CHANNEL, who, asks[1 + i % (len(asks) - 1)])
                    for i, (who, asks) in enumerate(people.leaders * 4)][:count],
        "commune": [(CHANNEL, who, asks[0]) for who, asks in people.leaders * 4][:count],
        "province": [("console", admin, f"{province} thế nào?")] * max(count // 4, 10),
    }
    figures: Figures = {}
    for name, script in kinds.items():
        timings = flows.Timings()
        await send(dispatcher, *script[0], flows.Timings())  # warm
        before = counter.count
        CPU.clear()
        for channel, who, text in script:
            await send(dispatcher, channel, who, text, timings)
        p50, p99, _ = percentiles(timings.samples)
        figures[f"{name} p50"], figures[f"{name} p99"] = p50, p99
        figures[f"{name} CPU p50"], figures[f"{name} CPU p99"], _ = percentiles(CPU)
        figures[f"{name} SQL"] = (counter.count - before) / len(script)
    timings = flows.Timings()
    await flows.question_burst(dispatcher, people, timings, count, 8)
    figures["8 at once p50"], figures["8 at once p99"], _ = percentiles(timings.samples)
    return figures


async def send(dispatcher: Dispatcher, channel: str, who: str, text: str,
               timings: flows.Timings) -> None:
    """One message from a chat of `channel`, timed."""
    message = IncomingMessage(channel, who, who, text=text,
                              update_key=f"spread-{time.time_ns()}")
    started, cpu = time.perf_counter(), time.process_time()
    replies = await dispatcher.handle(message)
    timings.samples.append(time.perf_counter() - started)
    CPU.append(time.process_time() - cpu)
    if not replies or "thử lại sau ít phút" in replies[0].text:
        timings.errors += 1


async def chat_for_db(db: Database) -> str:
    """The admin's console chat (bench.national's helper wants an App)."""
    class _App:
        pass
    app: Any = _App()
    app.db = db
    return await chat_for(app, "admin")


async def telegram(db: Database, people: Cast, burst: int, counter: Counter) -> Figures:
    """Ours and the echo bot without flood limits: round trip and burst throughput."""
    ids = await tg.link_telegram(db, people)
    asks = [(ids[who], q) for who, qs in people.leaders for q in qs[1:]]
    script, queued = (asks * 4)[:60], (asks * 8)[:burst]
    before = counter.count
    ours = await tg.measure(lambda url: tg.our_bot(db, url, False), script, queued)
    statements = (counter.count - before) / (len(script) + len(queued))
    echo = await tg.measure(lambda url: tg.echo_bot(url, False), script, queued)
    return {"ours round trip p50": percentiles(ours[0].samples)[0],
            "echo round trip p50": percentiles(echo[0].samples)[0],
            "ours burst /s": ours[1].throughput, "echo burst /s": echo[1].throughput,
            "ratio ours / echo": ours[1].throughput / echo[1].throughput,
            "bot SQL per message": statements}


async def one_run(url: str, count: int, burst: int) -> Figures:
    db = Database(url)
    counter = Counter(db)
    people = await cast(db, 50)
    figures = await by_kind(db, people, count, counter)
    figures |= await telegram(db, people, burst, counter)
    await db.dispose()
    return figures


def spread(runs: list[Figures]) -> None:
    """Each figure: every run's value, and the lowest-highest."""
    for key in runs[0]:
        values = [run[key] for run in runs]
        cells = " ".join(f"{v:8.2f}" for v in values)
        print(f"  {key:24} {cells}   {min(values):.2f}-{max(values):.2f} "
              f"(median {statistics.median(values):.2f})")


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", action="append", default=[])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--count", type=int, default=200, help="questions per kind")
    parser.add_argument("--burst", type=int, default=400)
    args = parser.parse_args()
    for url in args.url or [DEFAULT_URL, PG_URL]:
        runs: list[Figures] = []
        for number in range(args.runs):
            started, before = time.perf_counter(), load()
            runs.append(asyncio.run(one_run(url, args.count, args.burst)))
            print(f"{url} run {number + 1}: {time.perf_counter() - started:.0f} s, "
                  f"load {before} -> {load()}", flush=True)
        print(f"{url}: ms, per second, statements; runs 1..{args.runs}, lowest-highest")
        spread(runs)


if __name__ == "__main__":
    main()
