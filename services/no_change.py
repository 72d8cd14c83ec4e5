"""'Thôn không có thay đổi': a village head reports that the village had no change in a
quarter, so the quarter counts as reported (services/completeness.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from domain.periods import Period
from domain.schedule import Calendar
from services.completeness import VillageReport, completeness
from storage.audit import record
from storage.models import NoChangeReport, User
from storage.unit_tree import UnitInfo


@dataclass(frozen=True)
class Declared:
    """What became of a declaration: saved, or already there, and the village's standing."""

    outcome: str  # "saved", "already", "future"
    period: Period
    deadline: dt.date
    standing: VillageReport | None


async def declare(session: AsyncSession, user: User, village: UnitInfo, period: Period,
                  now: dt.datetime, cal: Calendar, channel: str) -> Declared:
    """Record 'no change' for the village and period (once; audited)."""
    today = cal.today(now)
    deadline = cal.deadline_of(period)
    if period.start(cal.cutoff_day) > today:
        return Declared("future", period, deadline, None)
    outcome = "already"
    if await session.get(NoChangeReport, (village.id, period.key)) is None:
        session.add(NoChangeReport(village_id=village.id, period=period.key,
                                   reported_by=user.id, reported_at=now, channel=channel))
        record(session, actor_id=user.id, channel=channel, action="report.no_change",
               entity="unit", entity_id=village.id, village_id=village.id,
               after={"period": period.key})
        await session.flush()
        outcome = "saved"
    found = await completeness(session, [village], period, today, cal)
    return Declared(outcome, period, deadline, found.reported[0] if found.reported else None)
