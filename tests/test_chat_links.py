"""Codes only in private chats, relinking asks first, sends go to private chats only."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from alembic import command
from sqlalchemy import Connection, select, text

from handlers.router import Dispatcher
from services.onboarding import create_invite
from services.recipients import chat_for
from storage.db import Database, alembic_config
from storage.models import AuditEvent, ChatIdentity, Household, Unit
from storage.people import find_users, user_for_chat
from tests.helpers import Chat, FixedClock, login, outbox


async def _code(db: Database, clock: FixedClock, name: str) -> str:
    async with db.session() as session, session.begin():
        [user] = await find_users(session, name)
        return await create_invite(session, now=clock(), ttl=dt.timedelta(hours=2), user=user)


async def _linked(db: Database, account: str) -> str | None:
    async with db.session() as session:
        user = await user_for_chat(session, "test", account)
        return user.name if user else None


async def test_a_code_in_a_group_is_refused_and_stays_valid(
        demo_db: Database, clock: FixedClock) -> None:
    dispatcher = Dispatcher(demo_db, clock=clock)
    code = await _code(demo_db, clock, "Đỗ Thị Nga")
    in_group = Chat(dispatcher, "tg-1", private=False, chat_id="-100555")
    for typed in (f"/start {code}", code):
        replies = await in_group.say(typed)
        assert "chỉ dùng trong tin nhắn riêng" in in_group.text and not outbox(replies)
    assert await _linked(demo_db, "tg-1") is None
    mine = Chat(dispatcher, "tg-1")
    await mine.say(f"/start {code}")
    assert "Đã kích hoạt" in mine.text
    async with demo_db.session() as session:
        chat = await chat_for(session, (await find_users(session, "Đỗ Thị Nga"))[0].id, ["test"])
    assert chat is not None and (chat.chat_id, chat.chat_type) == ("tg-1", "private")


async def test_moving_an_account_to_another_user_asks_first(
        demo_db: Database, clock: FixedClock) -> None:
    dispatcher = Dispatcher(demo_db, clock=clock)
    nga = await login(demo_db, "Đỗ Thị Nga")
    other_chat = await login(demo_db, "Đỗ Thị Nga", "zalo-nga", channel="zalo")
    phone = Chat(dispatcher, nga)
    code = await _code(demo_db, clock, "Đỗ Văn Liên")
    await phone.say(f"/start {code}")
    assert "đang gắn với Đỗ Thị Nga" in phone.text and "ông Đỗ Văn Liên" in phone.text
    await phone.press("Giữ nguyên")
    assert "Mã vẫn còn dùng được" in phone.text
    assert await _linked(demo_db, nga) == "Đỗ Thị Nga"
    await phone.say(f"/start {code}")
    replies = await phone.say("1")  # the first choice, typed: move it
    assert "Đã kích hoạt. Chào ông Đỗ Văn Liên" in phone.text
    assert "không còn gắn với Đỗ Thị Nga" in phone.text
    assert await _linked(demo_db, nga) == "Đỗ Văn Liên"
    [told] = outbox(replies)
    assert told.to is not None and told.to.chat_id == other_chat
    assert "vừa được chuyển sang ông Đỗ Văn Liên" in told.text
    async with demo_db.session() as session:
        [nga_user] = await find_users(session, "Đỗ Thị Nga")
        moves = (await session.scalars(select(AuditEvent).where(
            AuditEvent.action == "identity.link").order_by(AuditEvent.id))).all()
    assert moves[-1].before == {"user_id": nga_user.id}


async def test_a_stale_relink_answer_changes_nothing(
        demo_db: Database, clock: FixedClock) -> None:
    dispatcher = Dispatcher(demo_db, clock=clock)
    phone = Chat(dispatcher, await login(demo_db, "Đỗ Thị Nga"))
    await phone.say(button="relink:yes")
    assert "Không có yêu cầu chuyển tài khoản nào" in phone.text
    assert await _linked(demo_db, phone.user_id) == "Đỗ Thị Nga"


async def test_wrong_codes_lock_the_chat_too(demo_db: Database, clock: FixedClock) -> None:
    dispatcher = Dispatcher(demo_db, clock=clock)
    code = await _code(demo_db, clock, "Bùi Thị Minh")
    for n in range(5):  # five accounts, one shared chat (a shared phone, a console)
        guesser = Chat(dispatcher, f"acct-{n}", chat_id="shared")
        await guesser.say("/start AAAA-BBBB")
        assert "Mã không đúng" in guesser.text
    fresh = Chat(dispatcher, "acct-new", chat_id="shared")
    await fresh.say(f"/start {code}")
    assert "thử lại sau 1 phút" in fresh.text
    elsewhere = Chat(dispatcher, "acct-new", chat_id="acct-new")
    await elsewhere.say(f"/start {code}")
    assert "Đã kích hoạt" in elsewhere.text


async def test_a_forged_household_button_gets_one_answer(
        demo_db: Database, clock: FixedClock) -> None:
    dispatcher = Dispatcher(demo_db, clock=clock)
    async with demo_db.session() as session:
        elsewhere = await session.scalar(
            select(Household.id).join(Unit, Unit.id == Household.village_id)
            .where(Unit.name_key != "cho").order_by(Household.id.desc()))
        last = await session.scalar(select(Household.id).order_by(Household.id.desc()))
    assert elsewhere is not None and last is not None
    head = Chat(dispatcher, await login(demo_db, "Bùi Thị Minh"))
    answers = set()
    for data in (f"h:{elsewhere}", f"h:{last + 1000}", "h:0", "h:" + "9" * 30, "h:x"):
        await head.say(button=data)
        answers.add(head.text)
    assert answers == {"Thông tin này không thuộc phạm vi anh/chị phụ trách."}


async def test_identity_rows_always_carry_a_private_chat(
        demo_db: Database, clock: FixedClock) -> None:
    await login(demo_db, "Đỗ Thị Nga")
    async with demo_db.session() as session:
        types = set((await session.scalars(select(ChatIdentity.chat_type))).all())
    assert types == {"private"}


async def test_migration_clears_links_to_group_chats(
        db: Database, caplog: pytest.LogCaptureFixture) -> None:
    await _migrate(db, "downgrade", "0006")
    try:
        async with db.engine.begin() as conn:
            await conn.execute(text(
                "INSERT INTO app_user (id, login, name, name_key, role, active, created_at) "
                "VALUES (1, 'nga', 'Đỗ Thị Nga', 'do thi nga', 'officer', true, :at)"),
                {"at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)})
            for external, chat in (("777", "-100555"), ("888", "888"), ("999", None)):
                await conn.execute(text(
                    "INSERT INTO chat_identity (channel, external_id, user_id, chat_id, linked_at)"
                    " VALUES ('telegram', :e, 1, :c, :at)"),
                    {"e": external, "c": chat, "at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)})
    finally:
        with caplog.at_level(logging.WARNING, logger="migrations"):
            await _migrate(db, "upgrade", "head")
    async with db.session() as session:
        rows = (await session.execute(select(
            ChatIdentity.external_id, ChatIdentity.chat_id, ChatIdentity.chat_type)
            .order_by(ChatIdentity.external_id))).all()
        [event] = (await session.scalars(select(AuditEvent).where(
            AuditEvent.action == "identity.group_chat_cleared"))).all()
    assert [tuple(r) for r in rows] == [("777", None, None), ("888", "888", "private"),
                                         ("999", None, "private")]
    assert event.entity_id == 1 and event.before == {
        "channel": "telegram", "external_id": "777", "chat_id": "-100555"}
    assert "user=1 channel=telegram account=777 chat=-100555" in caplog.text


async def _migrate(db: Database, direction: str, revision: str) -> None:
    def run(connection: Connection) -> None:
        getattr(command, direction)(alembic_config(connection), revision)

    async with db.engine.begin() as conn:
        await conn.run_sync(run)


async def test_a_link_without_a_private_chat_gets_no_sends(
        demo_db: Database, clock: FixedClock) -> None:
    dispatcher = Dispatcher(demo_db, clock=clock)
    officer = await login(demo_db, "Đỗ Thị Nga")
    async with demo_db.session() as session, session.begin():  # as migration 0007 leaves it
        identity = await session.get(ChatIdentity, ("test", officer))
        assert identity is not None
        identity.chat_id, identity.chat_type = None, None
    head = Chat(dispatcher, await login(demo_db, "Bùi Thị Minh"))
    await head.say("hộ bà Phạm Thị Đéc thoát nghèo")
    replies = await head.press("Xác nhận")
    assert "Đã lưu báo cáo số" in head.text and not outbox(replies)
    async with demo_db.session() as session:
        [nga] = await find_users(session, "Đỗ Thị Nga")
        assert await chat_for(session, nga.id, ["test"]) is None  # digests, reminders too
    await Chat(dispatcher, officer).say("/toi")  # she writes privately: her chat again
    await head.say("hộ ông Phạm Văn Thân thoát nghèo")
    replies = await head.press("Xác nhận")
    assert [r.to.chat_id for r in outbox(replies) if r.to] == [officer]
