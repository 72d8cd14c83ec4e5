"""A new household's steps: a stale button or "Sửa" never brings a half-filled one to a summary.

Found by tests/test_fuzz_messages.py (a jinja2 UndefinedError in report_summary.j2): a
household button pressed while a new household was being filled in kept the half-filled
household in the flow, and the summary then showed it as a new one without its fields.
"""

from __future__ import annotations

from sqlalchemy import select

from handlers.router import Dispatcher
from storage import conversations
from storage.db import Database
from storage.models import Household, StatusChange, Unit
from tests.helpers import Chat, FixedClock, login


async def head_chat(db: Database, clock: FixedClock) -> Chat:
    return Chat(Dispatcher(db, clock=clock), await login(db, "Bùi Thị Minh"))


async def household_id(db: Database, name_key: str) -> int:
    async with db.session() as session:
        found = await session.scalar(select(Household.id).where(Household.name_key == name_key))
        assert found is not None
        return found


async def stored(db: Database) -> list[tuple[str, str]]:
    async with db.session() as session:
        rows = await session.execute(select(Household.head_name, StatusChange.kind).join(
            Household, Household.id == StatusChange.household_id).order_by(StatusChange.id))
        return [(name, kind) for name, kind in rows.all()]


async def test_a_household_button_during_a_new_household_drops_the_new_one(
    demo_db: Database, clock: FixedClock
) -> None:
    head = await head_chat(demo_db, clock)
    await head.say("hộ ông Nguyễn Văn An tái nghèo")
    await head.press("Thêm hộ mới")
    await head.press("Hộ nghèo")
    assert "khẩu" in head.text  # the new household's members are asked
    dec = await household_id(demo_db, "pham thi dec")
    await head.say(button=f"rh:{dec}")  # an earlier list's button, pressed now
    assert "Xin lỗi" not in head.text
    assert "Báo cáo hộ mới" not in head.text
    await head.press("Thoát nghèo hẳn")
    assert "Báo cáo: hộ bà Phạm Thị Đéc" in head.text
    assert "hộ mới" not in head.text and "Nguyễn Văn An" not in head.text
    await head.press("Xác nhận")
    assert await stored(demo_db) == [("Phạm Thị Đéc", "exit_poverty")]


async def test_edit_of_a_new_household_then_a_household_button(
    demo_db: Database, clock: FixedClock
) -> None:
    head = await head_chat(demo_db, clock)
    await head.say("/baocao")
    await head.press("Thêm hộ mới")
    await head.say("Lò Văn Pọm")
    await head.press("Hộ cận nghèo")
    for answer in ("4", "2", "thiếu vốn", "Bỏ qua"):
        await head.say(answer)
    assert "Báo cáo hộ mới: Lò Văn Pọm" in head.text
    await head.press("Sửa")  # the name is asked again; the old answers wait to be replaced
    dec = await household_id(demo_db, "pham thi dec")
    await head.say(button=f"rh:{dec}")
    assert "Xin lỗi" not in head.text and "hộ mới" not in head.text
    await head.press("Thoát nghèo hẳn")
    await head.press("Bỏ qua")
    assert "Báo cáo: hộ bà Phạm Thị Đéc" in head.text and "Lò Văn Pọm" not in head.text


async def keep_flow(db: Database, chat: Chat, step: str, data: dict[str, object]) -> None:
    """A flow as stored before this fix: a half-filled new household past its steps."""
    async with db.transaction() as session:
        conversation = await conversations.load(session, "test", chat.chat_id, chat.user_id)
        conversations.save(conversation, step, data)


async def test_a_stored_half_filled_new_household_is_asked_not_summed_up(
    demo_db: Database, clock: FixedClock
) -> None:
    head = await head_chat(demo_db, clock)
    half = {"village_id": await _village_id(demo_db), "happened_on": "2026-11-20",
            "new": {"name": "Lò Văn Pọm", "title": None, "status": "poor"}}
    await keep_flow(demo_db, head, "note", half)
    await head.say(button="skip:")
    assert head.text == "Hộ có bao nhiêu khẩu?"
    await keep_flow(demo_db, head, "confirm", half)
    await head.say(button="cf:yes")
    assert head.text == "Hộ có bao nhiêu khẩu?"
    await keep_flow(demo_db, head, "draft_open", half | {"after": ""})
    await head.say(button="dk:send")
    assert head.text == "Hộ có bao nhiêu khẩu?"
    for answer in ("3", "1", "thiếu vốn", "Bỏ qua"):
        await head.say(answer)
    assert "Báo cáo hộ mới: Lò Văn Pọm" in head.text and "3 khẩu, 1 lao động" in head.text
    assert await stored(demo_db) == []


async def _village_id(db: Database) -> int:
    async with db.session() as session:
        found = await session.scalar(select(Unit.id).where(Unit.name == "Thôn Chợ"))
        assert found is not None
        return found


async def test_a_summary_the_household_outgrew_is_explained_on_confirm(
    demo_db: Database, clock: FixedClock
) -> None:
    """Found by the same fuzz test: the household's status changed between the summary and
    Xác nhận (another report decided meanwhile); the refusal names the status and change."""
    head = await head_chat(demo_db, clock)
    await head.say("hộ bà Phạm Thị Đéc thoát nghèo")
    assert "Thay đổi: Thoát nghèo hẳn." in head.text
    async with demo_db.transaction() as session:
        dec = await session.get(Household, await household_id(demo_db, "pham thi dec"))
        assert dec is not None
        dec.status = "out"
    await head.press("Xác nhận")
    assert "Xin lỗi" not in head.text
    assert 'Hộ Phạm Thị Đéc đang là hộ' in head.text and 'không thể "Thoát nghèo hẳn"' in head.text
    assert await stored(demo_db) == []


async def test_a_forged_confirm_value_sends_nothing(demo_db: Database, clock: FixedClock) -> None:
    head = await head_chat(demo_db, clock)
    await head.say("hộ bà Phạm Thị Đéc thoát nghèo")
    await head.say(button="cf:ok")
    assert "Đã lưu" not in head.text and "Xác nhận" in head.text  # the summary's hint
    assert await stored(demo_db) == []
    await head.say("1")  # the summary's own Xác nhận, by its number
    assert await stored(demo_db) == [("Phạm Thị Đéc", "exit_poverty")]
