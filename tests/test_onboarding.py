"""Invite codes: link a chat, single use, expiry, slowed guessing, role invites."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from domain.roles import Role
from handlers.router import Dispatcher
from services.onboarding import create_invite
from storage.db import Database
from storage.models import Unit, User
from storage.people import create_user, find_users
from tests.helpers import Chat, FixedClock


async def _invite(
    db: Database,
    clock: FixedClock,
    name: str | None = None,
    role: Role | None = None,
    village: str | None = None,
    hours: int = 72,
) -> str:
    async with db.session() as session, session.begin():
        user = (await find_users(session, name))[0] if name else None
        unit = (
            await session.scalar(select(Unit).where(Unit.name_key == village)) if village else None
        )
        return await create_invite(
            session, now=clock(), ttl=dt.timedelta(hours=hours), user=user, role=role, unit=unit
        )


async def test_code_links_the_chat_once(demo_db: Database, clock: FixedClock) -> None:
    code = await _invite(demo_db, clock, "Bùi Thị Minh")
    dispatcher = Dispatcher(demo_db, clock=clock)
    phone = Chat(dispatcher, "tg-111")
    await phone.say(f"/start {code.lower()}")
    assert "Đã kích hoạt. Chào bà Bùi Thị Minh – trưởng thôn: Thôn Chợ" in phone.text
    await phone.say("/toi")
    assert "Phạm vi: Thôn Chợ" in phone.text
    other = Chat(dispatcher, "tg-222")
    await other.say(code)  # typing the code alone works too, but only once
    assert "không còn dùng được" in other.text


async def test_used_and_expired_codes_get_one_answer(demo_db: Database, clock: FixedClock) -> None:
    dispatcher = Dispatcher(demo_db, clock=clock)
    used = await _invite(demo_db, clock, "Bùi Thị Minh")
    expired = await _invite(demo_db, clock, "Bùi Thị Minh", hours=1)
    await Chat(dispatcher, "tg-332").say(f"/start {used}")
    clock.advance(hours=2)
    answers = []
    for code in (used, expired):
        phone = Chat(dispatcher, "tg-333")
        await phone.say(f"/start {code}")
        answers.append(phone.text)
    assert answers[0] == answers[1] and "đã dùng hoặc đã hết hạn" in answers[0]


async def test_wrong_codes_are_slowed_down(demo_db: Database, clock: FixedClock) -> None:
    code = await _invite(demo_db, clock, "Bùi Thị Minh")
    phone = Chat(Dispatcher(demo_db, clock=clock), "tg-444")
    for _ in range(5):
        await phone.say("/start AAAA-BBBB")
        assert "Mã không đúng" in phone.text
    await phone.say(f"/start {code}")  # even the right code waits now
    assert "thử lại sau 1 phút" in phone.text
    clock.advance(minutes=2)
    await phone.say(f"/start {code}")
    assert "Đã kích hoạt" in phone.text


async def test_role_invite_creates_a_scoped_user(demo_db: Database, clock: FixedClock) -> None:
    code = await _invite(demo_db, clock, role=Role.VILLAGE_HEAD, village="to")
    phone = Chat(Dispatcher(demo_db, clock=clock), "tg-555", name="Ông Trương Công Định")
    await phone.say(f"/start {code}")
    assert "trưởng thôn: Thôn Tô" in phone.text
    async with demo_db.session() as session:
        users = (
            await session.scalars(
                select(User).where(User.name == "Trương Công Định", User.role == "village_head")
            )
        ).all()
    assert len(users) == 2  # the demo user plus the newly invited one


async def test_officer_invites_in_chat_within_scope(demo_db: Database, clock: FixedClock) -> None:
    dispatcher = Dispatcher(demo_db, clock=clock)
    officer = Chat(dispatcher, "tg-666")
    await officer.say(f"/start {await _invite(demo_db, clock, 'Đỗ Thị Nga')}")
    await officer.say("/moi Thôn Chợ")
    assert "Mã cho trưởng thôn Thôn Chợ:" in officer.text
    code = officer.text.split(": ")[1].split()[0]
    await Chat(dispatcher, "tg-777").say(f"/start {code}")
    await officer.say("/moi Thôn Xanh")  # not her village
    assert "Cách dùng" in officer.text or "không thuộc phạm vi" in officer.text


async def test_help_depends_on_role(demo_db: Database, clock: FixedClock) -> None:
    dispatcher = Dispatcher(demo_db, clock=clock)
    stranger = Chat(dispatcher, "x")
    await stranger.say("/trogiup")
    assert "chưa đăng ký" in stranger.text
    head = Chat(dispatcher, "h")
    await head.say(f"/start {await _invite(demo_db, clock, 'Bùi Thị Minh')}")
    await head.say("/help")
    assert "/baocao" in head.text and "/cho" not in head.text


async def test_a_login_names_one_person_among_namesakes(demo_db: Database) -> None:
    async with demo_db.session() as session, session.begin():
        first = await create_user(session, "Bà", "Bùi Thị Minh", "village_head", "test", None)
    async with demo_db.session() as session:
        both = await find_users(session, "Bùi Thị Minh")
        [by_login] = await find_users(session, first.login)
        [other] = [u for u in both if u.id != first.id]
        assert [u.id for u in await find_users(session, other.login)] == [other.id]
    assert len(both) == 2 and first.login != other.login and by_login.id == first.id
