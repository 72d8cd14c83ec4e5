"""Reports by village heads, decisions by officers: every flow through the neutral core."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.channels.base import ChannelRegistry
from bot.channels.intake import Intake
from handlers.router import Dispatcher
from messaging.messages import IncomingMessage, Reply
from services.decisions import pending_in_scope
from storage.db import Database
from storage.intake import Receipt
from storage.models import AuditEvent, Household, StatusChange, User
from tests.helpers import Chat, FixedClock, login, outbox


@pytest.fixture
async def people(demo_db: Database, clock: FixedClock) -> dict[str, Chat]:
    dispatcher = Dispatcher(demo_db, clock=clock)
    return {
        key: Chat(dispatcher, await login(demo_db, name))
        for key, name in (
            ("head", "Bùi Thị Minh"),
            ("officer", "Đỗ Thị Nga"),
            ("leader", "Đỗ Văn Liên"),
        )
    }


async def household(db: Database, name_key: str) -> Household:
    async with db.session() as session:
        found = await session.scalar(select(Household).where(Household.name_key == name_key))
        assert found is not None
        return found


async def changes(db: Database) -> list[StatusChange]:
    async with db.session() as session:
        return list((await session.scalars(select(StatusChange).order_by(StatusChange.id))).all())


async def test_quick_report_confirmed_counts_in_progress(
    people: dict[str, Chat], demo_db: Database
) -> None:
    head, officer, leader = people["head"], people["officer"], people["leader"]
    await head.say("hộ bà Phạm Thị Đéc thoát nghèo")
    assert "Thay đổi: Thoát nghèo hẳn." in head.text
    replies = await head.press("Xác nhận")
    assert "Đã lưu báo cáo số 1" in head.text
    notes = outbox(replies)
    assert [n.to.chat_id for n in notes if n.to] == [officer.user_id]
    assert "Phạm Thị Đéc" in notes[0].text
    [stored] = await changes(demo_db)
    assert (stored.state, stored.kind, stored.from_status, stored.to_status) == (
        "pending",
        "exit_poverty",
        "poor",
        "out",
    )
    await leader.say("Thôn Chợ thế nào?")
    assert "đã giảm 0/7" in leader.text and "Chờ xác nhận: 1 hộ thoát nghèo" in leader.text
    replies = await officer.say(button=notes[0].flat_buttons()[0].data)  # "Đồng ý"
    assert "Đã xác nhận" in officer.text
    assert [n.to.chat_id for n in outbox(replies) if n.to] == [head.user_id]
    assert "đã xác nhận" in outbox(replies)[0].text
    assert (await household(demo_db, "pham thi dec")).status == "out"
    await leader.say("Thôn Chợ thế nào?")
    assert "Hộ nghèo: đã giảm 1/7 hộ (14%)" in leader.text
    assert "Bà Phạm Thị Đéc" not in leader.text.split("chưa thoát")[1]


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("ho ong pham van thuyet thoat ngheo", "exit_poverty"),
        ("Phạm Thị Hòa thoát cận nghèo", "exit_near_poverty"),
        ("hộ Phạm Minh Phúc thoát nghèo còn cận nghèo", "exit_to_near_poor"),
        ("hộ Phạm Hùng Vinh chuyển đi", "moved_away"),
    ],
)
async def test_quick_sentences(
    people: dict[str, Chat], demo_db: Database, sentence: str, kind: str
) -> None:
    await people["head"].say(sentence)
    await people["head"].say("1")
    [stored] = await changes(demo_db)
    assert stored.kind == kind and stored.state == "pending"


async def test_impossible_change_is_explained(people: dict[str, Chat], demo_db: Database) -> None:
    head = people["head"]
    await head.say("Phạm Thị Hòa thoát nghèo")  # she is near-poor
    assert 'đang là hộ cận nghèo, không thể "Thoát nghèo hẳn"' in head.text
    assert "Thoát cận nghèo" in head.text
    await head.press("Thoát cận nghèo")
    assert "Thay đổi: Thoát cận nghèo." in head.text
    assert await changes(demo_db) == []


async def test_guided_report_with_note_and_date(
    people: dict[str, Chat], demo_db: Database, clock: FixedClock
) -> None:
    head = people["head"]
    await head.say("/baocao")
    labels = [b.label for b in head.last[0].flat_buttons()]
    assert labels[0].endswith("(nghèo)") and labels[-1] == "Thêm hộ mới"
    await head.press("Phạm Thị Gang")
    await head.press("Thoát nghèo, còn cận nghèo")
    await head.say("con đi làm công ty từ tháng 9")
    assert "Ngày: 30/09/2026" in head.text and "Ghi chú: con đi làm" in head.text
    await head.press("Sửa")  # back to the choice of change
    await head.press("Thoát nghèo, còn cận nghèo")
    await head.press("Bỏ qua")
    await head.press("Xác nhận")
    [stored] = await changes(demo_db)
    assert (stored.kind, stored.to_status) == ("exit_to_near_poor", "near_poor")
    assert (await household(demo_db, "pham thi gang")).status == "poor"  # pending


async def test_typed_answers_are_validated(people: dict[str, Chat]) -> None:
    head = people["head"]
    await head.say("/baocao")
    await head.say("gang")  # part of a name
    assert "Hộ bà Phạm Thị Gang (đang là hộ nghèo)" in head.text
    await head.say("bla bla")
    assert "bấm một lựa chọn" in head.text
    await head.say("9")
    assert "bấm một lựa chọn" in head.text


async def test_correction_of_members(people: dict[str, Chat], demo_db: Database) -> None:
    head, officer = people["head"], people["officer"]
    await head.say("/baocao")
    await head.press("Phạm Thị Đéc")
    await head.press("Sửa thông tin hộ")
    await head.press("Số khẩu")
    await head.say("không biết")
    assert "gõ một số" in head.text
    await head.say("5")
    await head.press("Bỏ qua")
    assert "Số khẩu: 4 → 5" in head.text
    await head.press("Xác nhận")
    await officer.say("/cho")
    await officer.say("1")  # "Đồng ý số 1"
    found = await household(demo_db, "pham thi dec")
    assert (found.members, found.status) == (5, "poor")


async def test_new_household_then_rejected(people: dict[str, Chat], demo_db: Database) -> None:
    head, officer = people["head"], people["officer"]
    await head.say("hộ ông Nguyễn Văn An tái nghèo")
    assert 'Không tìm thấy hộ "Ông Nguyễn Văn An" trong Thôn Chợ' in head.text
    await head.press("Thêm hộ mới")
    await head.press("Hộ nghèo")
    await head.say("0")
    assert "gõ một số" in head.text
    await head.say("3")
    await head.say("4")  # more workers than members
    assert "không lớn hơn số khẩu" in head.text
    await head.say("1")
    await head.press("gặp rủi ro")
    await head.press("Bỏ qua")
    assert "Báo cáo hộ mới: ông Nguyễn Văn An" in head.text
    await head.press("Xác nhận")
    [stored] = await changes(demo_db)
    assert (stored.kind, stored.details) == ("new_poor", {"new_household": True})
    await officer.say("/cho")
    await officer.press("Không đồng ý")
    replies = await officer.say("hộ đã có trong danh sách thôn Tô")
    assert "Lý do: hộ đã có trong danh sách thôn Tô" in outbox(replies)[0].text
    [stored] = await changes(demo_db)
    assert (stored.state, stored.reason) == ("rejected", "hộ đã có trong danh sách thôn Tô")
    assert (await household(demo_db, "nguyen van an")).status == "out"


async def test_undo_and_pending_duplicate(people: dict[str, Chat], demo_db: Database) -> None:
    head, officer = people["head"], people["officer"]
    await head.say("hộ bà Phạm Thị Đéc thoát nghèo")
    await head.press("Xác nhận")
    await head.say("Phạm Thị Đéc thoát nghèo còn cận nghèo")
    assert "đã có báo cáo số 1 đang chờ" in head.text
    await head.press("Hoàn tác")
    assert "Anh/chị chắc chắn muốn hoàn tác báo cáo số 1?" in head.text
    await head.say("1")  # the habitual "1" keeps the report
    assert "vẫn được giữ" in head.text and (await changes(demo_db))[0].state == "pending"
    await head.say("Phạm Thị Đéc thoát nghèo còn cận nghèo")
    await head.press("Hoàn tác")
    await head.press("Đúng, hoàn tác")
    assert "Đã hoàn tác báo cáo số 1" in head.text
    await officer.say(button="ok:1")
    assert "đã được xử lý trước đó (đã hoàn tác)" in officer.text
    assert [c.state for c in await changes(demo_db)] == ["withdrawn"]
    assert (await household(demo_db, "pham thi dec")).status == "poor"


async def test_head_cannot_report_other_village(people: dict[str, Chat], demo_db: Database) -> None:
    await people["head"].say("hộ bà Trương Thị Thanh thoát nghèo")  # Thôn Tô
    assert "không thuộc thôn anh/chị phụ trách" in people["head"].text
    assert await changes(demo_db) == []


async def test_reports_only_in_private_chats(demo_db: Database, clock: FixedClock) -> None:
    group = Chat(
        Dispatcher(demo_db, clock=clock), await login(demo_db, "Bùi Thị Minh"), private=False
    )
    await group.say("hộ bà Phạm Thị Đéc thoát nghèo")
    assert "chỉ nhận trong tin nhắn riêng" in group.text


class Stored:
    """The channel side of the durable intake for the test channel: replies collected."""

    name = "test"

    def __init__(self, chat: Chat) -> None:
        self.chat, self.sent = chat, list[Reply]()

    def read(self, payload: dict[str, Any]) -> IncomingMessage:
        """A stored update as the chat's message."""
        return IncomingMessage("test", self.chat.chat_id, self.chat.user_id,
                               text=payload["text"])

    async def answer(self, update: IncomingMessage,
                     receipt: Receipt) -> tuple[str, list[Reply]] | None:
        """Handled with the replies kept in the update's transaction."""
        return update.chat_id, await self.chat.dispatcher.handle(update, receipt)

    async def send(self, chat_id: str, reply: Reply) -> None:
        """Collected."""
        self.sent.append(reply)


