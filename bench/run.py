"""Side-by-side figures for SQLite and PostgreSQL: `python -m bench.run` (after bench.generate).

Message handling through the Dispatcher (questions, quick reports, guided reports; one at
a time and 8 leaders at once), the Telegram adapter against a fake Bot API on 127.0.0.1
next to a bare python-telegram-bot echo bot, all province progress, and resident size.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import subprocess
import sys
import time
import tracemalloc
from typing import Any

from sqlalchemy import select

from bench import flows
from bench import telegram_bench as tg
from bench.common import cast, percentiles
from bench.generate import DEFAULT_URL, HERE
from bench.resident import memory_mb
from handlers.router import Dispatcher
from services.progress import unit_progress
from storage.db import Database
from storage.models import Unit

PG_URL = "postgresql://postgres@127.0.0.1:5432/bench_province"
Row = dict[str, Any]


def lat(t: flows.Timings) -> Row:
    """p50 / p99 / max latency (ms), throughput and errors of a run."""
    p50, p99, worst = percentiles(t.samples)
    return {"n": len(t.samples), "p50_ms": round(p50, 1), "p99_ms": round(p99, 1),
            "max_ms": round(worst, 1), "per_s": round(t.throughput, 1), "errors": t.errors}


async def timed(work: Any, timings: flows.Timings) -> Row:
    """Await `work`, recording its wall time."""
    started = time.perf_counter()
    await work
    timings.wall = time.perf_counter() - started
    return lat(timings)


async def dispatcher_figures(db: Database, size: int) -> Row:
    """Latency and throughput of each flow through the Dispatcher."""
    people = await cast(db, 50)
    dispatcher = Dispatcher(db)
    await flows.questions(dispatcher, people, flows.Timings(), 20)  # warm up
    rows: Row = {}
    t = flows.Timings()
    rows["question"] = await timed(flows.questions(dispatcher, people, t, size), t)
    t = flows.Timings()
    rows["quick report (2 msgs)"] = await timed(
        flows.quick_reports(db, dispatcher, people, t, size // 4), t)
    t = flows.Timings()
    rows["guided report (5 msgs)"] = await timed(
        flows.guided_reports(db, dispatcher, people, t, size // 10), t)
    t = flows.Timings()
    await flows.question_burst(dispatcher, people, t, size, 8)
    rows["question, 8 at once"] = lat(t)
    return rows


async def progress_figures(db: Database) -> Row:
    """Every commune's progress (and the province's): time, Python peak, RSS."""
    async with db.session() as session:
        communes = list(await session.scalars(select(Unit).where(Unit.level == "commune")))
        province = await session.scalar(select(Unit).where(Unit.level == "province"))
    day = dt.date.today()

    async def all_communes() -> float:
        started = time.perf_counter()
        async with db.session() as session:
            for commune in communes:
                await unit_progress(session, commune, day)
        return time.perf_counter() - started

    seconds = await all_communes()
    tracemalloc.start()
    await all_communes()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    started = time.perf_counter()
    async with db.session() as session:
        assert province is not None
        await unit_progress(session, province, day)
    return {"communes": len(communes), "all_communes_s": round(seconds, 2),
            "python_peak_mb": round(peak / 2**20, 1), "province_unit_s":
            round(time.perf_counter() - started, 2), "rss_mb": round(memory_mb()["VmRSS"])}


async def telegram_figures(db: Database, size: int) -> Row:
    """Our bot vs the echo bot (bare and with the same rate limiter), same scripts."""
    people = await cast(db, 50)
    ids = await tg.link_telegram(db, people)
    asks = [(ids[who], q) for who, qs in people.leaders for q in qs]
    script = (asks * 4)[:size // 2]
    burst = (asks * 8)[:size]
    ours = await tg.measure(lambda url: tg.our_bot(db, url), script, burst)
    unlimited = await tg.measure(lambda url: tg.our_bot(db, url, False), script, burst)
    bare = await tg.measure(lambda url: tg.echo_bot(url, False), script, burst)
    limited = await tg.measure(lambda url: tg.echo_bot(url, True), script, burst)
    rows: Row = {"our bot: question": lat(ours[0]), "our bot: burst": lat(ours[1]),
                 "ours without flood limits: burst": lat(unlimited[1]),
                 "echo bot: message": lat(bare[0]), "echo bot: burst": lat(bare[1]),
                 "echo + rate limiter: burst": lat(limited[1])}
    ratios = {"ours / bare echo": (ours, bare), "ours / rate-limited echo": (ours, limited),
              "ours / bare echo, neither limited": (unlimited, bare)}
    for name, (a, b) in ratios.items():
        rows[f"throughput ratio ({name})"] = round(a[1].throughput / b[1].throughput, 2)
    return rows


def resident(url: str) -> Row:
    """VmRSS / VmHWM of a fresh bot process after answering about every commune."""
    out = subprocess.run([sys.executable, "-m", "bench.resident", url], capture_output=True,
                         text=True, check=True, cwd=HERE.parent).stdout
    return {k: round(v) if isinstance(v, float) else v for k, v in json.loads(out).items()}


async def engine(url: str, size: int, telegram: bool) -> Row:
    """Every figure for one database."""
    db = Database(url)
    figures: Row = {"dispatcher": await dispatcher_figures(db, size)}
    figures["progress"] = await progress_figures(db)
    if telegram:
        figures["telegram"] = await telegram_figures(db, size)
    await db.dispose()
    figures["resident"] = resident(url)
    return figures


def table(results: dict[str, Row]) -> None:
    """Print sections with one column per engine."""
    names = list(results)
    print(f"{'':44}" + "".join(f"{n:>34}" for n in names))
    for section in results[names[0]]:
        print(f"[{section}]")
        for key in results[names[0]][section]:
            cells = [results[n][section].get(key) for n in names]
            text = [json.dumps(c, ensure_ascii=False).replace('"', "") if isinstance(c, dict)
                    else str(c) for c in cells]
            print(f"  {key:42}" + "".join(f"{t:>34}" for t in text))


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", default=DEFAULT_URL)
    parser.add_argument("--postgres", default=PG_URL, help="empty to skip")
    parser.add_argument("--size", type=int, default=400, help="questions per run")
    parser.add_argument("--no-telegram", action="store_true")
    args = parser.parse_args()
    results = {}
    for name, url in (("SQLite", args.sqlite), ("PostgreSQL", args.postgres)):
        if url:
            print(f"running {name} ({url}) ...", flush=True)
            results[name] = asyncio.run(engine(url, args.size, not args.no_telegram))
    table(results)
    out = HERE / "data" / "results.json"
    out.write_text(json.dumps(results, ensure_ascii=False, indent=1))
    print(f"\nsaved {out}")


if __name__ == "__main__":
    main()
