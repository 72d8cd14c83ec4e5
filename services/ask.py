"""Use cases behind questions: find what was asked about, within scope, and its figures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.names import fold
from domain.statuses import ReportState
from services.access import Scope, scope_of
from services.lookup import best_households, best_units
from services.progress import UnitProgress, unit_progress
from storage.idlists import among
from storage.models import CorrectionRequest, ExitRegistration, Household, StatusChange, User
from storage.unit_tree import UnitInfo, UnitNode, unit_tree

__all__ = ["HouseholdCard", "UnitNode", "household_card", "progress_for", "units_named"]


async def units_named(session: AsyncSession, user: User, name: str) -> list[UnitNode]:
    """Units in the user's scope best matching `name`."""
    return best_units(name, await unit_tree(session), await scope_of(session, user))


async def own_units(session: AsyncSession, scope: Scope) -> list[UnitNode]:
    """The units a user's role is attached to ('xã mình')."""
    if scope.everything:
        return []
    tree = await unit_tree(session)
    return [node for i in sorted(scope.roots) if (node := tree.get(i))]


async def labels(session: AsyncSession, units: Sequence[UnitInfo]) -> dict[int, str]:
    """Unit names with their commune, to tell namesakes apart."""
    tree = await unit_tree(session)
    return {u.id: tree.full_name(u) for u in units}


async def progress_for(
    session: AsyncSession, user: User, unit_id: int, today: dt.date
) -> UnitProgress | None:
    """Progress of a unit the user's role covers; None when outside scope or without plan."""
    unit = (await unit_tree(session)).get(unit_id)
    if unit is None or not (await scope_of(session, user)).covers(unit_id):
        return None
    return await unit_progress(session, unit, today)


async def households_named(
    session: AsyncSession, user: User, name: str, exact_only: bool = False
) -> list[Household]:
    """Households in the user's villages whose head's name matches."""
    scope = await scope_of(session, user)
    village_ids = None if scope.everything else sorted(scope.unit_ids)
    found = await best_households(session, name, village_ids)
    if exact_only:
        return [h for h in found if h.name_key == fold(name)]
    return found


async def household_labels(session: AsyncSession, households: list[Household]) -> dict[int, str]:
    """'Bà Phạm Thị Đéc (Thôn Chợ)' for each household."""
    tree = await unit_tree(session)
    return {
        h.id: f"{h.title or ''} {h.head_name} ({tree.by_id[h.village_id].name})".strip()
        for h in households
    }


@dataclass
class HouseholdCard:
    """What a household answer shows."""

    household: Household
    village: str
    registered_years: list[int]
    pending: list[StatusChange]
    history: list[StatusChange]
    people: dict[int, User] = field(default_factory=dict)  # reporters and deciders
    corrections: dict[int, list[CorrectionRequest]] = field(default_factory=dict)  # by report


async def household_card(
    session: AsyncSession, user: User, household_id: int
) -> HouseholdCard | None:
    """A household's details and history, if the user's role covers its village."""
    household = await session.get(Household, household_id)
    if household is None or not household.listed or not (
        await scope_of(session, user)
    ).covers(household.village_id):
        return None  # a household only a rejected report added is in the audit trail only
    village = (await unit_tree(session)).by_id[household.village_id]
    years = await session.scalars(
        select(ExitRegistration.year)
        .where(ExitRegistration.household_id == household_id)
        .order_by(ExitRegistration.year)
    )
    changes = list(
        (
            await session.scalars(
                select(StatusChange)
                .where(StatusChange.household_id == household_id)
                .order_by(StatusChange.id)
            )
        ).all()
    )
    pending = [c for c in changes if c.state == ReportState.PENDING.value]
    label = (await labels(session, [village]))[village.id]
    card = HouseholdCard(household, label, list(years.all()), pending, changes)
    await _history_of(session, card)
    return card


async def _history_of(session: AsyncSession, card: HouseholdCard) -> None:
    """Who reported and decided each change, and the requests to correct them (2 queries)."""
    ids = {c.id for c in card.history}
    if ids:
        requests = await session.scalars(select(CorrectionRequest).where(
            among(CorrectionRequest.change_id, ids)).order_by(CorrectionRequest.id))
        for request in requests.all():
            card.corrections.setdefault(request.change_id, []).append(request)
    people = {i for c in card.history for i in (c.reported_by, c.decided_by) if i is not None}
    people |= {i for rs in card.corrections.values() for r in rs
               for i in (r.requested_by, r.decided_by) if i is not None}
    if people:
        found = await session.scalars(select(User).where(among(User.id, people)))
        card.people = {u.id: u for u in found.all()}
