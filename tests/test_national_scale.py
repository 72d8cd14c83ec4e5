"""National scale: scopes of more units than a statement may bind parameters (32,767)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, insert, select

from domain.names import fold
from domain.roles import Role
from handlers.router import Dispatcher
from messaging.render import render
from storage.audit import now
from storage.db import Database
from storage.idlists import among
from storage.models import Unit, User, UserScope
from tests.helpers import Chat, FixedClock, login

PROVINCE = "Tỉnh Toàn Quốc"
COMMUNES, VILLAGES = 340, 100  # 34,341 units with the province: past the 32,767 limit
PG_ONLY = pytest.mark.parametrize(
    "demo_db", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)


async def _big_province(db: Database) -> list[int]:
    """A province of 34,000 villages, units only (bulk insert); returns every unit id."""
    async with db.session() as session, session.begin():
        province = Unit(level="province", kind="tỉnh", name=PROVINCE, name_key=fold(PROVINCE))
        session.add(province)
        await session.flush()
        communes = [Unit(parent_id=province.id, level="commune", kind="xã", name=f"Xã Số {n}",
                         name_key=f"xa so {n}") for n in range(COMMUNES)]
        session.add_all(communes)
        await session.flush()
        await session.execute(insert(Unit), [
            {"parent_id": c.id, "level": "village", "kind": "thôn", "name": f"Thôn {m}",
             "name_key": f"thon {m}"} for c in communes for m in range(VILLAGES)])
        ids = [province.id, *(await session.scalars(
            select(Unit.id).where(Unit.parent_id.in_([c.id for c in communes])))).all()]
    return ids + [c.id for c in communes]


async def _province_officer(db: Database, province_id: int) -> None:
    async with db.session() as session, session.begin():
        user = User(login="tinh", name="Lê Văn Tỉnh", name_key=fold("Lê Văn Tỉnh"),
                    role=Role.PROVINCE_OFFICER.value, created_at=now())
        session.add(user)
        await session.flush()
        session.add(UserScope(user_id=user.id, unit_id=province_id))


async def test_among_matches_every_id_of_a_long_list(db: Database) -> None:
    """One parameter however long the list, on both engines; short lists stay plain IN."""
    ids = await _big_province(db)
    assert len(ids) > 32_767
    async with db.session() as session:
        count = select(func.count()).select_from(Unit)
        assert await session.scalar(count.where(among(Unit.id, ids))) == len(ids)
        assert await session.scalar(count.where(among(Unit.id, ids[:3]))) == 3
        assert await session.scalar(count.where(among(Unit.id, [-1, *range(-2000, -1)]))) == 0


@PG_ONLY
async def test_admin_and_province_officer_ask_about_a_national_sized_scope(
        demo_db: Database, clock: FixedClock) -> None:
    """Questions, the pending list and a household lookup answer without a database error."""
    ids = await _big_province(demo_db)
    await _province_officer(demo_db, ids[0])
    dispatcher = Dispatcher(demo_db, "Asia/Ho_Chi_Minh", clock)
    failed = render("internal_error")
    for name in ("admin", "Lê Văn Tỉnh"):
        chat = Chat(dispatcher, await login(demo_db, name))
        for text in (f"{PROVINCE} thế nào?", "Thôn 7 của Xã Số 3 thế nào?", "/cho",
                     "hộ bà Phạm Thị Đéc"):
            replies = await chat.say(text)
            assert replies and failed not in chat.text, (name, text, chat.text)