async def test_a_redelivered_update_is_applied_once_and_the_drop_logged(
        people: dict[str, Chat], demo_db: Database, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bot.channels.intake")
    head = people["head"]
    await head.say("hộ bà Phạm Thị Đéc thoát nghèo")
    intake, channel = Intake(demo_db, "test", "bot-1"), Stored(head)
    intake.start(channel, ChannelRegistry())
    try:
        for _ in range(2):  # delivered again after it was answered: one dedupe, the intake's
            await intake.store([("same-update", {"text": "1"})])
            await intake.settle()
    finally:
        await intake.stop()
    assert len(channel.sent) == 1 and "Đã lưu báo cáo số" in channel.sent[0].text
    assert len(await changes(demo_db)) == 1
    drops = [r.getMessage() for r in caplog.records if "duplicate dropped" in r.getMessage()]
    assert drops == ["intake duplicate dropped channel=test bot=bot-1 update=same-update"]


async def test_two_deciders_at_once_count_once(people: dict[str, Chat], demo_db: Database) -> None:
    await people["head"].say("hộ bà Phạm Thị Đéc thoát nghèo")
    await people["head"].press("Xác nhận")
    results = await asyncio.gather(
        people["officer"].say(button="ok:1"), people["leader"].say(button="ok:1")
    )
    texts = [r[0].text for r in results]
    assert sum("Đã xác nhận" in t for t in texts) == 1
    assert sum("đã được xử lý trước đó" in t for t in texts) == 1
    async with demo_db.session() as session:
        confirmations = await session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "report.confirmed")
        )
    assert confirmations == 1


