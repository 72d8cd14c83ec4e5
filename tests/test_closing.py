"""The commune leader approves a period's figures in chat: a summary, a confirm, audited."""

from __future__ import annotations

from sqlalchemy import select

from handlers.router import Dispatcher
from storage.db import Database
from storage.models import AuditEvent, PeriodClose
from tests.helpers import Chat, FixedClock, login


async def test_the_leader_approves_a_quarter_after_a_summary(
        demo_db: Database, clock: FixedClock) -> None:
    dispatcher = Dispatcher(demo_db, clock=clock)
    head = Chat(dispatcher, await login(demo_db, "Bùi Thị Minh"))
    officer = Chat(dispatcher, await login(demo_db, "Đỗ Thị Nga"))
    leader = Chat(dispatcher, await login(demo_db, "Đỗ Văn Liên"))
    await head.say("hộ bà Phạm Thị Đéc thoát nghèo ngày 20/9/2024")
    await head.say("1")
    await officer.say(button="ok:1")
    await leader.say("Duyệt số liệu quý 3/2024")
    assert "Duyệt số liệu quý 3/2024 của Xã Cẩm Bình" in leader.text
    assert "Báo cáo đã xác nhận: 1." in leader.text and "chờ xác nhận: 0." in leader.text
    async with demo_db.session() as session:  # nothing closed before the confirm
        assert await session.scalar(select(PeriodClose)) is None
    await leader.say("1")
    assert "Đã chốt số liệu quý 3/2024 của Xã Cẩm Bình" in leader.text
    async with demo_db.session() as session:
        closed = await session.scalar(select(PeriodClose))
        event = await session.scalar(select(AuditEvent).where(AuditEvent.action == "period.close"))
    assert closed is not None and closed.period == "2024-Q3"
    assert event is not None and event.channel == "test" and event.actor_id == closed.closed_by
    await officer.say("hủy xác nhận báo cáo số 1")
    assert "đã chốt" in officer.text
    await leader.say("duyet so lieu quy 3/2024")
    assert "đã chốt ngày" in leader.text


async def test_only_a_leader_closes_and_only_after_the_confirm(
        demo_db: Database, clock: FixedClock) -> None:
    dispatcher = Dispatcher(demo_db, clock=clock)
    officer = Chat(dispatcher, await login(demo_db, "Đỗ Thị Nga"))
    await officer.say("Duyệt số liệu quý 3/2024")
    assert "Chỉ lãnh đạo xã duyệt" in officer.text
    leader = Chat(dispatcher, await login(demo_db, "Đỗ Văn Liên"))
    await leader.say("chốt số liệu")
    assert "Duyệt số liệu kỳ nào?" in leader.text
    await leader.say("Duyệt số liệu quý 3/2024")
    await leader.say("2")
    assert "Chưa chốt số liệu" in leader.text
    await officer.say(button=f"pc:{1}:2024-Q3")  # a forged button from someone who may not
    async with demo_db.session() as session:
        assert await session.scalar(select(PeriodClose)) is None
