"""Households and their append-only history of changes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.statuses import ChangeKind, ReportState, Status, status_after
from storage.idlists import among
from storage.models import ExitRegistration, Household, StatusChange


@dataclass(frozen=True, slots=True)
class ToExit:
    """A household registered to exit that has not yet: the columns answers name it by."""

    id: int
    village_id: int
    title: str | None
    head_name: str
    initial_status: str


async def still_to_exit(session: AsyncSession, village_ids: list[int], year: int,
                        until: dt.date) -> dict[int, list[ToExit]]:
    """Per village, households registered to exit in `year` still in their start status on
    `until` (the last confirmed change dated by then says; a later one does not count yet).

    One query, plain rows: no ORM object per household.
    """
    status_then = (
        select(StatusChange.to_status)
        .where(StatusChange.household_id == Household.id,
               StatusChange.state == ReportState.CONFIRMED.value,
               StatusChange.happened_on <= until)
        .order_by(StatusChange.happened_on.desc(), StatusChange.id.desc()).limit(1)
        .correlate(Household).scalar_subquery()
    )
    query = (
        select(Household.id, Household.village_id, Household.title, Household.head_name,
               Household.initial_status)
        .join(ExitRegistration, ExitRegistration.household_id == Household.id)
        .where(ExitRegistration.year == year, among(Household.village_id, village_ids),
               func.coalesce(status_then, Household.initial_status) == Household.initial_status)
        .order_by(Household.id)
    )
    found: dict[int, list[ToExit]] = {}
    for household_id, village_id, title, head_name, initial in await session.execute(query):
        found.setdefault(village_id, []).append(
            ToExit(household_id, village_id, title, head_name, initial))
    return found


async def by_key(session: AsyncSession, village_id: int, key: str) -> Household | None:
    """The household of a village by its key (code or folded head name)."""
    query = select(Household).where(
        Household.village_id == village_id, Household.household_key == key
    )
    return await session.scalar(query)


async def in_villages(
    session: AsyncSession, village_ids: set[int]
) -> dict[tuple[int, str], Household]:
    """Every household of these villages, by (village id, household key): one query."""
    if not village_ids:
        return {}
    query = select(Household).where(among(Household.village_id, village_ids))
    return {(h.village_id, h.household_key): h for h in (await session.scalars(query)).all()}


async def registrations_in_villages(
    session: AsyncSession, village_ids: set[int]
) -> set[tuple[int, int]]:
    """(household id, year) of every exit registration in these villages: one query."""
    if not village_ids:
        return set()
    query = (
        select(ExitRegistration.household_id, ExitRegistration.year)
        .join(Household, Household.id == ExitRegistration.household_id)
        .where(among(Household.village_id, village_ids))
    )
    return {(household_id, year) for household_id, year in (await session.execute(query)).all()}


async def set_registration(
    session: AsyncSession, household_id: int, year: int, on: bool, known: set[tuple[int, int]]
) -> bool:
    """Register (or unregister) a household to exit in `year`; True when it changed."""
    if on == ((household_id, year) in known):
        return False
    if on:
        session.add(ExitRegistration(household_id=household_id, year=year))
        known.add((household_id, year))
    else:
        await session.execute(
            delete(ExitRegistration).where(
                ExitRegistration.household_id == household_id, ExitRegistration.year == year
            )
        )
        known.discard((household_id, year))
    return True


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
