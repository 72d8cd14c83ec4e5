"""Each village's flows per month and state, kept current by triggers (migration 0010).

A question about a commune, a province or the country reads these sums instead of counting
every report of its villages; `recount` counts them again from the reports, the way the
triggers should have (tests compare the two on random histories).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Date, Integer, String, Table, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.progress import ChangeFact, Flows, flow_of
from domain.statuses import ChangeKind, ReportState, Status
from storage.idlists import among
from storage.models import Base, BigId, StatusChange

FLOWS = ("exits", "entries", "fell_back", "worse", "removed")  # Flows' field order
COLUMNS = [f"{prefix}_{flow}" for prefix in ("poor", "near") for flow in FLOWS]
COUNTED = (ReportState.CONFIRMED, ReportState.PENDING)
CONFIRMED = ReportState.CONFIRMED.value

village_flow = Table(
    "village_flow", Base.metadata,
    Column("village_id", BigId, primary_key=True),
    Column("month", Integer, primary_key=True),  # year * 100 + month of happened_on, or 0
    Column("state", String(16), primary_key=True),
    *[Column(name, Integer, nullable=False) for name in COLUMNS],
    Column("last_day", Date, nullable=False),  # no report counted here is dated later
)


@dataclass(frozen=True, slots=True)
class VillageFlows:
    """A village's flows over a window: confirmed and pending, poor and near-poor."""

    poor: Flows
    near_poor: Flows
    pending_poor: Flows
    pending_near_poor: Flows


def month_of(day: dt.date) -> int:
    """The key of a day's month (202609); its year's is month 0 (202600)."""
    return day.year * 100 + day.month


async def window_flows(session: AsyncSession, village_ids: Collection[int],
                       window: tuple[dt.date, dt.date]) -> dict[int, VillageFlows] | None:
    """Each village's flows of the reports dated within the window (from a month's first
    day): the years' rows when no report of theirs is dated after the window's end, else the
    months' rows; None when a report in the last month is dated after the end (or the window
    starts mid-month): then only a recount can tell."""
    first, last = window
    if first.day != 1:
        return None
    if first.month == 1:
        years = [year * 100 for year in range(first.year, last.year + 1)]
        found = await _sums(session, village_ids, village_flow.c.month.in_(years), last)
        if found is not None:
            return found
    months = village_flow.c.month.between(month_of(first), month_of(last))
    return await _sums(session, village_ids, months & (village_flow.c.month % 100 != 0), last)


async def _sums(session: AsyncSession, village_ids: Collection[int], rows: Any,
                last: dt.date) -> dict[int, VillageFlows] | None:
    sums = [func.sum(village_flow.c[name]) for name in COLUMNS]
    query = select(village_flow.c.village_id, village_flow.c.state,
                   func.max(village_flow.c.last_day), *sums).where(
        among(village_flow.c.village_id, village_ids), rows,
    ).group_by(village_flow.c.village_id, village_flow.c.state)
    found: dict[int, list[Flows]] = {}
    empty = [Flows() for _ in range(4)]
    for village_id, state, latest, *figures in (await session.execute(query)).all():
        if _day(latest) > last:
            return None
        flows = found.setdefault(village_id, list(empty))
        at = 0 if state == CONFIRMED else 2
        flows[at], flows[at + 1] = Flows(*figures[:5]), Flows(*figures[5:])
    return {v: VillageFlows(f[0], f[1], f[2], f[3]) for v, f in found.items()}


def _day(value: dt.date | str) -> dt.date:
    """SQLite's max() of a date column comes back as text."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


async def stored(session: AsyncSession) -> dict[tuple[int, int, str], tuple[int, ...]]:
    """Every row of the table, zero rows left out (a report moved away leaves zeros)."""
    rows = await session.execute(select(village_flow.c.village_id, village_flow.c.month,
                                        village_flow.c.state, *village_flow.c[*COLUMNS]))
    return {(v, m, s): tuple(f) for v, m, s, *f in rows.all() if any(f)}


async def recount(session: AsyncSession) -> dict[tuple[int, int, str], tuple[int, ...]]:
    """What the table should hold, counted from the reports with domain/progress.flow_of."""
    query = select(StatusChange.village_id, StatusChange.happened_on, StatusChange.state,
                   StatusChange.kind, StatusChange.from_status, StatusChange.to_status).where(
        StatusChange.state.in_([s.value for s in COUNTED]))
    counted: dict[tuple[int, int, str], tuple[int, ...]] = {}
    for village, day, state, kind, from_status, to_status in (await session.execute(query)):
        fact = ChangeFact(ChangeKind(kind), ReportState(state), Status(from_status),
                          Status(to_status))
        figures = (flow_of(Status.POOR, fact).as_tuple()
                   + flow_of(Status.NEAR_POOR, fact).as_tuple())
        for key in ((village, month_of(day), state), (village, day.year * 100, state)):
            before = counted.get(key, (0,) * len(COLUMNS))
            counted[key] = tuple(a + b for a, b in zip(before, figures, strict=True))
    return {key: figures for key, figures in counted.items() if any(figures)}
