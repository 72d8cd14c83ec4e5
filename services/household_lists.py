"""Which households (personal data): still poor, registered to exit and not out yet,
exited or fallen back in a window; only villages the asker's role covers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.names import sort_key
from domain.periods import Period
from domain.statuses import ChangeKind, ReportState, Status
from services.access import scope_of
from services.counts import as_of, statuses
from services.progress import UnitProgress, unit_progress
from services.watch import months_before
from storage.idlists import among
from storage.models import ExitRegistration, Household, StatusChange, User
from storage.unit_tree import UnitInfo, unit_tree

RECENT_MONTHS = 36  # the default of Calendar.watch_months (WATCH_MONTHS)
EXITS = {
    Status.POOR: (ChangeKind.EXIT_POVERTY, ChangeKind.EXIT_TO_NEAR_POOR),
    Status.NEAR_POOR: (ChangeKind.EXIT_NEAR_POVERTY,),
}
KINDS = {"not_exited": "current", "registered": "registered", "exited_recent": "exited",
         "fell_back": "fell_back"}


@dataclass(frozen=True)
class Listed:
    """One household of a list, with the day of the change that put it there."""

    household: Household
    village: str
    on: dt.date | None = None
    pending: bool = False  # a report about it waits for a decision
    back: bool = False  # exited, and back in the status it left since


@dataclass
class HouseholdList:
    """The households of one unit that a list asks for."""

    label: str
    kind: str  # current / registered / exited / fell_back
    asked: tuple[Status, ...]
    year: int | None  # the plan's year; None: no plan entered
    since: dt.date | None
    until: dt.date
    counted: int | None = None  # the progress engine's count (current lists)
    past: bool = False  # a current list of a past period: statuses at its end (`until`)
    known: int = 0  # households the bot has by name in the unit (0: the plan gave figures only)
    items: list[Listed] = field(default_factory=list)

    def by_village(self, limit: int) -> list[tuple[str, int, list[Listed]]]:
        """(village, its households listed, the first of them within `limit` overall)."""
        groups: dict[str, list[Listed]] = {}
        for item in self.items:
            groups.setdefault(item.village, []).append(item)
        shown, left = [], limit
        for village, items in groups.items():
            shown.append((village, len(items), items[:max(left, 0)]))
            left -= len(items)
        return shown

    def hidden(self, limit: int) -> int:
        """Households listed beyond `limit` ("và 5 hộ khác")."""
        return max(len(self.items) - limit, 0)


def kind_of(list_filter: str | None) -> str:
    """Which list a message asks for (a bare 'danh sách hộ nghèo': the current ones)."""
    return KINDS.get(list_filter or "", "current")


def window(period: Period | None, today: dt.date,
           months: int = RECENT_MONTHS) -> tuple[dt.date, dt.date]:
    """The days a list of changes covers: the period, else the watch's last `months`."""
    if period is not None:
        return period.start(), min(period.end(), today)
    return months_before(today, months) + dt.timedelta(days=1), today


async def household_list(
    session: AsyncSession, user: User, unit: UnitInfo, kind: str, status: str | None,
    period: Period | None, today: dt.date, months: int = RECENT_MONTHS,
) -> HouseholdList:
    """The households of `unit` (within the asker's scope) that the list asks for."""
    tree = await unit_tree(session)
    scope = await scope_of(session, user)
    villages = [v for v in tree.under(unit.id, "village") if scope.covers(v)]
    asked = statuses(status)
    end = as_of(period, today) if kind == "current" else today  # a past period: its end
    progress = await unit_progress(session, unit, end, names=False)
    year = progress.year if progress else None
    found = HouseholdList(tree.full_name(unit), kind, asked, year, None, end, past=end < today)
    if kind in ("exited", "fell_back"):
        found.since, found.until = window(period, today, months)
        found.items = await _changed(session, villages, kind, asked, found.since, found.until)
    elif kind == "registered" and year is not None:
        found.items = await _registered(session, villages, asked, year)
    elif kind == "current":
        found.counted = _counted(progress, asked)
        found.items = await _current(session, villages, asked, end, today)
    found.known = await session.scalar(
        select(func.count()).select_from(Household).where(among(Household.village_id, villages))
    ) or 0
    names = {v: tree.by_id[v].name for v in villages}
    found.items = [
        replace(i, village=names[i.household.village_id])
        for i in sorted(found.items, key=lambda i: (i.household.village_id,
                                                    sort_key(i.household.head_name)))
    ]
    return found


