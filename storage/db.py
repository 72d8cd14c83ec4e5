"""Engine, sessions and migrations for SQLite (embedded) and PostgreSQL (production)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
READ_ONLY = "giamngheo_read_only"  # execution option of the reading engine (SQLite)


def async_database_url(url: str) -> str:
    """Turn a plain database URL into one with the async driver we use."""
    if url.startswith("sqlite:///"):
        return "sqlite+aiosqlite:///" + url.removeprefix("sqlite:///")
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url.removeprefix(prefix)
    return url


class Database:
    """One engine and one session factory; a session per update or job."""

    def __init__(self, url: str, echo: bool = False, transactions_at_once: int = 2) -> None:
        self.url = async_database_url(url)
        self.is_sqlite = self.url.startswith("sqlite")
        if self.is_sqlite:
            _ensure_sqlite_folder(self.url)
        options: dict[str, Any] = {"echo": echo}
        if not self.is_sqlite:
            options.update(pool_size=10, max_overflow=10, pool_pre_ping=True)
        else:
            options.update(connect_args={"timeout": 30})
        self.engine: AsyncEngine = create_async_engine(self.url, **options)
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
            event.listen(self.engine.sync_engine, "begin", _sqlite_begin)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        reader = self.engine.execution_options(
            **{READ_ONLY: True} if self.is_sqlite else {"postgresql_readonly": True})
        self.read_sessions = async_sessionmaker(reader, expire_on_commit=False)
        self._turns = asyncio.Semaphore(1 if self.is_sqlite else transactions_at_once)

    def session(self) -> AsyncSession:
        """A new session; use it as `async with db.session() as s:`."""
        return self.sessions()

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction, committed on success, rolled back on error.

        This process's transactions take turns, in arrival order. SQLite has one writer at a
        time: one turn, instead of meeting in SQLite's busy handler, whose sleeps made p99
        seconds long with 8 messages at once. PostgreSQL: two at once overlap one's database
        waits with the other's Python work; more only interleave CPU-bound handlers, so every
        message finishes late (8 questions at once: p99 159-173 ms with no limit, 84-90 ms
        with two; bench/README.md). Several processes are the way to more.
        """
        async with contextlib.AsyncExitStack() as stack:
            await stack.enter_async_context(self._turns)
            session = await stack.enter_async_context(self.sessions())
            await stack.enter_async_context(session.begin())
            yield session

    @contextlib.asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        """A session that only reads: no write lock, no turn, any write refused.

        SQLite: a deferred transaction on a connection with `query_only` set; in WAL mode it
        reads a snapshot while writers go on, so a digest composed here never makes a
        question wait. PostgreSQL: a READ ONLY transaction. No turn is taken: turns order
        writers (and CPU-bound handlers on PostgreSQL); a long read holding one would stall
        every message behind it.
        """
        async with self.read_sessions() as session:
            yield session

    async def migrate(self) -> None:
        """Apply every Alembic migration not yet applied."""
        async with self.engine.begin() as connection:
            await connection.run_sync(_upgrade)

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's config pointing at our migrations folder."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _upgrade(connection: Connection) -> None:
    command.upgrade(alembic_config(connection), "head")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # SQLAlchemy's recipe: let SQLAlchemy emit BEGIN itself (the driver's implicit BEGIN
    # breaks SAVEPOINTs), see _sqlite_begin.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    """Writers take SQLite's write lock when a transaction starts, readers never take it.

    Two deferred transactions that both read and then write deadlock ("database is locked")
    without waiting; IMMEDIATE makes writers queue on the busy timeout instead. A reading
    session's connection is set `query_only` (only when it changes: no round trip per
    transaction), so it cannot write by mistake, and begins deferred.
    """
    read_only = bool(connection.get_execution_options().get(READ_ONLY))
    info = connection.connection.info
    if info.get(READ_ONLY, False) != read_only:
        connection.exec_driver_sql(f"PRAGMA query_only={int(read_only)}")
        info[READ_ONLY] = read_only
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def _ensure_sqlite_folder(url: str) -> None:
    path = url.split(":///", 1)[1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def run(coro: Any) -> Any:
    """Run a coroutine from synchronous CLI code."""
    return asyncio.run(coro)
