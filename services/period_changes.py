"""What changed in a period: confirmed changes dated in it, counted by kind (names for
those who may see them), with the reports still waiting for a decision."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.periods import Period, PeriodKind, period_of
from domain.statuses import ChangeKind, ReportState
from services.access import scope_of
from services.counts import statuses
from services.household_lists import EXITS, Listed
from storage.idlists import among
from storage.models import Household, StatusChange, User
from storage.unit_tree import UnitInfo, unit_tree


@dataclass
class PeriodChanges:
    """One unit's changes in a period; `items`: every confirmed change, in date order."""

    label: str
    period: Period
    since: dt.date
    until: dt.date
    kinds: list[tuple[ChangeKind, int]] = field(default_factory=list)
    pending: int = 0
    items: list[tuple[Listed, ChangeKind]] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Confirmed changes of the kinds asked."""
        return sum(times for _, times in self.kinds)


def kinds_asked(list_filter: str | None, status: str | None) -> list[ChangeKind]:
    """'có hộ nào thoát nghèo': the exits; 'tái nghèo': falls back; else every kind."""
    if list_filter == "exited_recent":
        return [kind for s in statuses(status) for kind in EXITS.get(s, ())]
    if list_filter == "fell_back":
        return [ChangeKind.FELL_BACK]
    return list(ChangeKind)


async def period_changes(
    session: AsyncSession, user: User, unit: UnitInfo, period: Period | None,
    kinds: list[ChangeKind], today: dt.date,
) -> PeriodChanges:
    """The changes of `unit`'s villages (within the asker's scope) dated in the period
    (this quarter when none is named), up to today."""
    tree = await unit_tree(session)
    scope = await scope_of(session, user)
    villages = [v for v in tree.under(unit.id, "village") if scope.covers(v)]
    period = period or period_of(PeriodKind.QUARTER, today)
    found = PeriodChanges(tree.full_name(unit), period, period.start(), min(period.end(), today))
    where = (
        among(StatusChange.village_id, villages),
        StatusChange.kind.in_([k.value for k in kinds]),
        StatusChange.happened_on.between(found.since, found.until),
    )
    query = (
        select(StatusChange, Household)
        .join(Household, Household.id == StatusChange.household_id)
        .where(*where, StatusChange.state == ReportState.CONFIRMED.value)
        .order_by(StatusChange.happened_on, StatusChange.id)
    )
    rows = list(await session.execute(query))
    counted = Counter(ChangeKind(change.kind) for change, _ in rows)
    found.kinds = [(kind, counted[kind]) for kind in kinds if counted[kind]]
    found.items = [
        (Listed(household, tree.by_id[household.village_id].name, change.happened_on),
         ChangeKind(change.kind))
        for change, household in rows
    ]
    found.pending = await session.scalar(
        select(func.count()).select_from(StatusChange)
        .where(*where, StatusChange.state == ReportState.PENDING.value)
    ) or 0
    return found
