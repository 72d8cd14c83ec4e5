"""Approval and lock (issue 15.4), end to end through the Dispatcher and the scheduler with a
fixed clock: refused before the deadline, the summary and 'Duyệt số liệu quý 3/2024' after
it, a report dated in the locked period refused (its summary kept) and sent to the
correction request, the lock in answers and the area digest, the admin's unlock (audited)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from domain.periods import parse_period
from handlers.router import Dispatcher
from services.closures import open_period
from storage.db import Database
from storage.models import AuditEvent, PeriodClose, Unit
from tests.delivery_fakes import Process, report_exit, vn
from tests.helpers import Chat, FixedClock, login
from tests.test_digests import add_area_officer

PEOPLE = {"head": "Bùi Thị Minh", "officer": "Đỗ Thị Nga", "leader": "Đỗ Văn Liên",
          "district": "Lê Văn Huyện"}


@pytest.fixture
async def proc(demo_db: Database) -> AsyncIterator[Process]:
    """Thôn Chợ's people, the commune leader and a district officer on (fake) Telegram."""
    await add_area_officer(demo_db, "Lê Văn Huyện", "district_officer", "Huyện Cẩm Thủy")
    for chat, name in PEOPLE.items():
        await login(demo_db, name, chat, channel="telegram")
    await report_exit(demo_db, "pham thi dec", dt.date(2024, 9, 5), confirm=True,
                      at=vn(2024, 9, 6, 9))
    process = Process(demo_db.url, "p1")
    yield process
    await process.close()


def chat(proc: Process, clock: FixedClock, who: str) -> Chat:
    """The private Telegram chat of one of PEOPLE."""
    return Chat(Dispatcher(proc.db, clock=clock), who, channel="telegram")


async def test_approve_lock_refuse_and_unlock(proc: Process) -> None:
    clock = FixedClock(vn(2024, 9, 25, 9))
    leader, head = chat(proc, clock, "leader"), chat(proc, clock, "head")
    await leader.say("Duyệt số liệu quý 3/2024")
    assert leader.text.startswith("Chưa duyệt được số liệu quý 3/2024 của Xã Cẩm Bình: hạn báo "
                                  "cáo là 30/09/2024")
    clock.moment = vn(2024, 10, 2, 9)
    officer = chat(proc, clock, "officer")
    await officer.say("Duyệt số liệu quý 3/2024")
    assert officer.text == "Chỉ lãnh đạo xã duyệt số liệu của xã."
    await leader.say("duyet so lieu quy 3/2024")
    lines = leader.text.splitlines()
    assert lines[0] == "Xã Cẩm Bình – số liệu quý 3/2024 (đến 30/09/2024), trình duyệt:"
    assert lines[1] == "Giảm nghèo: 1/23 – chậm tiến độ; giảm cận nghèo: 0/35 – chậm tiến độ."
    assert lines[2].startswith("Báo cáo quý 3/2024 (hạn 30/09/2024): 1/11 thôn đã báo cáo;")
    await leader.say("1")  # the button's number
    assert leader.text.startswith("Đã duyệt và khóa số liệu quý 3/2024 của Xã Cẩm Bình.")
    await leader.say("Duyệt số liệu quý 3/2024")
    assert "đã duyệt và khóa ngày 02/10/2024" in leader.text

    await head.say("hộ bà Phạm Thị Gang thoát nghèo ngày 20/9")
    await head.press("Xác nhận")
    assert head.text.startswith("Số liệu quý 3/2024 đã được lãnh đạo xã duyệt và khóa ngày "
                                "02/10/2024: không nhận báo cáo mới cho ngày 20/09/2024.")
    assert '"sửa báo cáo số …"' in head.text
    await head.say("2")  # the summary is kept: Sửa
    assert head.text == "Hộ bà Phạm Thị Gang (đang là hộ nghèo). Có thay đổi gì?"
    await head.say("/huy")
    await head.say("sửa báo cáo số 1")  # the confirmed exit of bà Đéc: the correction request
    assert "lý do" in head.text.lower()
    await head.say("/huy")
    await leader.say("thôn nào chưa báo cáo quý 3/2024")
    assert "Số liệu quý 3/2024 đã chốt ngày 02/10/2024" in leader.text

    await proc.tick(FixedClock(vn(2024, 10, 2, 10)))  # digests caught up after the approval
    district = proc.channel.to("district")[-1].text
    assert "Đã duyệt số liệu: 1/1 xã (Xã Cẩm Bình)." in district
    assert "Số liệu quý 3/2024 đã chốt ngày 02/10/2024" in proc.channel.to("leader")[-1].text

    async with proc.db.session() as session, session.begin():
        commune = await session.scalar(select(Unit).where(Unit.name == "Xã Cẩm Bình"))
        assert commune is not None
        assert await open_period(session, commune.id, parse_period("2024-Q3"), "nhập nhầm",
                                 clock.moment) is not None
    async with proc.db.session() as session:
        assert await session.get(PeriodClose, (commune.id, "2024-Q3")) is None
        actions = (await session.scalars(select(AuditEvent.action).where(
            AuditEvent.entity == "unit", AuditEvent.entity_id == commune.id))).all()
    assert "period.close" in actions and "period.open" in actions
    await head.say("hộ bà Phạm Thị Gang thoát nghèo ngày 20/9")
    await head.press("Xác nhận")
    assert head.text.startswith("Đã lưu báo cáo số")  # unlocked: taken again
