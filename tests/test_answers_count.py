"""COUNT: how many households, as the progress engine counts them, by message and role."""

from __future__ import annotations

import datetime as dt

import pytest

from domain.periods import Period, PeriodKind
from domain.statuses import Status
from handlers.router import Dispatcher
from services.counts import count
from services.progress import unit_progress
from storage.db import Database
from storage.unit_tree import unit_tree
from tests.helpers import Chat, FixedClock, login
from tests.household_changes import some_changes
from understanding.types import Measure

TODAY = dt.date(2026, 11, 22)
Q3, Q4 = Period(PeriodKind.QUARTER, 2024, 3), Period(PeriodKind.QUARTER, 2024, 4)


async def thon_cho_count(db: Database, measure: Measure, period: Period | None = None,
                         status: Status = Status.POOR) -> tuple[int | None, int, int]:
    """(value, pending, fell back) of Thôn Chợ's count."""
    async with db.session() as session:
        [unit] = (await unit_tree(session)).by_key["cho"]
        found = await count(session, unit, measure, (status,), period, TODAY)
    [figure] = found.figures
    return figure.value, figure.pending, figure.fell_back


async def test_counts_are_the_progress_engine_figures(demo_db: Database) -> None:
    await some_changes(demo_db)
    assert await thon_cho_count(demo_db, Measure.START) == (14, 0, 0)
    assert await thon_cho_count(demo_db, Measure.NOW) == (13, 0, 0)  # 14 - 2 exits + 1 back
    assert await thon_cho_count(demo_db, Measure.EXITED) == (2, 1, 0)  # Gang's is pending
    assert await thon_cho_count(demo_db, Measure.ENTERED) == (1, 0, 1)
    assert await thon_cho_count(demo_db, Measure.NOW, status=Status.NEAR_POOR) == (6, 0, 0)
    async with demo_db.session() as session:
        [unit] = (await unit_tree(session)).by_key["cho"]
        progress = await unit_progress(session, unit, TODAY)
    assert progress is not None and progress.poor.now == 13 and progress.near_poor.now == 6


async def test_a_period_counts_its_own_flows_as_of_its_end(demo_db: Database) -> None:
    await some_changes(demo_db)
    assert await thon_cho_count(demo_db, Measure.EXITED, Q3) == (2, 0, 0)
    assert await thon_cho_count(demo_db, Measure.EXITED, Q4) == (0, 1, 0)
    assert await thon_cho_count(demo_db, Measure.ENTERED, Q4) == (1, 0, 1)
    assert await thon_cho_count(demo_db, Measure.NOW, Q3) == (12, 0, 0)  # on 30/09/2024
    half = Period(PeriodKind.HALF, 2024, 1)
    assert await thon_cho_count(demo_db, Measure.NOW, half) == (14, 0, 0)


async def chat_as(db: Database, clock: FixedClock, name: str, private: bool = True) -> Chat:
    """A chat of a demo person."""
    return Chat(Dispatcher(db, clock=clock), await login(db, name), private=private,
                chat_id=None if private else "-100555")


async def test_counts_by_message_as_the_roles_ask(demo_db: Database, clock: FixedClock) -> None:
    await some_changes(demo_db)
    leader = await chat_as(demo_db, clock, "Đỗ Văn Liên")
    await leader.say("Thôn Chợ có bao nhiêu hộ nghèo")
    assert leader.text.startswith("Thôn Chợ, Xã Cẩm Bình: 13 hộ nghèo (đã xác nhận, đến 22/11")
    await leader.say("Thôn Chợ thế nào?")
    assert "Hiện nay (đã xác nhận): 13 hộ nghèo, 6 hộ cận nghèo" in leader.text  # the same
    assert "Chờ xác nhận: 1 hộ thoát nghèo.\n" in leader.text  # no dangling ';'
    assert "chưa thoát (6): bà Phạm Thị Đéc, bà Phạm Thị Gang," in leader.text
    assert "cán bộ bà Đỗ Thị Nga; trưởng thôn bà Bùi Thị Minh." in leader.text
    await leader.say("Thôn Chợ còn bao nhiêu hộ chưa thoát nghèo?")
    assert leader.text.startswith("Thôn Chợ, Xã Cẩm Bình: 13 hộ nghèo")
    await leader.say("xã còn mấy hộ cận nghèo")
    assert leader.text.startswith("Xã Cẩm Bình, Huyện Cẩm Thủy: 58 hộ cận nghèo")
    await leader.say("How many poor households in Thôn Chợ?")
    assert leader.text.startswith("Thôn Chợ, Xã Cẩm Bình: 13 hộ nghèo")
    await leader.say("co bao nhieu ho tai ngheo")
    assert "): 1 hộ tái nghèo, 0 hộ phát sinh nghèo." in leader.text
    officer = await chat_as(demo_db, clock, "Đỗ Thị Nga")
    await officer.say("Thôn Chợ có bao nhiêu hộ thoát nghèo?")
    assert "(đã xác nhận): 2 hộ thoát nghèo; thêm 1 hộ đã báo, đang chờ xác nhận." \
        in officer.text
    await officer.say("quý 3/2024 Thôn Chợ có bao nhiêu hộ thoát nghèo")
    assert officer.text == ("Thôn Chợ, Xã Cẩm Bình – quý 3/2024 (01/07/2024–30/09/2024, "
                            "đã xác nhận): 2 hộ thoát nghèo.")


@pytest.mark.parametrize("text", ["Thôn Tô có bao nhiêu hộ nghèo", "thon to co bn ho ngheo"])
async def test_a_count_outside_scope_is_refused(demo_db: Database, clock: FixedClock,
                                                text: str) -> None:
    head = await chat_as(demo_db, clock, "Bùi Thị Minh")
    await head.say(text)
    assert head.text == "Thôn Tô không thuộc phạm vi anh/chị phụ trách."
    await head.say("thôn mình có bao nhiêu hộ nghèo")
    assert head.text.startswith("Thôn Chợ, Xã Cẩm Bình: 14 hộ nghèo")


async def test_counts_stay_in_a_group_and_say_when_a_plan_is_silent(
        demo_db: Database, clock: FixedClock) -> None:
    leader = await chat_as(demo_db, clock, "Đỗ Văn Liên", private=False)
    await leader.say("Bình Hòa 5 có bao nhiêu hộ cận nghèo?")
    assert leader.text == ("Thôn Bình Hòa 5, Xã Cẩm Bình: không rõ số hộ cận nghèo. "
                           "Kế hoạch năm 2024 không ghi số hộ cận nghèo đầu năm.")
    await leader.say("đầu năm xã có bao nhiêu hộ nghèo và cận nghèo")
    assert leader.text == ("Xã Cẩm Bình, Huyện Cẩm Thủy – đầu năm 2024: 67 hộ nghèo, "
                           "57 hộ cận nghèo.")


async def test_a_past_period_status_is_dated_at_its_end(demo_db: Database,
                                                       clock: FixedClock) -> None:
    leader = await chat_as(demo_db, clock, "Đỗ Văn Liên")
    await leader.say("Cẩm Bình quý 3 năm 2024 thế nào")
    assert "Đến 30/09/2024 (đã xác nhận): 67 hộ nghèo" in leader.text
    assert "Hiện nay" not in leader.text  # the figures are the quarter's end, not today's
