"""Digests never make people wait: composing only reads, outside any write transaction, and
charts and spreadsheets are built in a worker process.

By ordering, not timing: a digest held in the middle of its composition while a question
and a report are handled to the end.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.schedule import SendKind
from messaging.messages import Reply
from services import deliveries
from services.digests import Occasion
from services.recipients import Recipient
from services.workshop import Workshop
from storage.db import Database
from storage.models import Unit
from tests.delivery_fakes import Process, vn
from tests.helpers import Chat, FixedClock, login

T = TypeVar("T")


class HeldWorkshop(Workshop):
    """The real process pool, every build held until the test lets it go."""

    def __init__(self) -> None:
        super().__init__(workers=1)
        self.building, self.release = asyncio.Event(), asyncio.Event()
        self.built: list[str] = []

    async def build(self, make: Callable[..., T], *args: Any) -> T:
        """Say a build is due, wait to be let go, then build in the worker."""
        self.building.set()
        await self.release.wait()
        result = await super().build(make, *args)
        self.built.append(make.__name__)
        return result


@pytest.fixture
async def proc(demo_db: Database) -> AsyncIterator[Process]:
    """One bot process; the commune leader and a village head linked on its channel."""
    for chat, name in {"leader": "Đỗ Văn Liên", "head": "Bùi Thị Minh"}.items():
        await login(demo_db, name, chat, channel="telegram")
    process = Process(demo_db.url, "p1")
    yield process
    await process.close()


async def test_a_question_is_answered_while_a_digest_is_composed(
        proc: Process, monkeypatch: pytest.MonkeyPatch) -> None:
    composing, release = asyncio.Event(), asyncio.Event()
    real = deliveries.COMPOSERS[SendKind.LEADER_DIGEST]

    async def held(session: AsyncSession, occasion: Occasion,
                   recipient: Recipient) -> list[Reply] | None:
        replies = await real(session, occasion, recipient)  # read, its session still open
        composing.set()
        await release.wait()
        return replies

    monkeypatch.setitem(deliveries.COMPOSERS, SendKind.LEADER_DIGEST, held)
    digests = asyncio.create_task(proc.tick(FixedClock(vn(2024, 10, 1, 8))))
    await composing.wait()
    leader = Chat(proc.app.dispatcher, "leader", channel="telegram")
    await leader.say("Thôn Chợ thế nào?")
    head = Chat(proc.app.dispatcher, "head", channel="telegram")
    await head.say("hộ bà Phạm Thị Đéc thoát nghèo")
    held_meanwhile = not digests.done()
    release.set()
    run = await digests
    assert held_meanwhile
    assert "Hộ nghèo: đã giảm 0/7 hộ" in leader.text
    assert "Phạm Thị Đéc" in head.text and head.last[0].buttons  # the summary to confirm
    assert run.results["sent"] >= 1
    assert proc.channel.to("leader")[-1].text.startswith("Xã Cẩm Bình – quý 3/2024")


async def test_a_reading_session_lets_writers_commit_and_cannot_write(demo_db: Database) -> None:
    async with demo_db.reading() as reading:
        before = await reading.scalar(select(Unit.name).where(Unit.name == "Thôn Chợ").limit(1))
        async with demo_db.transaction() as writing:  # SQLite: would wait for the reader's lock
            await writing.execute(update(Unit).where(Unit.name == "Thôn Tô")
                                  .values(name="Thôn Tô Mới"))
        with pytest.raises(Exception, match=r"(?i)read.?only"):
            await reading.execute(update(Unit).where(Unit.name == "Thôn Chợ")
                                  .values(name="Thôn Chợ Mới"))
    assert before == "Thôn Chợ"
    async with demo_db.reading() as reading:
        names = set((await reading.scalars(select(Unit.name))).all())
    assert "Thôn Tô Mới" in names and "Thôn Chợ" in names


async def test_a_question_is_answered_while_a_chart_waits_for_its_worker(proc: Process) -> None:
    workshop = HeldWorkshop()
    proc.app.workshop = workshop
    try:
        digests = asyncio.create_task(proc.tick(FixedClock(vn(2024, 10, 1, 8))))
        await workshop.building.wait()
        leader = Chat(proc.app.dispatcher, "leader", channel="telegram")
        await leader.say("Cẩm Bình đến đâu rồi")
        held_meanwhile = not digests.done()
        workshop.release.set()
        await digests
    finally:
        workshop.close()
    assert held_meanwhile and "Xã Cẩm Bình" in leader.text
    assert workshop.built == ["village_chart", "summary_workbook"]
    digest = proc.channel.to("leader")[-1]
    assert digest.image and digest.image.startswith(b"\x89PNG")
    assert digest.document and digest.document[1].startswith(b"PK")  # XLSX is a zip


async def test_builds_run_in_another_process_until_closed() -> None:
    workshop = Workshop(workers=1)
    try:
        worker = await workshop.build(os.getpid)
        assert worker != os.getpid()
        assert await workshop.build(os.getpid) == worker  # the same worker, kept warm
    finally:
        workshop.close()
    with pytest.raises(ProcessLookupError):
        os.kill(worker, 0)  # stopped and reaped
