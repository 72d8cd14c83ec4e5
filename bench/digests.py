"""Digests: time and peak memory to compose every quarterly digest of the province
(officers' texts, leaders' texts with chart PNG and XLSX) and those of one commune.

    python -m bench.digests [--url sqlite+aiosqlite:///bench/data/province.db] [--period 2026-Q3]

Each digest is composed in its own session, as `services.deliveries` does before sending.
The time is taken without tracemalloc (it slows Python down); a second pass, traced, gives
Python's peak. RSS is the process's resident size after the untraced pass.
"""

from __future__ import annotations

import argparse
import asyncio
import time
import tracemalloc
from collections import Counter
from collections.abc import Collection

from sqlalchemy import select

from bench.generate import DEFAULT_URL
from bench.resident import memory_mb
from domain.periods import parse_period
from domain.schedule import Calendar, PlannedSend, SendKind, planned_sends
from services.deliveries import compose
from services.digests import Occasion
from services.recipients import recipients
from storage.db import Database
from storage.models import Unit

KINDS = (SendKind.OFFICER_DIGEST, SendKind.LEADER_DIGEST)
CAL = Calendar()


def send_of(kind: SendKind, period: str) -> PlannedSend:
    """The planned send of this kind and period."""
    wanted = parse_period(period)
    return next(s for s in planned_sends(wanted.year, CAL) if s.kind is kind
                and s.period == wanted)


async def compose_all(db: Database, period: str,
                      within: Collection[int] | None = None) -> Counter[str]:
    """Compose every digest of the period (inside `within` if given); counts what was made."""
    made: Counter[str] = Counter()
    for kind in KINDS:
        send = send_of(kind, period)
        occasion = Occasion(send, CAL, send.due)
        async with db.reading() as session:
            people = await recipients(session, kind, send.period.year, within)
        for recipient in people:
            async with db.reading() as session:
                replies = await compose(session, occasion, recipient) or []
            made[kind.value] += 1
            for reply in replies:
                made["texts"] += 1
                made["png_kb"] += len(reply.image or b"") // 1024
                made["xlsx_kb"] += len(reply.document[1]) // 1024 if reply.document else 0
    return made


async def commune_units(db: Database) -> set[int]:
    """The first commune and its villages."""
    async with db.reading() as session:
        commune = (await session.scalars(select(Unit).where(Unit.level == "commune")
                                         .order_by(Unit.id).limit(1))).one()
        villages = (await session.scalars(select(Unit.id).where(
            Unit.parent_id == commune.id))).all()
    return {commune.id, *villages}


async def measure(url: str, period: str, within: bool, traced: bool) -> dict[str, object]:
    """One pass: seconds, what was made, RSS, and Python's peak when traced."""
    db = Database(url)
    scope = await commune_units(db) if within else None
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    made = await compose_all(db, period, scope)
    seconds = time.perf_counter() - started
    figures: dict[str, object] = {"seconds": round(seconds, 1), **made,
                                  **{k: round(v) for k, v in memory_mb().items()}}
    if traced:
        figures["python_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
        tracemalloc.stop()
    await db.dispose()
    return figures


def main() -> None:
    """Province and one commune, untraced then traced."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--period", default="2026-Q3")
    parser.add_argument("--no-trace", action="store_true", help="skip the traced passes")
    args = parser.parse_args()
    for label, within in (("one commune", True), ("province", False)):
        for traced in (False,) if args.no_trace else (False, True):
            figures = asyncio.run(measure(args.url, args.period, within, traced))
            print(f"{label:12} {'traced' if traced else 'timed':7} {figures}", flush=True)


if __name__ == "__main__":
    main()
