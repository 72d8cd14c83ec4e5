"""How many households: now, at the start of the year, exited or entered, from the progress
engine (services/progress.py) so a count never differs from "Thôn Chợ thế nào?"."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from domain.periods import Period
from domain.progress import Flows, Track
from domain.statuses import Status
from services.progress import UnitProgress, unit_progress
from storage.unit_tree import UnitInfo, unit_tree
from understanding.types import Measure

TRACKED = (Status.POOR, Status.NEAR_POOR)


@dataclass(frozen=True)
class Figure:
    """One status's figure of a count, with what is still waiting for a decision."""

    status: Status
    value: int | None
    start: int | None  # at the start of the plan's year
    pending: int = 0  # reports of the same flow not decided yet (exited / entered)
    fell_back: int = 0  # tái nghèo among the poor entries


@dataclass(frozen=True)
class UnitCount:
    """A count for one unit; `since` is the first day counted for flows (exited/entered)."""

    unit: UnitInfo
    label: str
    year: int | None  # None: no plan entered for the unit
    since: dt.date
    as_of: dt.date
    figures: list[Figure]


def as_of(period: Period | None, today: dt.date) -> dt.date:
    """The day a question is answered for: the period's end (never after today)."""
    return min(period.end(), today) if period else today


def statuses(status: str | None) -> tuple[Status, ...]:
    """The statuses asked about ('poor', 'near_poor'; None: both)."""
    return (Status(status),) if status else TRACKED


async def counts(
    session: AsyncSession,
    units: list[UnitInfo],
    measure: Measure,
    asked: tuple[Status, ...],
    period: Period | None,
    today: dt.date,
) -> list[UnitCount]:
    """The count of each unit (units already checked against the asker's scope)."""
    return [await count(session, unit, measure, asked, period, today) for unit in units]


async def count(
    session: AsyncSession,
    unit: UnitInfo,
    measure: Measure,
    asked: tuple[Status, ...],
    period: Period | None,
    today: dt.date,
) -> UnitCount:
    """The count of one unit as of the period's end (today without a period). Flows are
    counted from the period's start, within the plan's year."""
    end = as_of(period, today)
    progress = await unit_progress(session, unit, end, names=False)
    if progress is None:
        label = (await unit_tree(session)).full_name(unit)
        return UnitCount(unit, label, None, end, end, [])
    since = dt.date(progress.year, 1, 1)
    before: UnitProgress | None = None
    if period and measure in (Measure.EXITED, Measure.ENTERED) and period.start() > since:
        since = period.start()
        before = await unit_progress(session, unit, since - dt.timedelta(days=1), names=False)
        if before is not None and before.year != progress.year:
            before = None
    figures = [_figure(measure, s, progress, before) for s in asked]
    return UnitCount(unit, progress.label, progress.year, since, end, figures)


def _track(progress: UnitProgress | None, status: Status) -> Track | None:
    if progress is None:
        return None
    return progress.poor if status is Status.POOR else progress.near_poor


def _figure(
    measure: Measure, status: Status, progress: UnitProgress, before: UnitProgress | None
) -> Figure:
    track = _track(progress, status)
    assert track is not None
    if measure is Measure.NOW:
        return Figure(status, track.now, track.start)
    if measure is Measure.START:
        return Figure(status, track.start, track.start)
    earlier = _track(before, status)
    flows = _since(track.confirmed, earlier.confirmed if earlier else None)
    pending = _since(track.pending, earlier.pending if earlier else None)
    if measure is Measure.EXITED:
        return Figure(status, flows.exits, track.start, pending.exits)
    return Figure(status, flows.entries, track.start, pending.entries, flows.fell_back)


def _since(flows: Flows, before: Flows | None) -> Flows:
    """The flows after `before` (counted up to the day before the period started)."""
    if before is None:
        return flows
    return Flows(*(a - b for a, b in zip(flows.as_tuple(), before.as_tuple(), strict=True)))
