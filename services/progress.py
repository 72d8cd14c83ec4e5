"""Progress of any unit at a date: loads plans and changes, calls the pure engine."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.progress import (
    ChangeFact,
    Flows,
    Track,
    Verdict,
    build_track,
    expected_share,
    rate,
    total,
)
from domain.statuses import ChangeKind, ReportState, Status
from services.stated import Disagreement, compare_stated
from storage.flows import VillageFlows, window_flows
from storage.households import ToExit, still_to_exit
from storage.idlists import among
from storage.models import StatusChange, UnitPlan
from storage.unit_tree import UnitInfo, UnitTree, unit_tree

OUT_OF_POVERTY = (Status.OUT.value, Status.NEAR_POOR.value)


class Paced:
    """Pace verdicts and rates of anything with two tracks, a pace share and households
    (a unit's progress, and its plain figures sent to a worker process)."""

    expected: float
    poor: Track
    near_poor: Track
    households: int | None

    @property
    def poor_verdict(self) -> Verdict:
        """Pace verdict on poor households."""
        return self.poor.verdict(self.expected)

    @property
    def near_poor_verdict(self) -> Verdict:
        """Pace verdict on near-poor households."""
        return self.near_poor.verdict(self.expected)

    @property
    def poor_rate_start(self) -> float | None:
        """Poor households at the start of the year over all households."""
        return rate(self.poor.start, self.households)

    @property
    def poor_rate_now(self) -> float | None:
        """Poor households now (confirmed) over all households."""
        return rate(self.poor.now, self.households)


@dataclass
class UnitProgress(Paced):
    """Everything an answer or a digest says about one unit."""

    unit: UnitInfo
    label: str
    year: int
    as_of: dt.date
    expected: float
    poor: Track
    near_poor: Track
    households: int | None
    plan: UnitPlan | None
    villages: list[UnitProgress] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)
    waiting: list[ToExit] = field(default_factory=list)


async def unit_progress(
    session: AsyncSession, unit: UnitInfo, today: dt.date, names: bool = True
) -> UnitProgress | None:
    """Progress of a village or of any unit above (sum of its villages); None without a plan.

    Households still to exit (`waiting`, with names) are loaded for a village only, and
    only when `names` (digests show figures, reminders and answers show names).
    """
    tree = await unit_tree(session)
    village_ids = tree.under(unit.id, "village")
    own_plans = await _own_plans(session, unit.id)
    own_plan = next((p for p in reversed(own_plans) if p.year <= today.year), None)
    year = own_plan.year if own_plan else await _latest_year(session, village_ids, today.year)
    if year is None:
        return None
    window = (dt.date(year, 1, 1), _window_end(own_plans, year, today))
    if unit.level != "village":
        villages = await _villages(session, tree, village_ids, year, window, today)
        return aggregate(unit, tree, own_plan, villages, year, today)
    plan = next((p for p in own_plans if p.year == year), None)
    facts = await _facts(session, village_ids, window)
    waiting = await still_to_exit(session, village_ids, year, window[1]) if names else {}
    return _village(unit, tree, plan, facts.get(unit.id, []), waiting.get(unit.id, []),
                    year, today)


async def _villages(session: AsyncSession, tree: UnitTree, village_ids: list[int], year: int,
                    window: tuple[dt.date, dt.date], today: dt.date) -> list[UnitProgress]:
    """The villages with a plan of the year, their flows from the sums the triggers keep
    (storage/flows.py: no report read); counted from the reports when one in the window's
    last month is dated after its end. Their `plan` is None: figures only (plan_next reads
    the villages' plans for their names)."""
    flows = await window_flows(session, village_ids, window)
    if flows is None:
        plans = await _plans(session, village_ids, year)
        facts = await _facts(session, village_ids, window)
        return [_village(tree.by_id[v], tree, plans[v], facts.get(v, []), [], year, today)
                for v in village_ids if v in plans]
    starts = {row[0]: row[1:] for row in await plan_figures(session, village_ids, year)}
    villages = []
    for v in village_ids:
        if v not in starts:
            continue
        households, poor, near, target_poor, target_near = starts[v]
        f = flows.get(v) or VillageFlows(Flows(), Flows(), Flows(), Flows())
        villages.append(_progress(
            tree.by_id[v], tree, year, today, households=households, plan=None,
            poor=Track(poor, target_poor, f.poor, f.pending_poor),
            near_poor=Track(near, target_near, f.near_poor, f.pending_near_poor)))
    return villages


