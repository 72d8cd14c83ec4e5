"""An unsent report summary is never dropped silently; a removed note takes its date along."""

from __future__ import annotations

from sqlalchemy import select

from handlers.router import Dispatcher
from storage.db import Database
from storage.models import Household, StatusChange
from tests.helpers import Chat, FixedClock, login


async def reported(db: Database) -> list[tuple[str, str]]:
    async with db.session() as session:
        rows = await session.execute(select(Household.head_name, StatusChange.kind).join(
            Household, Household.id == StatusChange.household_id).order_by(StatusChange.id))
        return [(name, kind) for name, kind in rows.all()]


async def head_chat(db: Database, clock: FixedClock) -> Chat:
    return Chat(Dispatcher(db, clock=clock), await login(db, "Bùi Thị Minh"))


async def test_an_open_summary_is_sent_before_the_next_report(
    demo_db: Database, clock: FixedClock
) -> None:
    head = await head_chat(demo_db, clock)
    await head.say("hộ Phạm Thị Gang thoát nghèo còn cận nghèo")
    assert "Xác nhận" in [b.label for r in head.last for b in r.flat_buttons()]
    head = await head_chat(demo_db, clock)  # a restart: the draft is in the database
    await head.say("Phạm Thị Hòa thoát cận nghèo tháng 8")
    assert "Anh/chị còn 1 báo cáo chưa gửi: hộ bà Phạm Thị Gang – Thoát nghèo, còn cận nghèo" \
        in head.text
    assert [b.label for r in head.last for b in r.flat_buttons()] == ["Gửi", "Bỏ"]
    assert await reported(demo_db) == []
    await head.say("1")  # Gửi
    assert "Đã lưu báo cáo số 1" in head.text and "Phạm Thị Hòa" in head.text
    assert "Ngày: 31/08/2026" in head.text
    await head.say("1")  # the number answers the summary now shown, not an undo above it
    assert await reported(demo_db) == [("Phạm Thị Gang", "exit_to_near_poor"),
                                       ("Phạm Thị Hòa", "exit_near_poverty")]


async def test_an_open_summary_is_dropped_only_when_the_head_says_so(
    demo_db: Database, clock: FixedClock
) -> None:
    head = await head_chat(demo_db, clock)
    await head.say("hộ Phạm Thị Gang thoát nghèo còn cận nghèo")
    await head.say("/baocao")
    assert "còn 1 báo cáo chưa gửi" in head.text
    await head.press("Bỏ")
    assert "Đã bỏ báo cáo chưa gửi" in head.text
    assert "Thêm hộ mới" in [b.label for r in head.last for b in r.flat_buttons()]
    assert await reported(demo_db) == []


async def test_a_removed_note_takes_its_date_along(demo_db: Database, clock: FixedClock) -> None:
    head = await head_chat(demo_db, clock)
    await head.say("/baocao")
    await head.press("Phạm Thị Gang")
    await head.press("Thoát nghèo, còn cận nghèo")
    await head.say("con đi làm công ty từ tháng 10")
    assert "Ngày: 31/10/2026" in head.text
    await head.press("Sửa")
    await head.press("Thoát nghèo, còn cận nghèo")
    await head.press("Bỏ qua")
    assert "Ngày: 22/11/2026" in head.text and "Ghi chú" not in head.text
