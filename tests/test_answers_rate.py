"""RATE: poor, near-poor and combined rates now, at the start and at the plan's target;
said plainly when the plan gives no total of households."""

from __future__ import annotations

import datetime as dt

from handlers.router import Dispatcher
from services.progress import unit_progress
from services.rates import unit_rate
from storage.db import Database
from storage.unit_tree import unit_tree
from tests.helpers import Chat, FixedClock, login
from tests.household_changes import some_changes

TODAY = dt.date(2026, 11, 22)


async def test_rates_use_the_engine_and_the_plans_households(demo_db: Database) -> None:
    async with demo_db.session() as session:
        tree = await unit_tree(session)
        [commune] = tree.by_key["hong thuong"]
        found = await unit_rate(session, commune, None, TODAY)
        progress = await unit_progress(session, commune, TODAY)
    assert found.households == 817 and found.now is not None and found.target is not None
    assert progress is not None and found.now.poor_rate == progress.poor_rate_now
    assert (found.now.poor, found.now.near_poor) == (113, 132)
    # the villages' targets add up to 70 and 74 (the document's total says 75): the engine's
    assert (found.target.poor, found.target.near_poor) == (113 - 70, 132 - 74)
    assert found.now.both_rate == (113 + 132) / 817


async def test_rates_by_message(demo_db: Database, clock: FixedClock) -> None:
    admin = Chat(Dispatcher(demo_db, clock=clock), await login(demo_db, "admin"))
    await admin.say("tỷ lệ hộ nghèo Hồng Thượng")
    assert admin.text.splitlines() == [
        "Xã Hồng Thượng, Huyện A Lưới – tỷ lệ hộ nghèo 13,83% (113 hộ), cận nghèo 16,16% "
        "(132 hộ), nghèo và cận nghèo 29,99% (đã xác nhận, đến 22/11/2026; trên 817 hộ).",
        "Đầu năm 2024: nghèo 13,83% (113 hộ), cận nghèo 16,16% (132 hộ), nghèo và cận nghèo "
        "29,99%.",
        "Mục tiêu cuối năm 2024 theo kế hoạch: nghèo 5,26% (còn 43 hộ), cận nghèo 7,10% "
        "(còn 58 hộ), nghèo và cận nghèo 12,36%.",
    ]
    await admin.say("ti le ho ngheo cam phuc nam")
    assert "trên 1.856 hộ" in admin.text and "nghèo 1,13% (21 hộ)" in admin.text


async def test_without_households_the_answer_says_so(demo_db: Database,
                                                     clock: FixedClock) -> None:
    await some_changes(demo_db)
    leader = Chat(Dispatcher(demo_db, clock=clock), await login(demo_db, "Đỗ Văn Liên"),
                  private=False, chat_id="-100666")  # figures only: answered in the group
    await leader.say("tỷ lệ hộ nghèo của xã")
    assert leader.text == (
        "Xã Cẩm Bình, Huyện Cẩm Thủy: kế hoạch năm 2024 không ghi tổng số hộ nên bot chưa tính "
        "được tỷ lệ. Đến 22/11/2026 (đã xác nhận): 66 hộ nghèo, 58 hộ cận nghèo."
    )
