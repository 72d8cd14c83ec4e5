"""Changes of Thôn Chợ's households for answer tests: reported by its head, decided by
its officer, through the same use cases as the chat."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from domain.statuses import ChangeKind
from services import decisions, reporting
from storage.db import Database
from storage.models import Household
from storage.people import find_users

HEAD, OFFICER = "Bùi Thị Minh", "Đỗ Thị Nga"
AT = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)


async def change(db: Database, name_key: str, kind: ChangeKind, happened_on: dt.date,
                 confirm: bool = True) -> None:
    """Bà Bùi Thị Minh reports a change of a household; Bà Đỗ Thị Nga confirms it if asked."""
    async with db.session() as session, session.begin():
        [head] = await find_users(session, HEAD)
        [officer] = await find_users(session, OFFICER)
        household = await session.scalar(select(Household).where(Household.name_key == name_key))
        assert household is not None, name_key
        report = await reporting.submit(session, head, "test", household.id, kind, happened_on, AT)
        if confirm:
            await decisions.decide(session, officer, "test", report.id, True, AT)


async def some_changes(db: Database) -> None:
    """Two confirmed exits of Thôn Chợ (Q3 2024), one fall back (Q4), one exit pending."""
    await change(db, "pham thi dec", ChangeKind.EXIT_POVERTY, dt.date(2024, 8, 20))
    await change(db, "pham van thuyet", ChangeKind.EXIT_TO_NEAR_POOR, dt.date(2024, 9, 5))
    await change(db, "pham thi dec", ChangeKind.FELL_BACK, dt.date(2024, 11, 2))
    await change(db, "pham thi gang", ChangeKind.EXIT_POVERTY, dt.date(2024, 12, 1),
                 confirm=False)
