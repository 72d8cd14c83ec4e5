"""Who is responsible ('ai phụ trách Thôn Hạc Sơn', 'Đỗ Thị Nga phụ trách thôn nào'), roles
in Vietnamese, within the asker's scope; who has not reported ('thôn nào chưa báo cáo').
The demo plans name each village's head and officer and the commune's chairman."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from handlers.router import Dispatcher
from services.access import scope_of
from services.responsible import people_of, units_of
from storage.db import Database
from storage.models import Unit
from storage.people import find_users
from tests.delivery_fakes import report_exit, vn
from tests.helpers import Chat, FixedClock, login


async def chat_as(db: Database, clock: FixedClock, name: str) -> Chat:
    """A private chat of a demo person."""
    return Chat(Dispatcher(db, clock=clock), await login(db, name))


async def test_people_of_a_village_and_of_a_commune(demo_db: Database) -> None:
    async with demo_db.session() as session:
        village = await session.scalar(select(Unit).where(Unit.name == "Thôn Hạc Sơn"))
        commune = await session.scalar(select(Unit).where(Unit.name == "Xã Cẩm Bình"))
        assert village is not None and commune is not None
        hac_son = await people_of(session, village)
        cam_binh = await people_of(session, commune)
    assert [(h.user.name, h.user.role) for h in hac_son.above] == [
        ("Đặng Ngọc Đình", "village_head"), ("Bùi Văn Tú", "officer"),
        ("Đỗ Văn Liên", "commune_leader")]
    assert hac_son.below == []
    assert [h.user.name for h in cam_binh.above] == ["Đỗ Văn Liên"]
    assert len([h for h in cam_binh.below if h.user.role == "village_head"]) == 11


async def test_a_persons_units_stay_within_what_the_asker_sees(demo_db: Database) -> None:
    async with demo_db.session() as session:
        [leader] = await find_users(session, "Đỗ Văn Liên")
        [head] = await find_users(session, "Bùi Thị Minh")
        for_leader = await units_of(session, await scope_of(session, leader), "do thi nga")
        for_head = await units_of(session, await scope_of(session, head), "Đỗ Thị Nga")
        head_sees = await units_of(session, await scope_of(session, head), "Đỗ Văn Liên")
    assert [[u.name for u in h.units] for h in for_leader] == [["Thôn Chợ", "Thôn Tô"]]
    assert [[u.name for u in h.units] for h in for_head] == [["Thôn Chợ"]]  # not Thôn Tô
    assert [[u.name for u in h.units] for h in head_sees] == [["Xã Cẩm Bình"]]  # above her


async def test_leader_asks_who_is_responsible(demo_db: Database, clock: FixedClock) -> None:
    leader = await chat_as(demo_db, clock, "Đỗ Văn Liên")
    await leader.say("ai phụ trách Thôn Hạc Sơn")
    assert leader.text.splitlines() == [
        "Phụ trách Thôn Hạc Sơn, Xã Cẩm Bình:", "- Trưởng thôn: ông Đặng Ngọc Đình.",
        "- Cán bộ phụ trách thôn: ông Bùi Văn Tú.", "- Lãnh đạo xã: ông Đỗ Văn Liên."]
    await leader.say("ai là trưởng thôn Bình Yên")
    assert "- Trưởng thôn: ông Bàn Văn Báo." in leader.text.splitlines()
    await leader.say("Đỗ Thị Nga phụ trách thôn nào")
    assert leader.text == "Đỗ Thị Nga – cán bộ phụ trách thôn: Thôn Chợ, Thôn Tô."
    await leader.say("ai phụ trách xã")
    assert "bà Bùi Thị Minh (Thôn Chợ)" in leader.text
    for role in ("village_head", "officer", "commune_leader"):
        assert role not in leader.text


async def test_head_asks_outside_her_village(demo_db: Database, clock: FixedClock) -> None:
    head = await chat_as(demo_db, clock, "Bùi Thị Minh")
    await head.say("ai phụ trách Thôn Tô")
    assert head.text == "Thôn Tô không thuộc phạm vi anh/chị phụ trách."
    await head.say("Trương Công Định phụ trách thôn nào")  # the head of Thôn Tô
    assert head.text.startswith('Không thấy ai tên "Trương Công Định" phụ trách')


async def test_villages_that_have_not_reported_this_quarter(demo_db: Database,
                                                            clock: FixedClock) -> None:
    leader = await chat_as(demo_db, clock, "Đỗ Văn Liên")  # today 22/11/2026: quarter 4
    await leader.say("thôn nào chưa báo cáo")
    assert leader.text.startswith("11/11 thôn chưa báo cáo trong quý 4/2026 (đến 22/11/2026):")
    # 23:30 on 30/09 in Vietnam is quarter 3; half past midnight on 01/10 is quarter 4,
    # though both are 30/09 in UTC
    await report_exit(demo_db, "pham thi dec", dt.date(2026, 9, 30), confirm=False,
                      at=vn(2026, 9, 30, 23, 30))
    await leader.say("thôn nào chưa báo cáo")
    assert leader.text.startswith("11/11 thôn chưa báo cáo")
    await report_exit(demo_db, "pham thi gang", dt.date(2026, 9, 30), confirm=True,
                      at=vn(2026, 10, 1, 0, 30))
    await leader.say("thon nao chua bao cao a")
    lines = leader.text.splitlines()
    assert lines[0].startswith("10/11 thôn chưa báo cáo trong quý 4/2026") and "Chợ" not in lines[0]
    assert lines[1] == "Đã báo cáo: Thôn Chợ: 1 báo cáo."
    await leader.say("thôn nào chưa báo cáo quý 3/2026")
    assert leader.text.startswith("10/11 thôn chưa báo cáo trong quý 3/2026 (đến 30/09/2026)")
