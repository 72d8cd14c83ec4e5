"""Generate a synthetic province and load it: `python -m bench.generate [--scale 0.1] [--url URL]`.

Plans are written as CSV files in the data/FORMAT.md format. `--mode importer` loads every
row through `giamngheo import`'s code; `--mode bulk` (the default: the importer does ~350-400
household rows a second, see bench/README.md) imports the commune and village rows through
the importer (units, plans, people) and bulk-inserts household rows parsed by the same reader.
`--mode copy` (PostgreSQL; the default with `--national`) writes no files: the rows the
importer would write go straight to the database by COPY (bench/copy_load.py).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import dataclasses
import random
import time
from pathlib import Path

from sqlalchemy import text

from bench.copy_load import copy_load
from bench.load import add_reports, add_users, insert_households
from bench.plans import PROVINCES, Shape, write_plans
from services.demo import ensure_admin
from services.plan_file import COLUMNS
from services.plan_import import import_plan
from storage.db import Database

HERE = Path(__file__).resolve().parent
DEFAULT_URL = f"sqlite:///{HERE / 'data' / 'province.db'}"
NATIONAL_VILLAGES = 80_100


async def fresh_database(url: str) -> Database:
    """An empty, migrated database at `url` (the SQLite file or PostgreSQL database is reset)."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        base, _, name = url.rpartition("/")
        admin = Database(f"{base}/postgres")
        async with admin.engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
        await admin.dispose()
    db = Database(url)
    await db.migrate()
    return db


def units_only(path: Path) -> Path:
    """A copy of a plan file with its commune and village rows only."""
    target = path.with_name(path.stem + "_units.csv")
    with path.open(encoding="utf-8") as src, target.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(row for row in csv.DictReader(src) if not row["chu_ho"])
    return target


async def load(db: Database, paths: list[Path], mode: str, log: bool = True) -> dict[str, float]:
    """Load the plan files; return seconds spent per stage."""
    timings: dict[str, float] = {}
    start = time.perf_counter()
    for number, path in enumerate(paths, start=1):
        source = path if mode == "importer" else units_only(path)
        result = await import_plan(db, source, channel="bench")
        if not result.ok:
            raise SystemExit(f"{path}: {[str(e) for e in result.errors[:5]]}")
        if mode == "bulk":
            await insert_households(db, path)
        if log and (number % 10 == 0 or number == len(paths)):
            print(f"  {number}/{len(paths)} communes, {time.perf_counter() - start:.1f}s")
    timings["plans"] = time.perf_counter() - start
    await ensure_admin(db)
    return timings


async def generate(url: str, shape: Shape, mode: str, folder: Path, seed: int = 6) -> None:
    """Write the plans, load them, add users and a year's worth of reports; print timings."""
    print(f"{shape.provinces} province(s): {shape.communes} communes, {shape.villages} villages, "
          f"{shape.households} households, {shape.users} users -> {url}")
    db = await fresh_database(url)
    started = time.perf_counter()
    if mode == "copy":
        await copy_load(db, shape, seed)
    else:
        await load_files(db, shape, mode, folder, seed)
    if not db.is_sqlite:
        async with db.engine.connect() as conn:  # fresh statistics for the query planner
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            # after COPY also VACUUM: the reports' status updates left dead rows, and
            # autovacuum would otherwise visit the new tables during the first benchmark
            await conn.execute(text("VACUUM ANALYZE" if mode == "copy" else "ANALYZE"))
            size = await conn.scalar(text("SELECT pg_database_size(current_database())"))
        print(f"analyzed; database size {size / 2**30:.2f} GiB")
    print(f"loaded in {time.perf_counter() - started:.1f}s")
    await db.dispose()


async def load_files(db: Database, shape: Shape, mode: str, folder: Path, seed: int) -> None:
    """Through plan files: write them, load them, then the extra users and reports."""
    started = time.perf_counter()
    paths = write_plans(folder, shape, seed)
    print(f"plan files written in {time.perf_counter() - started:.1f}s to {folder}")
    timings = await load(db, paths, mode)
    rows = shape.households + shape.villages + shape.communes
    print(f"plans loaded ({mode}) in {timings['plans']:.1f}s: "
          f"{rows / timings['plans']:.0f} rows/s")
    started = time.perf_counter()
    users = await add_users(db, shape.users, shape.people()[3])
    reports = await add_reports(db, shape.year, random.Random(seed))
    print(f"{users} extra users and {reports} reports added in "
          f"{time.perf_counter() - started:.1f}s")


def national(shape: Shape) -> Shape:
    """About Vietnam's ~80,000 villages in its 58 provinces: the province's communes repeated.

    Users stay at 100,000 (names are distinct below 256,000), not in proportion.
    """
    return dataclasses.replace(shape, communes=NATIONAL_VILLAGES // shape.villages_per_commune,
                               users=100_000, provinces=len(PROVINCES))


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="share of the 100 communes")
    parser.add_argument("--url", default=DEFAULT_URL, help="sqlite:///FILE or postgresql://...")
    parser.add_argument("--mode", choices=("bulk", "importer", "copy"), default=None,
                        help="bulk (default), importer, or copy (PostgreSQL; default with "
                             "--national)")
    parser.add_argument("--folder", type=Path, default=HERE / "data" / "plans")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--national", action="store_true",
                        help="a country: 58 provinces, 5,340 communes, 80,100 villages "
                             "(PostgreSQL; --scale still applies)")
    parser.add_argument("--households-per-village", type=int, default=None,
                        help="named households per village (default 100)")
    args = parser.parse_args()
    shape = national(Shape()) if args.national else Shape()
    if args.households_per_village is not None:
        shape = dataclasses.replace(shape, households_per_village=args.households_per_village)
    shape = shape.scaled(args.scale)
    mode = args.mode or ("copy" if args.national else "bulk")
    if mode == "copy" and not args.url.startswith("postgresql://"):
        parser.error("--mode copy needs a postgresql:// --url")
    asyncio.run(generate(args.url, shape, mode, args.folder, args.seed))


if __name__ == "__main__":
    main()
