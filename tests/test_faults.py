"""Faults, bounded in time: the bot killed mid-burst, the database briefly unreachable."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from pathlib import Path

from sqlalchemy import func, select

from domain.statuses import ReportState, Status
from handlers.router import Dispatcher
from messaging.render import render
from storage.db import Database
from storage.models import Household, StatusChange, Unit
from tests.helpers import Chat, FixedClock, login

HEAD = "Bùi Thị Minh"  # village head of Thôn Chợ (Cẩm Bình)
SAVED = re.compile(r"Đã lưu báo cáo số (\d+)")
KILL_AFTER = 4  # acknowledgements seen before the kill


async def _burst(db: Database) -> tuple[str, dict[str, int]]:
    """Report lines for every poor / near-poor household of Thôn Chợ, and their ids by name."""
    async with db.session() as session:
        rows = (await session.execute(
            select(Household.head_name, Household.id, Household.status)
            .join(Unit, Unit.id == Household.village_id)
            .where(Unit.name == "Thôn Chợ",
                   Household.status.in_([Status.POOR.value, Status.NEAR_POOR.value]))
            .order_by(Household.id))).all()
    # Confirm by label: after a restart an already-saved report is answered "already pending"
    # with a single Hoàn tác (undo) button, which a bare "1" would press.
    lines = [f"hộ {name} {'thoát nghèo' if status == 'poor' else 'thoát cận nghèo'}\nXác nhận\n"
             for name, _, status in rows]
    return "".join(lines), {name: hid for name, hid, _ in rows}


async def _console(db: Database, script: str, kill_after: int | None) -> list[int]:
    """Run `giamngheo chat --as HEAD` fed `script`; SIGKILL it after `kill_after` acks."""
    env = os.environ | {"DATABASE_URL": db.url, "PYTHONUNBUFFERED": "1", "LOG_LEVEL": "ERROR"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "chat", "--as", HEAD, env=env, cwd=Path(__file__).parents[1],
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(script.encode())
    await process.stdin.drain()
    process.stdin.close()
    acknowledged: list[int] = []
    async for line in process.stdout:
        if match := SAVED.search(line.decode()):
            acknowledged.append(int(match.group(1)))
            if kill_after is not None and len(acknowledged) >= kill_after:
                process.kill()  # SIGKILL: no cleanup, mid-burst
                break
    await process.wait()
    return acknowledged


async def test_kill_during_burst_keeps_every_acknowledged_report_once(demo_db: Database) -> None:
    """Every report the head was told was saved is stored; a rerun stores no report twice."""
    script, households = await _burst(demo_db)
    async with asyncio.timeout(90):
        first = await _console(demo_db, script, KILL_AFTER)
        second = await _console(demo_db, script, None)  # restart: the whole burst again
    assert len(first) == KILL_AFTER
    async with demo_db.session() as session:
        stored = {c.id: c for c in (await session.scalars(
            select(StatusChange).where(StatusChange.household_id.in_(households.values()))))}
        per_household = (await session.execute(
            select(StatusChange.household_id, func.count())
            .where(StatusChange.state != ReportState.WITHDRAWN.value)
            .group_by(StatusChange.household_id))).all()
    assert all(stored[n].state == ReportState.PENDING.value for n in first + second)
    assert all(count == 1 for _, count in per_household), per_household
    assert {c.household_id for c in stored.values()} == set(households.values())
    assert not set(first) & set(second)


class Proxy:
    """A TCP relay to PostgreSQL that can be cut and restored, like a network outage."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target, self.port = target, 0
        self.server: asyncio.Server | None = None
        self.writers: list[asyncio.StreamWriter] = []

    async def start(self, receive: bool = True) -> None:
        """Listen (again) on the same port."""
        self.server = await asyncio.start_server(self._relay, "127.0.0.1", self.port,
                                                 reuse_address=True)
        self.port = self.server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        """Stop listening and drop every open connection."""
        assert self.server is not None
        self.server.close()
        for writer in self.writers:
            writer.transport.abort()
        self.writers.clear()
        await self.server.wait_closed()

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(*self.target)
        self.writers += [writer, up_writer]
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer),
                             return_exceptions=True)


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while data := await reader.read(65536):
        writer.write(data)
        await writer.drain()
    writer.close()


def _unreadable(path: Path) -> Path:
    """Move the SQLite file away and leave garbage in its place."""
    away = path.with_suffix(".away")
    path.rename(away)
    path.write_bytes(b"this is not a database " * 100)
    return away


async def test_database_outage_asks_to_retry_then_recovers(
    demo_db: Database, clock: FixedClock
) -> None:
    """While the database is unreachable the bot says 'try again shortly'; then it answers."""
    proxy: Proxy | None = None
    db = demo_db
    if not demo_db.is_sqlite:
        host_port = re.search(r"@([^:/]+):(\d+)/", demo_db.url)
        assert host_port is not None
        proxy = Proxy((host_port.group(1), int(host_port.group(2))))
        await proxy.start()
        db = Database(demo_db.url.replace(host_port.group(0), f"@127.0.0.1:{proxy.port}/"))
    chat = Chat(Dispatcher(db, clock=clock), await login(db, "Đỗ Văn Liên"))
    async with asyncio.timeout(30):
        await chat.say("Thôn Chợ thế nào?")
        assert "Thôn Chợ" in chat.text
        path = Path(db.url.split(":///", 1)[1]) if db.is_sqlite else None
        if proxy is not None:
            await proxy.cut()
        else:
            assert path is not None
            await db.engine.dispose()
            away = _unreadable(path)
        await chat.say("Thôn Chợ thế nào?")
        assert chat.text == render("internal_error")
        if proxy is not None:
            await proxy.start()
        else:
            assert path is not None
            await db.engine.dispose()
            away.replace(path)
        await chat.say("Thôn Chợ thế nào?")
        assert "Thôn Chợ" in chat.text and "Hộ nghèo" in chat.text
    if proxy is not None:
        await db.dispose()
        await proxy.cut()
