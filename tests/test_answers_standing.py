"""Rankings ('thôn nào chậm nhất'), comparisons and the commune answer's 'Cần chú ý', on
both targets.

Cẩm Bình 2024 at the end of Q3 (3/4 of each target due): Thôn Chợ is short by
0,75 x (7 + 3) = 7,5 households, Thôn Tô by 0,75 x (3 + 6) = 6,75; Thôn Vinh has no poor
target and is behind only on near-poor (0/4).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from domain.periods import Period, PeriodKind
from domain.progress import Verdict
from handlers.router import Dispatcher
from services.standing import comparison, ranking
from storage.db import Database
from storage.models import Unit
from storage.people import add_scope, create_user
from tests.delivery_fakes import report_exit, vn
from tests.helpers import Chat, FixedClock, login

Q3 = Period(PeriodKind.QUARTER, 2024, 3)
CHO_POOR = ["pham thi dec", "pham thi gang", "pham van thuyet", "pham minh phuc",
            "pham hung vinh", "truong thi gioi", "pham van than"]


async def _rank(db: Database, order: str, level: str = "village") -> list[tuple[str, float]]:
    async with db.session() as session:
        unit = await session.scalar(select(Unit).where(Unit.name == "Xã Cẩm Bình"))
        assert unit is not None
        found = await ranking(session, [unit], level, order, Q3, dt.date(2026, 11, 22))
    assert found.total == 11 and found.within[0].as_of == dt.date(2024, 9, 30)
    return [(p.unit.name, p.expected) for p in found.parts]


async def test_slowest_first_on_both_targets(demo_db: Database) -> None:
    slowest = await _rank(demo_db, "slowest")
    assert [name for name, _ in slowest[:2]] == ["Thôn Chợ", "Thôn Tô"]
    assert {share for _, share in slowest} == {0.75}  # judged at the period's end
    best = await _rank(demo_db, "best")
    assert best == slowest[::-1]


async def test_a_village_that_met_a_target_moves_down(demo_db: Database) -> None:
    for key in CHO_POOR:
        await report_exit(demo_db, key, dt.date(2024, 8, 20), confirm=True,
                          at=vn(2024, 8, 20, 9))
    slowest = [name for name, _ in await _rank(demo_db, "slowest")]
    assert slowest[0] == "Thôn Tô" and slowest.index("Thôn Chợ") > 5
    assert "Thôn Chợ" in [name for name, _ in await _rank(demo_db, "not_met")]  # near-poor
    async with demo_db.session() as session:
        unit = await session.scalar(select(Unit).where(Unit.name == "Thôn Chợ"))
        assert unit is not None
        [cho] = (await ranking(session, [unit], "village", "slowest", Q3,
                               dt.date(2026, 11, 22))).parts
    assert cho.poor_verdict is Verdict.MET and cho.near_poor_verdict is Verdict.BEHIND


async def leader_chat(db: Database, clock: FixedClock, name: str = "Đỗ Văn Liên") -> Chat:
    """A private chat of a demo person."""
    return Chat(Dispatcher(db, clock=clock), await login(db, name))


async def test_leader_asks_which_village_is_slowest(demo_db: Database,
                                                    clock: FixedClock) -> None:
    leader = await leader_chat(demo_db, clock)
    for text in ("thôn nào chậm nhất", "Thôn nào chậm nhất?", "thon nao cham nhat a"):
        await leader.say(text)
        lines = leader.text.splitlines()
        assert lines[0].startswith("11/11 thôn chậm tiến độ")
        assert lines[1] == "1. Thôn Chợ: nghèo 0/7 – chậm tiến độ; cận nghèo 0/3 – chậm tiến độ."
        assert lines[-1].startswith("Xã Cẩm Bình, Huyện Cẩm Thủy – kế hoạch năm 2024")
    await leader.say("thôn nào chưa đạt chỉ tiêu")
    assert leader.text.startswith("11/11 thôn chưa đạt chỉ tiêu năm 2024")


async def test_commune_answer_names_villages_behind_on_near_poor_only(
        demo_db: Database, clock: FixedClock) -> None:
    leader = await leader_chat(demo_db, clock)
    await leader.say("tình hình xã")
    [attention] = [line for line in leader.text.splitlines() if line.startswith("Cần chú ý")]
    assert "Thôn Vinh: cận nghèo 0/4" in attention  # no poor target, near-poor behind
    assert "Thôn Chợ: nghèo 0/7, cận nghèo 0/3" in attention


async def test_province_officer_ranks_communes(demo_db: Database, clock: FixedClock) -> None:
    async with demo_db.session() as session, session.begin():
        province = await session.scalar(select(Unit).where(Unit.name == "Tỉnh Thừa Thiên Huế"))
        assert province is not None
        user = await create_user(session, "Ông", "Lê Văn Tỉnh", "province_officer", "test", None)
        await add_scope(session, user, province.id, "test", None)
    officer = await leader_chat(demo_db, clock, "Lê Văn Tỉnh")
    await officer.say("xã nào chậm nhất")
    lines = officer.text.splitlines()
    assert lines[0].startswith("1/1 xã chậm tiến độ") and "Xã Hồng Thượng" in lines[1]
    assert "Cẩm Bình" not in officer.text  # another province


async def test_comparison_says_which_is_nearer_its_pace(demo_db: Database) -> None:
    async with demo_db.session() as session:
        units = list((await session.scalars(select(Unit).where(
            Unit.name.in_(["Thôn Chợ", "Thôn Tô"])).order_by(Unit.name_key))).all())
        before = await comparison(session, units, Q3, dt.date(2026, 11, 22))
    assert [p.unit.name for p in before.parts] == ["Thôn Chợ", "Thôn Tô"]  # as named
    assert before.ahead is not None and before.ahead.unit.name == "Thôn Tô"  # 6,75 vs 7,5 short
    for key in CHO_POOR[:2]:
        await report_exit(demo_db, key, dt.date(2024, 8, 20), confirm=True,
                          at=vn(2024, 8, 20, 9))
    async with demo_db.session() as session:
        after = await comparison(session, units, Q3, dt.date(2026, 11, 22))
    assert after.ahead is not None and after.ahead.unit.name == "Thôn Chợ"  # 5,5 short


async def test_leader_compares_two_villages(demo_db: Database, clock: FixedClock) -> None:
    leader = await leader_chat(demo_db, clock)
    for text in ("so sánh Thôn Chợ và Thôn Tô", "thôn chợ với thôn tô thôn nào tốt hơn"):
        await leader.say(text)
        lines = leader.text.splitlines()
        assert lines[0] == ("Thôn Tô nhanh hơn so với tiến độ (tính cả hộ nghèo và cận nghèo):"
                            " Thôn Chợ thiếu 10 hộ, Thôn Tô thiếu 9 hộ.")
        assert lines[1].startswith("- Thôn Chợ: giảm nghèo 0/7 – chậm tiến độ; cận nghèo 0/3")
        assert "còn 14 hộ nghèo, 5 hộ cận nghèo" in lines[1]
    await leader.say("so sánh Thôn Chợ")
    assert leader.text.startswith("Anh/chị muốn so sánh Thôn Chợ với đơn vị nào?")
    officer = await leader_chat(demo_db, clock, "Đỗ Thị Nga")
    await officer.say("so sánh Thôn Chợ và Thôn Hạc Sơn")
    assert officer.text == "Thôn Hạc Sơn không thuộc phạm vi anh/chị phụ trách."
