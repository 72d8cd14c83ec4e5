"""Approval and lock (issue 15.4): after a period's deadline the commune leader approves the
commune's figures in chat; the period is then closed (services/closures.py): a report dated
inside it is refused (services/reporting.check_open) and corrections go through a request."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.periods import Period
from domain.schedule import Calendar
from domain.statuses import ReportState
from services.closures import closure_of
from services.completeness import Completeness, completeness
from services.progress import UnitProgress
from services.standing import progress_at
from storage.idlists import among
from storage.models import PeriodClose, StatusChange
from storage.unit_tree import UnitInfo, unit_tree


@dataclass
class Review:
    """What the leader sees before approving a period."""

    unit: UnitInfo
    period: Period
    deadline: dt.date
    progress: UnitProgress | None
    reporting: Completeness
    pending: int  # reports dated in the period still waiting for a decision
    closed: PeriodClose | None
    today: dt.date

    @property
    def too_early(self) -> bool:
        """The period's deadline has not passed yet."""
        return self.today <= self.deadline


async def review(session: AsyncSession, unit: UnitInfo, period: Period, today: dt.date,
                 cal: Calendar) -> Review:
    """The commune's figures of the period, who reported, what still waits."""
    end = period.end(cal.cutoff_day)
    progress = await progress_at(session, unit, period.share_of_year, min(end, today))
    villages = (await unit_tree(session)).under(unit.id, "village")
    pending = await session.scalar(select(func.count()).select_from(StatusChange).where(
        among(StatusChange.village_id, list(villages)),
        StatusChange.state == ReportState.PENDING.value,
        StatusChange.happened_on.between(period.start(cal.cutoff_day), end))) or 0
    return Review(unit, period, cal.deadline_of(period), progress,
                  await completeness(session, [unit], period, today, cal), pending,
                  await closure_of(session, unit.id, period), today)