async def test_flow_survives_a_restart(demo_db: Database, clock: FixedClock) -> None:
    account = await login(demo_db, "Bùi Thị Minh")
    before = Chat(Dispatcher(demo_db, clock=clock), account)
    await before.say("/baocao")
    await before.press("Phạm Thị Đéc")
    restarted = Database(demo_db.url)  # a new process: nothing in memory survives
    after = Chat(Dispatcher(restarted, clock=clock), account)
    await after.say("2")  # second choice of the change menu shown before the restart
    assert "Ghi chú thêm" in after.text
    await after.press("Bỏ qua")
    await after.say("ok")
    assert "Đã lưu báo cáo" in after.text
    await restarted.dispose()


async def test_cancel_leaves_saved_reports(people: dict[str, Chat], demo_db: Database) -> None:
    head = people["head"]
    await head.say("hộ bà Phạm Thị Đéc thoát nghèo")
    await head.press("Xác nhận")
    await head.say("/baocao")
    await head.say("/huy")
    assert "Đã hủy" in head.text
    assert len(await changes(demo_db)) == 1


async def test_audit_records_who_and_channel(people: dict[str, Chat], demo_db: Database) -> None:
    await people["head"].say("hộ bà Phạm Thị Đéc thoát nghèo")
    await people["head"].press("Xác nhận")
    await people["officer"].say(button="ok:1")
    async with demo_db.session() as session:
        events = (
            await session.scalars(
                select(AuditEvent).where(AuditEvent.channel == "test").order_by(AuditEvent.id)
            )
        ).all()
    actions = [e.action for e in events if e.action != "identity.link"]
    assert actions == ["report.create", "notice.queue", "household.update", "report.confirmed",
                       "notice.queue"]  # who was told: the officer, then the head
    update = events[[e.action for e in events].index("household.update")]
    assert update.before is not None and update.before["status"] == "poor"
    assert update.after is not None and update.after["status"] == "out"


