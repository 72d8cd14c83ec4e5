"""How units stand against each other: ranked by pace, those needing attention, rankings
asked for ("thôn nào chậm nhất"). One source for answers and digests, on the progress
engine's verdicts (poor and near-poor alike)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from domain.names import sort_key
from domain.periods import Period
from domain.progress import Verdict
from services.progress import UnitProgress, unit_progress
from storage.unit_tree import UnitInfo, unit_tree

RANK = [Verdict.MET, Verdict.AHEAD, Verdict.ON_PACE, Verdict.BEHIND, Verdict.NO_TARGET]
SHOWN = 5  # units listed in an answer; the rest are counted


@dataclass(frozen=True)
class Attention:
    """A village the commune leader should look at, and why."""

    village: UnitProgress
    poor_behind: bool
    near_behind: bool
    fell_back: int


@dataclass
class Ranking:
    """Units of one level in the asker's units, in the order asked ('slowest', 'best',
    'not_met'), with how many are behind pace on either target."""

    within: list[UnitProgress]
    level: str
    order: str
    parts: list[UnitProgress]
    total: int  # units of the level with a plan, before 'not_met' keeps some
    behind: int
    period: Period | None

    @property
    def shown(self) -> list[UnitProgress]:
        """The first units of the order, as an answer lists them."""
        return self.parts[:SHOWN]


async def progress_at(session: AsyncSession, unit: UnitInfo, share: float,
                      as_of: dt.date, names: bool = False) -> UnitProgress | None:
    """Progress as of a date, judged against the pace due at the period's end."""
    progress = await unit_progress(session, unit, as_of, names)
    if progress is not None:
        for part in [progress, *progress.villages]:
            part.expected = share
    return progress


def rank(villages: list[UnitProgress]) -> list[UnitProgress]:
    """Villages by pace on poor households: met, ahead, on pace, behind, no target."""
    return sorted(villages, key=lambda v: (RANK.index(v.poor_verdict), -(v.poor.share or 0.0),
                                           -(v.near_poor.share or 0.0), v.unit.name_key))


def needs_attention(villages: list[UnitProgress]) -> list[Attention]:
    """Villages behind pace on either target, or with households fallen back into poverty."""
    found = [Attention(v, v.poor_verdict is Verdict.BEHIND,
                       v.near_poor_verdict is Verdict.BEHIND, v.poor.confirmed.fell_back)
             for v in villages]
    found = [a for a in found if a.poor_behind or a.near_behind or a.fell_back]
    return sorted(found, key=lambda a: (gap(a.village), sort_key(a.village.unit.name)))


def behind_pace(unit: UnitProgress) -> bool:
    """Behind pace on poor or on near-poor households."""
    return Verdict.BEHIND in (unit.poor_verdict, unit.near_poor_verdict)


def gap(unit: UnitProgress) -> float:
    """Households short of the pace line, poor and near-poor together (negative: short)."""
    return sum(track.confirmed.net - (track.target or 0) * unit.expected
               for track in (unit.poor, unit.near_poor))


def ordered(parts: list[UnitProgress], order: str) -> list[UnitProgress]:
    """'slowest' first (most households short of pace), 'best' first, or only those that
    have 'not_met' a target they were given, slowest first."""
    if order == "not_met":
        parts = [p for p in parts if _not_met(p)]
    slowest = sorted(parts, key=lambda p: (gap(p), sort_key(p.unit.name)))
    return slowest[::-1] if order == "best" else slowest


def _not_met(unit: UnitProgress) -> bool:
    return any(track.target and track.confirmed.net < track.target
               for track in (unit.poor, unit.near_poor))


async def ranking(session: AsyncSession, units: Sequence[UnitInfo], level: str, order: str,
                  period: Period | None, today: dt.date) -> Ranking:
    """Units of `level` at or below the asker's units, with plans, in the order asked."""
    as_of = min(period.end(), today) if period else today
    within, parts = [], []
    tree = await unit_tree(session)
    for unit in units:
        whole = await _progress(session, unit, period, as_of)
        if whole is None:
            continue
        within.append(whole)
        if level == "village":
            parts.extend([whole] if whole.unit.level == "village" else whole.villages)
            continue
        for part_id in tree.under(unit.id, level):
            part = await _progress(session, tree.by_id[part_id], period, as_of)
            parts.extend([part] if part else [])
    found = ordered(parts, order)
    return Ranking(within, level, order, found, len(parts), sum(map(behind_pace, parts)), period)


@dataclass
class Comparison:
    """Units side by side, in the order named; `ahead` is the one nearest its pace line on
    both targets together, None when they stand level (or fewer than two have plans)."""

    parts: list[UnitProgress]
    ahead: UnitProgress | None
    period: Period | None

    @property
    def years(self) -> list[int]:
        """The plan years compared (a unit may have only an older plan)."""
        return sorted({p.year for p in self.parts})

    @property
    def gaps(self) -> list[tuple[UnitProgress, float]]:
        """Each unit with its households past (positive) or short of its pace line."""
        return [(p, gap(p)) for p in self.parts]


async def comparison(session: AsyncSession, units: Sequence[UnitInfo], period: Period | None,
                     today: dt.date) -> Comparison:
    """The named units' progress side by side, and which is ahead of pace."""
    as_of = min(period.end(), today) if period else today
    parts = [p for unit in dict.fromkeys(units)
             if (p := await _progress(session, unit, period, as_of))]
    best = ordered(parts, "best")
    ahead = best[0] if len(best) > 1 and gap(best[0]) - gap(best[1]) >= 0.5 else None
    return Comparison(parts, ahead, period)


async def _progress(session: AsyncSession, unit: UnitInfo, period: Period | None,
                    as_of: dt.date) -> UnitProgress | None:
    if period is None:
        return await unit_progress(session, unit, as_of, names=False)
    return await progress_at(session, unit, period.share_of_year, as_of)
