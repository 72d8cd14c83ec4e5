"""Reporting completeness: per village of a period, reported (with changes or 'không có thay
đổi') or not, and on time or late against the period's deadline (Calendar.deadline_of).

A report counts for a quarter when it was made during it or is about a day inside it (made
later: late); a 'no change' declaration counts for the period it names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.names import sort_key
from domain.periods import Period, PeriodKind, period_of
from domain.schedule import Calendar
from storage.idlists import among
from storage.models import NoChangeReport, StatusChange
from storage.unit_tree import UnitInfo, UnitNode, unit_tree


@dataclass(frozen=True)
class VillageReport:
    """A village that has reported in the period: how, and whether by the deadline."""

    village: UnitNode
    reports: int  # status reports counted for the period
    no_change: bool  # declared 'không có thay đổi'
    on_time: bool


@dataclass
class Completeness:
    """Villages of the asked units that have reported in the period, and those silent."""

    within: list[str]
    period: Period
    as_of: dt.date
    deadline: dt.date
    reported: list[VillageReport]
    silent: list[UnitNode]
    checked: dt.date  # the day the reports were counted to

    @property
    def villages(self) -> int:
        """Villages counted."""
        return len(self.reported) + len(self.silent)

    @property
    def late(self) -> list[VillageReport]:
        """Villages that reported only after the deadline."""
        return [r for r in self.reported if not r.on_time]

    @property
    def overdue(self) -> bool:
        """The deadline has passed."""
        return self.checked > self.deadline


def quarter_of(day: dt.date, cal: Calendar) -> Period:
    """The reporting quarter a day falls in."""
    return period_of(PeriodKind.QUARTER, day, cal.cutoff_day)


async def completeness(session: AsyncSession, units: Sequence[UnitInfo], period: Period | None,
                       today: dt.date, cal: Calendar) -> Completeness:
    """Villages under `units` and how each has reported for the period (the quarter under
    way unless named), counting what was sent up to today."""
    period = period or quarter_of(today, cal)
    tree = await unit_tree(session)
    village_ids = sorted({v for unit in units for v in tree.under(unit.id, "village")})
    firsts = await _first_reports(session, village_ids, period, today, cal)
    villages = sorted((tree.by_id[v] for v in village_ids), key=lambda n: sort_key(n.name))
    deadline, zone = cal.deadline_of(period), ZoneInfo(cal.timezone)
    reported = [VillageReport(v, firsts[v.id][0], firsts[v.id][1],
                              firsts[v.id][2].astimezone(zone).date() <= deadline)
                for v in villages if v.id in firsts]
    return Completeness(
        within=[tree.full_name(unit) for unit in units], period=period,
        as_of=min(period.end(cal.cutoff_day), today), deadline=deadline, reported=reported,
        silent=[v for v in villages if v.id not in firsts], checked=today)


async def _first_reports(session: AsyncSession, village_ids: list[int], period: Period,
                         today: dt.date, cal: Calendar
                         ) -> dict[int, tuple[int, bool, dt.datetime]]:
    """Per village: reports counted, a 'no change' declared, the first moment of either."""
    zone = ZoneInfo(cal.timezone)
    first, last = period.start(cal.cutoff_day), period.end(cal.cutoff_day)
    since, ends = _midnight(first, zone), _midnight(last + dt.timedelta(days=1), zone)
    until = _midnight(today + dt.timedelta(days=1), zone)
    made = StatusChange.reported_at
    query = (select(StatusChange.village_id, func.count(), func.min(made))
             .where(among(StatusChange.village_id, village_ids), made >= since, made < until,
                    or_(made < ends, and_(StatusChange.happened_on >= first,
                                          StatusChange.happened_on <= last)))
             .group_by(StatusChange.village_id))
    found = {v: (n, False, at) for v, n, at in await session.execute(query)}
    declared = await session.execute(
        select(NoChangeReport.village_id, NoChangeReport.reported_at).where(
            among(NoChangeReport.village_id, village_ids), NoChangeReport.period == period.key,
            NoChangeReport.reported_at < until))
    for village_id, at in declared:
        n, _, earlier = found.get(village_id, (0, False, at))
        found[village_id] = (n, True, min(_aware(earlier), _aware(at)))
    return {v: (n, no, _aware(at)) for v, (n, no, at) in found.items()}


def _midnight(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), zone).astimezone(dt.UTC)


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite hands datetimes back naive (stored as UTC)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
