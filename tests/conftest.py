"""Fixtures: a migrated database per test, on SQLite always and on PostgreSQL when given.

PostgreSQL runs when TEST_POSTGRES_URL is set (CI sets it); otherwise those tests are
skipped with a visible reason, so the suite still passes on a machine without PostgreSQL.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from services.demo import load_demo
from storage.db import Database
from storage.models import Base
from tests.helpers import FixedClock

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL")
ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip PostgreSQL cases, visibly, when no server is configured."""
    if POSTGRES_URL:
        return
    skip = pytest.mark.skip(reason="PostgreSQL: set TEST_POSTGRES_URL to run (CI does)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def sqlite_templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Migrated SQLite files built once (empty and with demo data), copied per test."""
    folder = tmp_path_factory.mktemp("templates")
    empty, demo = folder / "empty.db", folder / "demo.db"

    async def build() -> None:
        for path, with_demo in ((empty, False), (demo, True)):
            db = Database(f"sqlite:///{path}")
            await db.migrate()
            if with_demo:
                await load_demo(db)
            await db.dispose()

    asyncio.run(build())
    return {"empty": empty, "demo": demo}


_pg_url: str | None = None


async def _own_postgres_database() -> str:
    """A database of this test process's own, so parallel runs never collide."""
    assert POSTGRES_URL
    base, _, _ = POSTGRES_URL.rpartition("/")
    name = f"giamngheo_test_{os.getpid()}"
    admin = Database(POSTGRES_URL)
    async with admin.engine.connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        await conn.execute(text(f"CREATE DATABASE {name}"))
    await admin.dispose()
    url = f"{base}/{name}"
    db = Database(url)
    await db.migrate()
    await db.dispose()
    return url


def postgres_url() -> str | None:
    """The URL of this process's test database, once a PostgreSQL test has created it."""
    return _pg_url


async def _postgres(with_demo: bool) -> Database:
    global _pg_url
    if _pg_url is None:
        _pg_url = await _own_postgres_database()
    db = Database(_pg_url)
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    async with db.engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    if with_demo:
        await load_demo(db)
    return db


async def _database(
    request: pytest.FixtureRequest, templates: dict[str, Path], tmp: Path, with_demo: bool
) -> Database:
    if request.param == "postgresql":
        return await _postgres(with_demo)
    path = tmp / "test.db"
    shutil.copy(templates["demo" if with_demo else "empty"], path)
    return Database(f"sqlite:///{path}")


@pytest.fixture(params=ENGINES)
async def db(
    request: pytest.FixtureRequest, sqlite_templates: dict[str, Path], tmp_path: Path
) -> AsyncIterator[Database]:
    """An empty, migrated database."""
    database = await _database(request, sqlite_templates, tmp_path, with_demo=False)
    yield database
    await database.dispose()


@pytest.fixture(params=ENGINES)
async def demo_db(
    request: pytest.FixtureRequest, sqlite_templates: dict[str, Path], tmp_path: Path
) -> AsyncIterator[Database]:
    """A migrated database holding the demo data (Cẩm Bình, Hồng Thượng, Cam Phúc Nam)."""
    database = await _database(request, sqlite_templates, tmp_path, with_demo=True)
    yield database
    await database.dispose()


@pytest.fixture(scope="session", autouse=True)
def _drop_postgres_database() -> object:
    """Drop this process's PostgreSQL test database at the end of the session."""
    yield None
    if _pg_url is None or POSTGRES_URL is None:
        return

    async def drop() -> None:
        admin = Database(POSTGRES_URL)  # type: ignore[arg-type]
        async with admin.engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            name = _pg_url.rpartition("/")[2]  # type: ignore[union-attr]
            await conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        await admin.dispose()

    asyncio.run(drop())


@pytest.fixture
def clock() -> FixedClock:
    """A controllable clock: 2026-11-22 09:00 in Vietnam."""
    return FixedClock(dt.datetime(2026, 11, 22, 2, 0, tzinfo=dt.UTC))
