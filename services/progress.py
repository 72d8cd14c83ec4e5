"""Progress of any unit at a date: loads plans and changes, calls the pure engine."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.progress import ChangeFact, Track, Verdict, build_track, expected_share, rate
from domain.statuses import ChangeKind, ReportState, Status
from storage import units as unit_repo
from storage.idlists import among
from storage.models import ExitRegistration, Household, StatusChange, Unit, UnitPlan

OUT_OF_POVERTY = (Status.OUT.value, Status.NEAR_POOR.value)


@dataclass(frozen=True)
class Disagreement:
    """A total the document states that differs from the sum of its rows."""

    label: str
    stated: int
    computed: int


@dataclass
class UnitProgress:
    """Everything an answer or a digest says about one unit."""

    unit: Unit
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
    waiting: list[Household] = field(default_factory=list)

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


async def unit_progress(session: AsyncSession, unit: Unit, today: dt.date) -> UnitProgress | None:
    """Progress of a village or of any unit above (sum of its villages); None without a plan."""
    all_units = await unit_repo.all_units(session)
    by_id = {u.id: u for u in all_units}
    village_ids = sorted(
        i for i in unit_repo.descendants(all_units, {unit.id}) if by_id[i].level == "village"
    )
    own_plan = await unit_repo.latest_plan(session, unit.id, today.year)
    year = own_plan.year if own_plan else await _latest_year(session, village_ids, today.year)
    if year is None:
        return None
    window = (dt.date(year, 1, 1), await _window_end(session, unit.id, year, today))
    plans = await _plans(session, village_ids, year)
    facts = await _facts(session, village_ids, window)
    waiting = await _waiting(session, village_ids, year)
    villages = [
        _village(by_id[v], by_id, plans.get(v), facts.get(v, []), waiting.get(v, []), year, today)
        for v in village_ids
        if v in plans or unit.id == v
    ]
    if unit.level == "village":
        return villages[0] if villages else None
    return _aggregate(unit, by_id, own_plan, villages, year, today)


def _village(
    unit: Unit,
    by_id: dict[int, Unit],
    plan: UnitPlan | None,
    facts: list[ChangeFact],
    waiting: list[Household],
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
    return _progress(unit, by_id, year, today, poor=poor, near_poor=near,
                     households=plan.households if plan else None, plan=plan, waiting=waiting)


def _progress(unit: Unit, by_id: dict[int, Unit], year: int, today: dt.date,
              **figures: Any) -> UnitProgress:
    """A unit's progress record: its label, year, date and pace, with the given figures."""
    return UnitProgress(unit=unit, label=unit_repo.full_name(unit, by_id), year=year,
                        as_of=today, expected=expected_share(year, today), **figures)


def _aggregate(
    unit: Unit,
    by_id: dict[int, Unit],
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
    result = _progress(unit, by_id, year, today, poor=poor, near_poor=near,
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


async def _window_end(session: AsyncSession, unit_id: int, year: int, today: dt.date) -> dt.date:
    """A plan is in force until the next year's plan exists: count changes until then."""
    newer = await session.scalar(
        select(UnitPlan.year)
        .where(UnitPlan.unit_id == unit_id, UnitPlan.year > year)
        .order_by(UnitPlan.year)
        .limit(1)
    )
    return min(today, dt.date(newer, 1, 1) - dt.timedelta(days=1)) if newer else today


async def _plans(session: AsyncSession, village_ids: list[int], year: int) -> dict[int, UnitPlan]:
    query = select(UnitPlan).where(among(UnitPlan.unit_id, village_ids), UnitPlan.year == year)
    return {plan.unit_id: plan for plan in (await session.scalars(query)).all()}


async def _facts(
    session: AsyncSession, village_ids: list[int], window: tuple[dt.date, dt.date]
) -> dict[int, list[ChangeFact]]:
    query = select(StatusChange).where(
        among(StatusChange.village_id, village_ids),
        StatusChange.happened_on.between(*window),
        StatusChange.state.in_([ReportState.CONFIRMED.value, ReportState.PENDING.value]),
    )
    facts: dict[int, list[ChangeFact]] = {}
    for change in (await session.scalars(query)).all():
        facts.setdefault(change.village_id, []).append(
            ChangeFact(
                ChangeKind(change.kind),
                ReportState(change.state),
                Status(change.from_status),
                Status(change.to_status),
                change.happened_on,
            )
        )
    return facts


async def _waiting(
    session: AsyncSession, village_ids: list[int], year: int
) -> dict[int, list[Household]]:
    """Households registered to exit in `year` that have not exited yet (confirmed)."""
    query = (
        select(Household)
        .join(ExitRegistration)
        .where(ExitRegistration.year == year, among(Household.village_id, village_ids))
        .order_by(Household.id)
    )
    waiting: dict[int, list[Household]] = {}
    for household in (await session.scalars(query)).all():
        if household.status == household.initial_status:
            waiting.setdefault(household.village_id, []).append(household)
    return waiting
