"""Households and their append-only history of changes."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.statuses import ChangeKind, ReportState, Status, status_after
from storage.models import ExitRegistration, Household, StatusChange


async def by_key(session: AsyncSession, village_id: int, key: str) -> Household | None:
    """The household of a village by its key (code or folded head name)."""
    query = select(Household).where(
        Household.village_id == village_id, Household.household_key == key
    )
    return await session.scalar(query)


async def set_registration(session: AsyncSession, household_id: int, year: int, on: bool) -> bool:
    """Register (or unregister) a household to exit in `year`; True when it changed."""
    existing = await session.get(ExitRegistration, (household_id, year))
    if on and existing is None:
        session.add(ExitRegistration(household_id=household_id, year=year))
        return True
    if not on and existing is not None:
        await session.delete(existing)
        return True
    return False


async def confirmed_changes(session: AsyncSession, household_id: int) -> list[StatusChange]:
    """Confirmed changes of a household, in the order they happened."""
    query = (
        select(StatusChange)
        .where(
            StatusChange.household_id == household_id,
            StatusChange.state == ReportState.CONFIRMED.value,
        )
        .order_by(StatusChange.happened_on, StatusChange.id)
    )
    return list((await session.scalars(query)).all())


async def derive_status(session: AsyncSession, household: Household) -> Status:
    """Status from the initial one and every confirmed change since (never stored blindly)."""
    status = Status(household.initial_status)
    for change in await confirmed_changes(session, household.id):
        status = status_after(ChangeKind(change.kind), status)
    return status


async def ever_poor(session: AsyncSession, household: Household) -> bool:
    """Whether the household was poor at any point we know of."""
    if household.initial_status == Status.POOR.value:
        return True
    changes = await confirmed_changes(session, household.id)
    return any(Status.POOR.value in (c.from_status, c.to_status) for c in changes)