async def test_report_date_is_vietnam_today(demo_db: Database) -> None:
    late_evening_utc = FixedClock(dt.datetime(2026, 11, 21, 18, 30, tzinfo=dt.UTC))
    head = Chat(Dispatcher(demo_db, clock=late_evening_utc), await login(demo_db, "Bùi Thị Minh"))
    await head.say("hộ bà Phạm Thị Đéc thoát nghèo")
    assert "Ngày: 22/11/2026" in head.text  # 01:30 on the 22nd in Hà Nội


async def test_forged_village_button_shows_no_other_village(people: dict[str, Chat],
                                                           demo_db: Database) -> None:
    to_id = (await household(demo_db, "truong thi thanh")).village_id  # Thôn Tô
    head = people["head"]
    await head.say(button=f"rv:{to_id}")
    shown = head.text + " ".join(b.label for r in head.last for b in r.flat_buttons())
    assert "Trương Thị Thanh" not in shown and "Thôn Tô" not in shown


async def test_control_characters_are_dropped_not_fatal(people: dict[str, Chat],
                                                        demo_db: Database) -> None:
    head = people["head"]
    await head.say("/baocao")
    await head.press("Phạm Thị Đéc")
    await head.press("Thoát nghèo hẳn")
    await head.say("có\x00 việc\x07 làm " + "x" * 6000)
    await head.press("Xác nhận")
    assert "Đã lưu báo cáo" in head.text
    [stored] = await changes(demo_db)
    assert stored.note is not None and stored.note.startswith("có việc làm x")
    assert len(stored.note) <= 500
    await head.say("hộ ông " + "Nguyễn " * 60 + "tái nghèo")
    await head.press("Thêm hộ mới")
    assert "gõ tên chủ hộ" in head.text  # too long to be a name: asked again


async def test_pending_list_counts_all_and_loads_only_the_oldest(
    people: dict[str, Chat], demo_db: Database
) -> None:
    """/cho and digests load a few reports, however many wait; the count covers them all."""
    async with demo_db.session() as session:
        village = (await household(demo_db, "pham thi dec")).village_id
        rows = (await session.execute(select(Household.head_name, Household.status).where(
            Household.village_id == village, Household.status.in_(["poor", "near_poor"]))
            .order_by(Household.id))).all()
    names = [name for name, _ in rows]
    for name, status in rows:
        change = "thoát nghèo" if status == "poor" else "thoát cận nghèo"
        await people["head"].say(f"hộ {name} {change}")
        await people["head"].say("1")
    async with demo_db.session() as session:
        officer = await session.scalar(select(User).where(User.name == "Đỗ Thị Nga"))
        assert officer is not None
        pending = await pending_in_scope(session, officer, shown=3)
    assert pending.count == len(names) == 10
    assert [c.id for c in pending.oldest] == [1, 2, 3]
    await people["officer"].say("/cho")
    assert people["officer"].text.startswith("Có 10 báo cáo đang chờ xác nhận:")
    assert people["officer"].text.count("Báo cáo số") == 10


async def test_a_long_photo_link_is_kept_with_the_report(
    people: dict[str, Chat], demo_db: Database
) -> None:
    """Zalo sends photos as links, some longer than 300 characters."""
    link = "https://photo.zalo.me/" + "a1b2c3" * 200
    head = people["head"]
    await head.say("/baocao")
    await head.press("Phạm Thị Gang")
    await head.press("Thoát nghèo, còn cận nghèo")
    await head.say("", photo=link)
    await head.press("Xác nhận")
    [stored] = await changes(demo_db)
    assert stored.evidence == link
