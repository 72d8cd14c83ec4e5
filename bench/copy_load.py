"""Load generated plans into PostgreSQL with COPY: `python -m bench.generate --mode copy`.

The importer takes ~0.2 s a commune and the bulk path ~2,500 household rows a second, so a
national shape (5,340 communes, 8 million households) took well over an hour. Here the rows
the importer would write (bench/import_rows.py) go through asyncpg's binary COPY: households
and their audit events stream on two connections while the next communes are generated.
Secondary indexes, unique and foreign keys of the loaded tables are dropped for the load and
rebuilt from their own definitions afterwards (so every key is checked once, in bulk).
"""

from __future__ import annotations

import asyncio
import gc
import random
import time

import asyncpg  # type: ignore[import-untyped]

from bench.import_rows import COLUMNS, PlanRows, Row
from bench.load import CHANGE_COLUMNS, add_users, planned_reports
from bench.plans import Shape, commune_rows, file_name
from services.demo import ensure_admin
from storage.db import Database

BATCH = 20_000  # households per COPY statement
TABLES = [*COLUMNS, "status_change"]
SERIAL = ("unit", "unit_plan", "app_user", "household", "audit_event", "status_change")
KEYS = """
SELECT conrelid::regclass::text, conname, contype::text, pg_get_constraintdef(oid)
FROM pg_constraint WHERE conrelid = ANY($1::text[]::regclass[]) AND contype IN ('u', 'f')
"""
INDEXES = """
SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index i
WHERE indrelid = ANY($1::text[]::regclass[]) AND NOT EXISTS (
    SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u', 'x'))
"""


class Stages:
    """Seconds per stage, printed as they end."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.started = time.perf_counter()

    def done(self, stage: str, detail: str = "") -> None:
        """Close `stage` and print its time."""
        now = time.perf_counter()
        self.seconds[stage] = now - self.started
        self.started = now
        print(f"  {stage}: {self.seconds[stage]:.1f}s {detail}", flush=True)


async def drop_keys(conn: asyncpg.Connection, tables: list[str]) -> list[str]:
    """Drop secondary indexes, unique and foreign keys; return the statements restoring them."""
    keys = await conn.fetch(KEYS, tables)
    indexes = await conn.fetch(INDEXES, tables)
    for table, name, _kind, _ in sorted(keys, key=lambda k: k[2] != "f"):  # foreign first
        await conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        await conn.execute(f"DROP INDEX {name}")
    return ([f'ALTER TABLE {t} ADD CONSTRAINT "{n}" {d}' for t, n, k, d in keys if k == "u"]
            + [d for _, d in indexes]
            + [f'ALTER TABLE {t} ADD CONSTRAINT "{n}" {d}' for t, n, k, d in keys if k == "f"])


async def _stream(conn: asyncpg.Connection, table: str, queue: asyncio.Queue[list[Row]]) -> int:
    """COPY every batch put on `queue` until an empty one."""
    rows = 0
    while batch := await queue.get():
        await conn.copy_records_to_table(table, records=batch, columns=COLUMNS[table])
        rows += len(batch)
    return rows


async def _put(queue: asyncio.Queue[list[Row]], batch: list[Row],
               consumers: list[asyncio.Task[int]]) -> None:
    """Queue a batch, failing at once if a COPY failed (instead of waiting on a full queue)."""
    put = asyncio.ensure_future(queue.put(batch))
    await asyncio.wait([put, *consumers], return_when=asyncio.FIRST_COMPLETED)
    for task in consumers:
        if task.done() and task.exception():
            put.cancel()
            raise task.exception()  # type: ignore[misc]
    await put


async def stream_communes(url: str, shape: Shape, seed: int) -> tuple[PlanRows, int]:
    """Generate every commune (as bench.plans.write_plans would) and COPY its households."""
    rows, rng = PlanRows(), random.Random(seed)
    conns = [await asyncpg.connect(url) for _ in range(2)]
    queues: dict[str, asyncio.Queue[list[Row]]] = {
        "household": asyncio.Queue(2), "audit_event": asyncio.Queue(2)}
    consumers = [asyncio.create_task(_stream(conn, table, queue))
                 for conn, (table, queue) in zip(conns, queues.items(), strict=True)]
    pending: dict[str, list[Row]] = {table: [] for table in queues}
    gc.disable()  # millions of live tuples: each full collection would walk them all
    try:
        for number in range(shape.communes):
            households, audit = rows.commune(file_name(number), commune_rows(number, shape, rng))
            pending["household"] += households
            pending["audit_event"] += audit
            if len(pending["household"]) >= BATCH or number == shape.communes - 1:
                for table, queue in queues.items():
                    await _put(queue, pending[table], consumers)
                    pending[table] = []
        for queue in queues.values():
            await _put(queue, [], consumers)
        copied = await asyncio.gather(*consumers)
    finally:
        gc.enable()
        for conn in conns:
            await conn.close()
    return rows, copied[0]


async def copy_reports(conn: asyncpg.Connection, rows: PlanRows, year: int, seed: int) -> int:
    """bench.load.add_reports' year of reports, by COPY, and the confirmed statuses."""
    changes, moved = planned_reports(rows.found, year, random.Random(seed))
    await conn.copy_records_to_table(
        "status_change", records=[(i, *c) for i, c in enumerate(changes, start=1)],
        columns=("id", *CHANGE_COLUMNS))
    await conn.execute("CREATE TEMP TABLE moved (id bigint PRIMARY KEY, status text)")
    await conn.copy_records_to_table("moved", records=moved)
    await conn.execute("UPDATE household h SET status = m.status FROM moved m WHERE h.id = m.id")
    return len(changes)


async def copy_load(db: Database, shape: Shape, seed: int) -> dict[str, float]:
    """Load `shape` into the empty, migrated PostgreSQL database `db`; seconds per stage."""
    url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    stages = Stages()
    conn = await asyncpg.connect(url)
    try:
        restore = await drop_keys(conn, TABLES)
        rows, households = await stream_communes(url, shape, seed)
        stages.done("communes generated, households and their audit copied",
                    f"({households} households, {rows.last['audit_event']} audit events)")
        for table, records in rows.small_tables().items():
            await conn.copy_records_to_table(table, records=records, columns=COLUMNS[table])
        stages.done("units, plans, users, scopes, registrations copied",
                    f"({len(rows.small['unit'])} units, {len(rows.users)} users)")
        reports = await copy_reports(conn, rows, shape.year, seed)
        stages.done("reports copied, statuses updated", f"({reports} reports)")
        for table in SERIAL:
            await conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"MAX(id)) FROM {table} HAVING MAX(id) IS NOT NULL")
        await conn.execute("SET maintenance_work_mem = '1GB'")
        for statement in restore:
            await conn.execute(statement)
        stages.done("indexes and keys rebuilt", f"({len(restore)})")
    finally:
        await conn.close()
    await ensure_admin(db)
    extra = await add_users(db, shape.users, shape.people()[3])
    stages.done("admin and extra users added", f"({extra} extra users)")
    return stages.seconds