def _counted(progress: UnitProgress | None, asked: tuple[Status, ...]) -> int | None:
    """The engine's count now of the statuses asked; None when a plan does not give it."""
    if progress is None:
        return None
    nows = [(progress.poor if s is Status.POOR else progress.near_poor).now for s in asked]
    return None if None in nows else sum(n for n in nows if n is not None)


async def _current(
    session: AsyncSession, villages: list[int], asked: tuple[Status, ...], end: dt.date,
    today: dt.date,
) -> list[Listed]:
    """The households in the statuses asked today, or at `end` when it is past."""
    wanted = {s.value for s in asked}
    query = select(Household).where(among(Household.village_id, villages),
                                     Household.listed.is_(True))
    if end >= today:
        query = query.where(Household.status.in_(wanted))
        return [Listed(h, "") for h in (await session.scalars(query)).all()]
    households = (await session.scalars(query)).all()
    at_end = await _statuses_at(session, villages, end)
    return [Listed(h, "") for h in households if at_end.get(h.id, h.status) in wanted]


async def _statuses_at(session: AsyncSession, villages: list[int], end: dt.date) -> dict[int, str]:
    """Each household's status at the end of `end` from its confirmed changes: the last one
    dated by then, else the status the first later one started from (none: today's)."""
    query = (
        select(StatusChange)
        .where(among(StatusChange.village_id, villages),
               StatusChange.state == ReportState.CONFIRMED.value)
        .order_by(StatusChange.happened_on, StatusChange.id)
    )
    found: dict[int, str] = {}
    for change in (await session.scalars(query)).all():
        if change.happened_on <= end:
            found[change.household_id] = change.to_status
        else:
            found.setdefault(change.household_id, change.from_status)
    return found


async def _registered(
    session: AsyncSession, villages: list[int], asked: tuple[Status, ...], year: int
) -> list[Listed]:
    """Registered to exit in the plan's year and not out yet (as the progress engine)."""
    query = (
        select(Household)
        .join(ExitRegistration)
        .where(ExitRegistration.year == year, among(Household.village_id, villages),
               Household.initial_status.in_([s.value for s in asked]))
    )
    waiting = [h for h in (await session.scalars(query)).all() if h.status == h.initial_status]
    pending = set(
        (await session.scalars(select(StatusChange.household_id).where(
            among(StatusChange.household_id, [h.id for h in waiting]),
            StatusChange.state == ReportState.PENDING.value,
        ))).all()
    ) if waiting else set()
    return [Listed(h, "", pending=h.id in pending) for h in waiting]


async def _changed(
    session: AsyncSession, villages: list[int], kind: str, asked: tuple[Status, ...],
    since: dt.date, until: dt.date,
) -> list[Listed]:
    """Households with a confirmed exit (or fall back) dated in the window, latest kept."""
    kinds = [k.value for s in asked for k in EXITS.get(s, ())] if kind == "exited" \
        else [ChangeKind.FELL_BACK.value]
    query = (
        select(StatusChange, Household)
        .join(Household, Household.id == StatusChange.household_id)
        .where(among(StatusChange.village_id, villages), StatusChange.kind.in_(kinds),
               StatusChange.state == ReportState.CONFIRMED.value,
               StatusChange.happened_on.between(since, until))
        .order_by(StatusChange.happened_on)
    )
    latest = {
        h.id: Listed(h, "", c.happened_on, back=h.status == c.from_status)
        for c, h in await session.execute(query)
    }
    return list(latest.values())
