"""Reporting completeness: the villages that have sent no report in a period so far
('thôn nào chưa báo cáo': the quarter so far unless a period is named)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.names import sort_key
from domain.periods import Period, PeriodKind, period_of
from domain.schedule import Calendar
from storage.idlists import among
from storage.models import StatusChange
from storage.unit_tree import UnitInfo, UnitNode, unit_tree


@dataclass
class Completeness:
    """Villages of the asked units with and without a report made in the period."""

    within: list[str]
    period: Period
    as_of: dt.date
    reported: list[tuple[UnitNode, int]]  # villages with the reports made in the period
    silent: list[UnitNode]

    @property
    def villages(self) -> int:
        """Villages counted."""
        return len(self.reported) + len(self.silent)


async def completeness(session: AsyncSession, units: Sequence[UnitInfo], period: Period | None,
                       today: dt.date, cal: Calendar) -> Completeness:
    """Villages under `units` with no report made (any state) from the period's first day
    to its last, or to today for the period under way."""
    period = period or period_of(PeriodKind.QUARTER, today, cal.cutoff_day)
    as_of = min(period.end(cal.cutoff_day), today)
    tree = await unit_tree(session)
    village_ids = sorted({v for unit in units for v in tree.under(unit.id, "village")})
    counts = await _reports_made(session, village_ids, period.start(cal.cutoff_day), as_of,
                                 ZoneInfo(cal.timezone))
    villages = sorted((tree.by_id[v] for v in village_ids), key=lambda n: sort_key(n.name))
    return Completeness(
        within=[tree.full_name(unit) for unit in units], period=period, as_of=as_of,
        reported=[(v, counts[v.id]) for v in villages if v.id in counts],
        silent=[v for v in villages if v.id not in counts])


async def _reports_made(session: AsyncSession, village_ids: list[int], first: dt.date,
                        last: dt.date, zone: dt.tzinfo) -> dict[int, int]:
    """Reports made per village between two local days (inclusive)."""
    since = dt.datetime.combine(first, dt.time(), zone).astimezone(dt.UTC)
    until = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), zone).astimezone(dt.UTC)
    query = (select(StatusChange.village_id, func.count())
             .where(among(StatusChange.village_id, village_ids),
                    StatusChange.reported_at >= since, StatusChange.reported_at < until)
             .group_by(StatusChange.village_id))
    return {village_id: times for village_id, times in await session.execute(query)}
