"""Tỷ lệ hộ nghèo: poor, near-poor and combined shares of all households, now, at the start
of the year and at the plan's target, from the progress engine and the plan's households."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from domain.periods import Period
from domain.progress import Track, rate
from services.counts import as_of
from services.progress import UnitProgress, unit_progress
from storage.unit_tree import UnitInfo, unit_tree


@dataclass(frozen=True)
class Shares:
    """Poor, near-poor and combined households at one moment, as shares of all."""

    poor: int | None
    near_poor: int | None
    households: int | None

    @property
    def poor_rate(self) -> float | None:
        """Tỷ lệ hộ nghèo."""
        return rate(self.poor, self.households)

    @property
    def near_poor_rate(self) -> float | None:
        """Tỷ lệ hộ cận nghèo."""
        return rate(self.near_poor, self.households)

    @property
    def both_rate(self) -> float | None:
        """Tỷ lệ hộ nghèo và cận nghèo."""
        if self.poor is None or self.near_poor is None:
            return None
        return rate(self.poor + self.near_poor, self.households)


@dataclass(frozen=True)
class UnitRate:
    """A unit's rates; `households` None when the plan does not give all households."""

    unit: UnitInfo
    label: str
    year: int | None  # None: no plan entered
    as_of: dt.date
    households: int | None
    now: Shares | None = None
    start: Shares | None = None
    target: Shares | None = None  # at the end of the year if the targets are met


async def rates(
    session: AsyncSession, units: list[UnitInfo], period: Period | None, today: dt.date
) -> list[UnitRate]:
    """The rates of each unit (already checked against the asker's scope)."""
    return [await unit_rate(session, unit, period, today) for unit in units]


async def unit_rate(
    session: AsyncSession, unit: UnitInfo, period: Period | None, today: dt.date
) -> UnitRate:
    """One unit's rates as of the period's end (today without a period)."""
    end = as_of(period, today)
    progress = await unit_progress(session, unit, end, names=False)
    if progress is None:
        label = (await unit_tree(session)).full_name(unit)
        return UnitRate(unit, label, None, end, None)
    households = all_households(progress)
    poor, near = progress.poor, progress.near_poor
    return UnitRate(
        unit, progress.label, progress.year, end, households,
        now=Shares(poor.now, near.now, households),
        start=Shares(poor.start, near.start, households),
        target=Shares(_left(poor), _left(near), households),
    )


def all_households(progress: UnitProgress) -> int | None:
    """All households of the unit, only when every village's are known (a partial sum would
    make the rate too high) or the unit's own plan states them."""
    if not progress.villages or all(v.households is not None for v in progress.villages):
        return progress.households
    return progress.plan.households if progress.plan else None


def _left(track: Track) -> int | None:
    """Households left at the end of the year if the target is met."""
    if track.start is None or track.target is None:
        return None
    return track.start - track.target
