"""The web view's overview of a unit: its figures and one row per unit below it, from the
same progress engine as the chat's answers and the digests (no second source of truth)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.names import sort_key
from domain.periods import Period, PeriodKind, period_of
from domain.schedule import Calendar
from services.completeness import completeness
from services.progress import UnitProgress, aggregate, unit_progress
from services.standing import RANK, gap
from storage.idlists import among
from storage.models import UnitPlan
from storage.unit_tree import UnitInfo, UnitTree, unit_tree

SORTS = ("name", "poor", "near_poor", "pending", "pace")


@dataclass
class Row:
    """One unit of the overview: its progress, reports waiting, villages that reported."""

    progress: UnitProgress
    villages: int
    reported: int

    @property
    def pending(self) -> int:
        """Reports waiting for a decision (poor and near-poor tracks together)."""
        return pending_of(self.progress)


@dataclass
class Overview:
    """A unit's total and its parts, with the quarter whose completeness is shown."""

    whole: Row | None  # None: several units side by side (an officer's villages)
    rows: list[Row]
    quarter: Period
    tree: UnitTree


def pending_of(progress: UnitProgress) -> int:
    """Households with a report waiting: each pending change counted once."""
    return sum(progress.poor.pending.as_tuple()) + sum(progress.near_poor.pending.as_tuple())


async def overview(session: AsyncSession, unit: UnitInfo, today: dt.date, cal: Calendar,
                   sort: str = "pace") -> Overview | None:
    """The unit's figures and its parts' (villages of a commune, communes of a province)."""
    whole = await unit_progress(session, unit, today, names=False)
    if whole is None:
        return None
    tree = await unit_tree(session)
    quarter = period_of(PeriodKind.QUARTER, today, cal.cutoff_day)
    done = await completeness(session, [unit], quarter, today, cal)
    reported = {r.village.id for r in done.reported}
    parts = whole.villages if unit.level == "commune" else await _parts(session, whole, tree)
    rows = [_row(p, tree, reported) for p in parts]
    return Overview(_row(whole, tree, reported), sorted_rows(rows, sort), quarter, tree)


async def units_overview(session: AsyncSession, units: list[UnitInfo], today: dt.date,
                         cal: Calendar, sort: str = "pace") -> Overview:
    """Several units side by side (the units a user's role covers), without a total."""
    tree = await unit_tree(session)
    quarter = period_of(PeriodKind.QUARTER, today, cal.cutoff_day)
    done = await completeness(session, units, quarter, today, cal)
    reported = {r.village.id for r in done.reported}
    rows = [_row(p, tree, reported) for unit in units
            if (p := await unit_progress(session, unit, today, names=False))]
    return Overview(None, sorted_rows(rows, sort), quarter, tree)


def _row(progress: UnitProgress, tree: UnitTree, reported: set[int]) -> Row:
    villages = [progress.unit.id] if progress.unit.level == "village" \
        else [v.unit.id for v in progress.villages]
    return Row(progress, len(villages), sum(v in reported for v in villages))


async def _parts(session: AsyncSession, whole: UnitProgress, tree: UnitTree) -> list[UnitProgress]:
    """The units one level down, each the sum of its villages, with its own plan's stated
    totals compared (services/progress.aggregate), from the villages already computed."""
    children = tree.children.get(whole.unit.id, [])
    below: dict[int, list[UnitProgress]] = {child: [] for child in children}
    for village in whole.villages:
        top = village.unit.id
        while tree.by_id[top].parent_id not in (whole.unit.id, None):
            top = tree.by_id[top].parent_id  # type: ignore[assignment]
        below.setdefault(top, []).append(village)
    query = select(UnitPlan).where(among(UnitPlan.unit_id, children), UnitPlan.year == whole.year)
    plans = {p.unit_id: p for p in (await session.scalars(query)).all()}
    return [aggregate(tree.by_id[child], tree, plans.get(child), villages, whole.year,
                      whole.as_of)
            for child, villages in below.items() if villages]


def sorted_rows(rows: list[Row], sort: str) -> list[Row]:
    """Rows by name, by share reached (poor, near-poor), by reports waiting, or by pace."""
    keys = {
        "name": lambda r: sort_key(r.progress.unit.name),
        "poor": lambda r: -(r.progress.poor.share or 0.0),
        "near_poor": lambda r: -(r.progress.near_poor.share or 0.0),
        "pending": lambda r: -r.pending,
        "pace": lambda r: (RANK.index(r.progress.poor_verdict), gap(r.progress)),
    }
    return sorted(rows, key=keys.get(sort, keys["pace"]))
