"""A village's households for the web view (personal data: the caller checked the scope):
status, registered to exit, a report waiting; filtered by status, searched without
diacritics; and the village's reports, newest first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.names import fold, sort_key
from domain.statuses import ReportState, Status
from services.progress import UnitProgress, unit_progress
from storage.models import ExitRegistration, Household, StatusChange, User
from storage.unit_tree import UnitInfo

HISTORY_SHOWN = 50


@dataclass(frozen=True)
class HouseholdRow:
    """One household as the village page lists it."""

    household: Household
    registered: bool
    pending: bool


@dataclass(frozen=True)
class HistoryRow:
    """One report of the village."""

    change: StatusChange
    household: str
    reporter: str


@dataclass
class VillageView:
    """The village's progress, its households as filtered, and its recent reports."""

    progress: UnitProgress | None
    households: list[HouseholdRow] = field(default_factory=list)
    total: int = 0  # households listed before the filter
    history: list[HistoryRow] = field(default_factory=list)


async def village_view(session: AsyncSession, village: UnitInfo, today: dt.date,
                       status: str | None = None, query: str = "") -> VillageView:
    """The page's content; `status` one of domain.statuses.Status, `query` any spelling."""
    progress = await unit_progress(session, village, today, names=False)
    everyone = list((await session.scalars(select(Household).where(
        Household.village_id == village.id, Household.listed.is_(True)))).all())
    year = progress.year if progress else today.year
    registered = set((await session.scalars(select(ExitRegistration.household_id).where(
        ExitRegistration.year == year, ExitRegistration.household_id.in_(
            select(Household.id).where(Household.village_id == village.id))))).all())
    changes = list((await session.scalars(select(StatusChange).where(
        StatusChange.village_id == village.id).order_by(StatusChange.id.desc()))).all())
    waiting = {c.household_id for c in changes if c.state == ReportState.PENDING.value}
    wanted = fold(query).strip()
    shown = [h for h in everyone
             if (not status or h.status == status) and (not wanted or wanted in h.name_key)]
    shown.sort(key=lambda h: sort_key(h.head_name))
    rows = [HouseholdRow(h, h.id in registered, h.id in waiting) for h in shown]
    return VillageView(progress, rows, len(everyone), await _history(session, everyone,
                                                                     changes[:HISTORY_SHOWN]))


async def _history(session: AsyncSession, households: list[Household],
                   changes: list[StatusChange]) -> list[HistoryRow]:
    names = {h.id: f"{h.title + ' ' if h.title else ''}{h.head_name}" for h in households}
    people = {c.reported_by for c in changes if c.reported_by}
    reporters = dict((await session.execute(
        select(User.id, User.name).where(User.id.in_(people)))).all()) if people else {}
    return [HistoryRow(c, names.get(c.household_id, ""), reporters.get(c.reported_by or 0, ""))
            for c in changes]


STATUSES = tuple(s.value for s in Status)
