"""Notices about reports go through the delivery ledger, written with the change they tell."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from domain.names import fold
from domain.roles import Role
from handlers.router import Dispatcher
from messaging.messages import IncomingMessage
from storage import ledger, notice_rows
from storage.db import Database
from storage.models import ChatIdentity, Delivery, Unit, User, UserScope
from storage.people import find_users, link_chat
from tests.helpers import Chat, FixedClock, login, outbox, sent_notices

GROUP = "-100777"


async def _notices(db: Database) -> list[Delivery]:
    async with db.session() as session:
        query = select(Delivery).where(Delivery.kind.startswith("notice."))
        return list((await session.scalars(query.order_by(Delivery.id))).all())


async def _file(dispatcher: Dispatcher, head: str) -> None:
    """The head files a report through the dispatcher alone: committed, nothing sent yet."""
    for text in ("hộ bà Phạm Thị Đéc thoát nghèo", "1"):
        await dispatcher.handle(IncomingMessage(channel="test", chat_id=head, user_id=head,
                                                text=text))


async def test_a_notice_committed_before_a_crash_is_sent_once_after_restart(
        demo_db: Database, clock: FixedClock) -> None:
    dispatcher = Dispatcher(demo_db, clock=clock)
    head = await login(demo_db, "Bùi Thị Minh")
    officer_id = await login(demo_db, "Đỗ Thị Nga")
    await _file(dispatcher, head)
    [row] = await _notices(demo_db)  # written with the report; the process died before sending
    assert row.state == "queued" and row.kind == "notice.filed" and row.report_id == 1
    [sent] = await sent_notices(dispatcher, token="restarted")
    assert sent.to is not None and sent.to.chat_id == officer_id and "Phạm Thị Đéc" in sent.text
    assert [b.data for b in sent.flat_buttons()] == ["ok:1", "no:1"]
    assert await sent_notices(dispatcher, token="restarted") == []
    assert await sent_notices(dispatcher, token="another") == []
    [row] = await _notices(demo_db)
    assert row.state == "sent" and row.attempts == 1 and row.chat_id == officer_id


async def test_a_claim_left_by_a_dead_process_is_sent_once_after_the_lease(
        demo_db: Database, clock: FixedClock) -> None:
    dispatcher = Dispatcher(demo_db, clock=clock)
    head = await login(demo_db, "Bùi Thị Minh")
    await login(demo_db, "Đỗ Thị Nga")
    await _file(dispatcher, head)
    [row] = await _notices(demo_db)
    async with demo_db.transaction() as session:  # claimed, then the process was killed
        assert await ledger.reclaim(session, row, "dead", clock(), dt.timedelta(minutes=15))
    assert await sent_notices(dispatcher, token="alive") == []  # the claim may be alive
    clock.advance(minutes=16)
    assert len(await sent_notices(dispatcher, token="alive")) == 1
    assert await sent_notices(dispatcher, token="third") == []


async def test_a_correction_tells_exactly_who_was_told(
        demo_db: Database, clock: FixedClock) -> None:
    dispatcher = Dispatcher(demo_db, clock=clock)
    head = Chat(dispatcher, await login(demo_db, "Bùi Thị Minh"))
    officer = Chat(dispatcher, await login(demo_db, "Đỗ Thị Nga"))
    leader = Chat(dispatcher, await login(demo_db, "Đỗ Văn Liên"))
    await head.say("hộ bà Phạm Thị Đéc thoát nghèo")
    await head.say("1")
    await officer.say(button="ok:1")
    await head.say("sửa báo cáo số 1")
    await head.say("hộ chưa thoát nghèo")
    newcomer = await _second_officer(demo_db)  # covers Thôn Chợ now, was told nothing
    replies = await officer.say(button="ca:1")
    told = {n.to.chat_id for n in outbox(replies) if n.to}
    assert told == {head.user_id}  # the officer decided it herself; the newcomer never knew
    assert newcomer not in told and leader.user_id not in told
    recorded = {r.recipient_id for r in await _notices(demo_db) if r.report_id == 1}
    async with demo_db.session() as session:
        ids = {u.name: u.id for u in (await session.scalars(select(User))).all()}
    assert recorded == {ids["Bùi Thị Minh"], ids["Đỗ Thị Nga"]}


async def test_the_village_officer_is_told_when_the_chairman_confirms(
        demo_db: Database, clock: FixedClock) -> None:
    dispatcher = Dispatcher(demo_db, clock=clock)
    head = Chat(dispatcher, await login(demo_db, "Bùi Thị Minh"))
    officer = Chat(dispatcher, await login(demo_db, "Đỗ Thị Nga"))
    leader = Chat(dispatcher, await login(demo_db, "Đỗ Văn Liên"))
    await head.say("hộ bà Phạm Thị Đéc thoát nghèo")
    await head.say("1")
    replies = await leader.say(button="ok:1")
    told = {n.to.chat_id: n.text for n in outbox(replies) if n.to}
    assert set(told) == {head.user_id, officer.user_id}
    assert all("Lãnh đạo xã Đỗ Văn Liên đã xác nhận" in text for text in told.values())
    kinds = [(r.kind, r.state) for r in await _notices(demo_db)]
    assert kinds == [("notice.filed", "sent"), ("notice.decided", "sent"),
                     ("notice.decided", "sent")]


async def test_group_chats_never_get_a_notice(demo_db: Database, clock: FixedClock) -> None:
    dispatcher = Dispatcher(demo_db, clock=clock)
    head = Chat(dispatcher, await login(demo_db, "Bùi Thị Minh"))
    officer = await login(demo_db, "Đỗ Thị Nga")
    admin = await login(demo_db, "admin")
    async with demo_db.session() as session, session.begin():  # her only chat is a group's
        await session.execute(update(ChatIdentity).where(ChatIdentity.external_id == officer)
                              .values(chat_id=GROUP, chat_type="group"))
    await head.say("hộ bà Phạm Thị Đéc thoát nghèo")
    replies = await head.say("1")
    assert [n.to.chat_id for n in outbox(replies) if n.to] == [admin]  # whom to ask
    assert "chưa ai mở tin nhắn riêng với bot" in head.text
    [nga] = await _user_ids(demo_db, "Đỗ Thị Nga")
    assert nga not in {r.recipient_id for r in await _notices(demo_db)}


async def _user_ids(db: Database, name: str) -> list[int]:
    async with db.session() as session:
        return [u.id for u in await find_users(session, name)]


async def _second_officer(db: Database) -> str:
    """A second officer for Thôn Chợ, with a private chat (after the report was told)."""
    async with db.session() as session, session.begin():
        village = await session.scalar(select(Unit).where(Unit.name == "Thôn Chợ"))
        assert village is not None
        user = User(login="officer-2", name="Lê Văn Hai", name_key=fold("Lê Văn Hai"),
                    role=Role.OFFICER.value, active=True, created_at=dt.datetime.now(dt.UTC))
        session.add(user)
        await session.flush()
        session.add(UserScope(user_id=user.id, unit_id=village.id))
        await link_chat(session, "test", "test-officer-2", "test-officer-2", user)
    return "test-officer-2"


async def test_the_admins_are_told_once_they_open_the_bot(
        demo_db: Database, clock: FixedClock) -> None:
    dispatcher = Dispatcher(demo_db, clock=clock)
    head = Chat(dispatcher, await login(demo_db, "Bùi Thị Minh"))
    await head.say("hộ bà Phạm Thị Đéc thoát nghèo")
    replies = await head.say("1")
    assert not outbox(replies)  # nobody who may decide, no admin has a chat yet
    assert "Bot sẽ báo quản trị viên ngay khi quản trị viên mở bot" in head.text
    admin = await login(demo_db, "admin")
    [alert] = await sent_notices(dispatcher)  # the sweep after the admin opened the bot
    assert alert.to is not None and alert.to.chat_id == admin and "Thôn Chợ" in alert.text
    assert await sent_notices(dispatcher) == []


async def test_notices_for_a_channel_not_running_here_wait_out_of_the_way(
        demo_db: Database, clock: FixedClock) -> None:
    dispatcher = Dispatcher(demo_db, clock=clock)
    head = await login(demo_db, "Bùi Thị Minh")
    await login(demo_db, "Đỗ Thị Nga", channel="zalo")  # her chat is on Zalo only
    await _file(dispatcher, head)
    async with demo_db.session() as session:
        lease = dt.timedelta(minutes=15)
        assert await notice_rows.due(session, clock(), lease, {"test"}) == []
        [row] = await notice_rows.due(session, clock(), lease, {"test", "zalo"})
    assert row.kind == "notice.filed" and row.state == "queued"
