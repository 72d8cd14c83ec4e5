"""Demo history (issue 15.1): a few Cẩm Bình households exited in 2024, reported by their
village head and confirmed by the officer, so the 36-month watch list is not empty.

Loaded by `giamngheo demo-data` and the demo console; the test fixtures load the plans only,
so the figures the tests assert stay those of the documents."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from domain.statuses import ChangeKind
from services import decisions, reporting
from storage.db import Database
from storage.models import Household, StatusChange, Unit
from storage.people import find_users

VN = dt.timezone(dt.timedelta(hours=7))
# (village, household, change, day, village head, officer)
EXITS = (
    ("Thôn Tô", "Nguyễn Văn Điệp", ChangeKind.EXIT_POVERTY, dt.date(2024, 8, 20),
     "Trương Công Định", "Đỗ Thị Nga"),
    ("Thôn Tô", "Đỗ Thị Châu", ChangeKind.EXIT_NEAR_POVERTY, dt.date(2024, 6, 15),
     "Trương Công Định", "Đỗ Thị Nga"),
    ("Thôn Hạc Sơn", "Nguyễn Thị Thắng", ChangeKind.EXIT_NEAR_POVERTY, dt.date(2024, 7, 10),
     "Đặng Ngọc Đình", "Bùi Văn Tú"),
)


async def load_demo_history(db: Database) -> int:
    """Report and confirm the demo exits not yet there; returns how many were added."""
    added = 0
    async with db.session() as session, session.begin():
        for village, name, kind, day, head_name, officer_name in EXITS:
            household = await session.scalar(
                select(Household).join(Unit, Unit.id == Household.village_id)
                .where(Unit.name == village, Household.head_name == name))
            if household is None or await session.scalar(select(StatusChange.id).where(
                    StatusChange.household_id == household.id).limit(1)) is not None:
                continue
            [head], [officer] = (await find_users(session, head_name),
                                 await find_users(session, officer_name))
            at = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(9), VN)
            change = await reporting.submit(session, head, "demo", household.id, kind, day, at)
            await decisions.decide(session, officer, "demo", change.id, True,
                                   at + dt.timedelta(hours=3))
            added += 1
    return added
