"""Who receives a send, about which units, and in which chat."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.roles import Role
from domain.schedule import AUDIENCE, SendKind
from services.access import scope_of
from storage import units as unit_repo
from storage.models import ChatIdentity, Unit, UnitPlan, User


@dataclass
class Recipient:
    """A user and the units a send to them covers (villages, or communes for leaders)."""

    user: User
    units: list[Unit]


async def recipients(session: AsyncSession, kind: SendKind, year: int,
                     within: Collection[int] | None = None) -> list[Recipient]:
    """Active users the send goes to, with their units that have a plan for `year`.

    `within` (unit ids) keeps only recipients with a unit inside it (all their units kept).
    """
    roles = [role.value for role in AUDIENCE[kind]]
    users = (await session.scalars(select(User).where(
        User.active.is_(True), User.role.in_(roles)).order_by(User.id))).all()
    all_units = await unit_repo.all_units(session)
    planned = await planned_villages(session, year)
    found = []
    for user in users:
        units = await units_of(session, user, all_units, planned)
        if units and (within is None or any(u.id in within for u in units)):
            found.append(Recipient(user, units))
    return found


async def units_of(session: AsyncSession, user: User, all_units: list[Unit],
                   planned: set[int]) -> list[Unit]:
    """The villages (or, for a commune leader, the communes) a user covers that have plans."""
    scope = await scope_of(session, user, all_units)
    villages = [u for u in all_units if u.level == "village" and u.id in planned
                and scope.covers(u.id)]
    if user.role != Role.COMMUNE_LEADER.value:
        return sorted(villages, key=lambda u: u.name_key)
    commune_ids = {v.parent_id for v in villages}
    return sorted((u for u in all_units if u.id in commune_ids and u.level == "commune"),
                  key=lambda u: u.name_key)


async def planned_villages(session: AsyncSession, year: int) -> set[int]:
    """Villages with a plan for `year`: there is nothing to remind or report without one."""
    query = select(UnitPlan.unit_id).join(Unit, Unit.id == UnitPlan.unit_id).where(
        UnitPlan.year == year, Unit.level == "village")
    return set((await session.scalars(query)).all())


async def chat_for(session: AsyncSession, user_id: int,
                   running: Collection[str]) -> ChatIdentity | None:
    """The user's most recently linked chat on a channel running in this process."""
    query = select(ChatIdentity).where(ChatIdentity.user_id == user_id,
                                       ChatIdentity.channel.in_(list(running)))
    chats = (await session.scalars(query)).all()
    return max(chats, key=lambda c: c.linked_at, default=None)


async def admins(session: AsyncSession) -> list[User]:
    """Active administrators, who hear about failed deliveries."""
    query = select(User).where(User.active.is_(True), User.role == Role.ADMIN.value)
    return list((await session.scalars(query.order_by(User.id))).all())
