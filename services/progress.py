"""Progress of any unit at a date: loads plans and changes, calls the pure engine."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.progress import ChangeFact, Track, Verdict, build_track, expected_share, rate
from domain.statuses import ChangeKind, ReportState, Status
from storage.households import ToExit, still_to_exit
from storage.idlists import among
from storage.models import StatusChange, UnitPlan
from storage.unit_tree import UnitInfo, UnitTree, unit_tree

OUT_OF_POVERTY = (Status.OUT.value, Status.NEAR_POOR.value)


@dataclass(frozen=True)
class Disagreement:
    """A total the document states that differs from the sum of its rows."""

    label: str
    stated: int
    computed: int


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
    plans = {p.unit_id: p for p in own_plans if p.year == year} if unit.level == "village" \
        else await _plans(session, village_ids, year)  # a village's plans: read just above
    facts = await _facts(session, village_ids, window)
    waiting = await still_to_exit(session, village_ids, year, window[1]) \
        if names and unit.level == "village" else {}
    villages = [
        _village(tree.by_id[v], tree, plans.get(v), facts.get(v, []), waiting.get(v, []),
                 year, today)
        for v in village_ids
        if v in plans or unit.id == v
    ]
    if unit.level == "village":
        return villages[0] if villages else None
    return _aggregate(unit, tree, own_plan, villages, year, today)


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


def _aggregate(
    unit: UnitInfo,
    tree: UnitTree,
    plan: UnitPlan | None,
    villages: list[UnitProgress],
    year: int,
    today: dt.date,
) -> UnitProgress:
    poor, near = Track(None, None), Track(None, None)
    households: int | None = None
    for village in villages:
        poor, near = poor + village.poor, near + village.near_poor
        if village.households is not None:
            households = (households or 0) + village.households
    result = _progress(unit, tree, year, today, poor=poor, near_poor=near,
                       households=households, plan=plan, villages=villages,
                       waiting=[h for v in villages for h in v.waiting])
    if plan is not None:
        result.disagreements = _compare_stated(result, plan)
    return result


def _compare_stated(progress: UnitProgress, plan: UnitPlan) -> list[Disagreement]:
    """Show where the document's totals differ; fill what the rows do not state."""
    found = []
    pairs = (
        ("hộ nghèo đầu năm", progress.poor, "start", plan.poor),
        ("chỉ tiêu giảm hộ nghèo", progress.poor, "target", plan.target_poor),
        ("hộ cận nghèo đầu năm", progress.near_poor, "start", plan.near_poor),
        ("chỉ tiêu giảm hộ cận nghèo", progress.near_poor, "target", plan.target_near_poor),
    )
    for label, track, attr, stated in pairs:
        computed = getattr(track, attr)
        if stated is None:
            continue
        if computed is None:
            setattr(track, attr, stated)  # rows silent: the document's figure is all we have
        elif computed != stated:
            found.append(Disagreement(label, stated, computed))
    remaining = (
        (plan.stated_poor_remaining, progress.poor, "hộ nghèo còn lại cuối năm"),
        (plan.stated_near_poor_remaining, progress.near_poor, "hộ cận nghèo còn lại cuối năm"),
    )
    for stated, track, label in remaining:
        if None in (stated, track.start, track.target):
            continue
        computed_remaining = track.start - track.target  # type: ignore[operator]
        if computed_remaining != stated:
            found.append(Disagreement(label, stated, computed_remaining))  # type: ignore[arg-type]
    if progress.households is None:
        progress.households = plan.households
    elif plan.households is not None and plan.households != progress.households:
        found.append(Disagreement("tổng số hộ", plan.households, progress.households))
    return found


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