def _village(
    unit: UnitInfo,
    tree: UnitTree,
    plan: UnitPlan | None,
    facts: list[ChangeFact],
    waiting: list[ToExit],
    year: int,
    today: dt.date,
) -> UnitProgress:
    poor = build_track(
        Status.POOR, plan.poor if plan else None, plan.target_poor if plan else None, facts
    )
    near = build_track(
        Status.NEAR_POOR,
        plan.near_poor if plan else None,
        plan.target_near_poor if plan else None,
        facts,
    )
    return _progress(unit, tree, year, today, poor=poor, near_poor=near,
                     households=plan.households if plan else None, plan=plan, waiting=waiting)


def _progress(unit: UnitInfo, tree: UnitTree, year: int, today: dt.date,
              **figures: Any) -> UnitProgress:
    """A unit's progress record: its label, year, date and pace, with the given figures."""
    return UnitProgress(unit=unit, label=tree.full_name(unit), year=year,
                        as_of=today, expected=expected_share(year, today), **figures)


def aggregate(
    unit: UnitInfo,
    tree: UnitTree,
    plan: UnitPlan | None,
    villages: list[UnitProgress],
    year: int,
    today: dt.date,
) -> UnitProgress:
    poor, near = total(v.poor for v in villages), total(v.near_poor for v in villages)
    known = [v.households for v in villages if v.households is not None]
    households = sum(known) if known else None
    result = _progress(unit, tree, year, today, poor=poor, near_poor=near,
                       households=households, plan=plan, villages=villages,
                       waiting=[h for v in villages for h in v.waiting])
    if plan is not None:
        result.disagreements = compare_stated(result, plan)
    return result


async def _latest_year(session: AsyncSession, village_ids: list[int], year: int) -> int | None:
    query = select(UnitPlan.year).where(among(UnitPlan.unit_id, village_ids), UnitPlan.year <= year)
    return await session.scalar(query.order_by(UnitPlan.year.desc()).limit(1))


async def _own_plans(session: AsyncSession, unit_id: int) -> list[UnitPlan]:
    """The unit's plans of every year, oldest first (a handful: one a year)."""
    query = select(UnitPlan).where(UnitPlan.unit_id == unit_id).order_by(UnitPlan.year)
    return list((await session.scalars(query)).all())


def _window_end(own_plans: list[UnitPlan], year: int, today: dt.date) -> dt.date:
    """A plan is in force until the next year's plan exists: count changes until then."""
    newer = next((p.year for p in own_plans if p.year > year), None)
    return min(today, dt.date(newer, 1, 1) - dt.timedelta(days=1)) if newer else today


async def plan_figures(session: AsyncSession, village_ids: list[int],
                       year: int) -> list[tuple[Any, ...]]:
    """(village, households, poor, near-poor, targets) of each village's plan, plain rows."""
    query = select(UnitPlan.unit_id, UnitPlan.households, UnitPlan.poor, UnitPlan.near_poor,
                   UnitPlan.target_poor, UnitPlan.target_near_poor).where(
        among(UnitPlan.unit_id, village_ids), UnitPlan.year == year)
    return [tuple(row) for row in (await session.execute(query)).all()]


async def _plans(session: AsyncSession, village_ids: list[int], year: int) -> dict[int, UnitPlan]:
    query = select(UnitPlan).where(among(UnitPlan.unit_id, village_ids), UnitPlan.year == year)
    return {plan.unit_id: plan for plan in (await session.scalars(query)).all()}


async def _facts(
    session: AsyncSession, village_ids: list[int], window: tuple[dt.date, dt.date]
) -> dict[int, list[ChangeFact]]:
    """Confirmed and pending changes per village, counted in SQL (one row per kind)."""
    grouping = (StatusChange.village_id, StatusChange.kind, StatusChange.state,
                StatusChange.from_status, StatusChange.to_status)
    query = select(*grouping, func.count()).where(
        among(StatusChange.village_id, village_ids),
        StatusChange.happened_on.between(*window),
        StatusChange.state.in_([ReportState.CONFIRMED.value, ReportState.PENDING.value]),
    ).group_by(*grouping)
    facts: dict[int, list[ChangeFact]] = {}
    for village_id, kind, state, from_status, to_status, times in await session.execute(query):
        facts.setdefault(village_id, []).append(ChangeFact(
            ChangeKind(kind), ReportState(state), Status(from_status), Status(to_status), times))
    return facts
