"""Who receives a send, about which units, and in which chat."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.names import sort_key
from domain.roles import Role
from domain.schedule import AUDIENCE, SendKind
from storage.models import ChatIdentity, Unit, UnitPlan, User, UserScope
from storage.people import PRIVATE
from storage.unit_tree import UnitNode, UnitTree, unit_tree

AREA_ROLES = (Role.DISTRICT_OFFICER.value, Role.PROVINCE_OFFICER.value)


@dataclass
class Recipient:
    """A user and the units a send to them covers (villages, or communes for leaders)."""

    user: User
    units: list[UnitNode]


async def recipients(session: AsyncSession, kind: SendKind, year: int,
                     within: Collection[int] | None = None) -> list[Recipient]:
    """Active users the send goes to, with their units that have a plan for `year` (for the
    missing-plan reminder: their villages that have none for `year`).

    `within` (unit ids) keeps only recipients with a unit inside it (all their units kept).
    """
    roles = [role.value for role in AUDIENCE[kind]]
    users = (await session.scalars(select(User).where(
        User.active.is_(True), User.role.in_(roles)).order_by(User.id))).all()
    find = {SendKind.PLAN_MISSING: unplanned_villages,
            SendKind.WATCH: every_village}.get(kind, planned_villages)
    tree = _Planned(await unit_tree(session), await find(session, year))
    roots = await scope_roots(session, [user.id for user in users])
    found = []
    for user in users:
        units = tree.units_of(user, roots.get(user.id, set()))
        if units and (within is None or any(u.id in within for u in units)):
            found.append(Recipient(user, units))
    return found


async def scope_roots(session: AsyncSession, user_ids: list[int]) -> dict[int, set[int]]:
    """The scope units of many users in one query (not one per user)."""
    roots: dict[int, set[int]] = {}
    query = select(UserScope.user_id, UserScope.unit_id)
    if len(user_ids) < 1000:  # else every row: cheaper than thousands of bind parameters
        query = query.where(UserScope.user_id.in_(user_ids))
    for user_id, unit_id in (await session.execute(query)).all():
        roots.setdefault(user_id, set()).add(unit_id)
    return roots


class _Planned:
    """The unit tree with the villages that have a plan: each recipient costs their subtree."""

    def __init__(self, tree: UnitTree, planned: set[int]) -> None:
        self.tree = tree
        self.planned = {i for i in planned if (node := tree.get(i)) and node.level == "village"}

    def units_of(self, user: User, roots: set[int]) -> list[UnitNode]:
        """The villages a user covers with plans; communes for a commune leader; their own
        district or province for district and province officers."""
        by_id = self.tree.by_id
        if user.role in AREA_ROLES:
            return sorted((by_id[r] for r in roots if r in by_id and
                           any(i in self.planned for i in self.tree.descendants([r]))),
                          key=lambda u: sort_key(u.name))
        start = self.tree.children.get(None, []) if user.role == Role.ADMIN.value else roots
        villages = [by_id[i] for i in self.tree.descendants(start) if i in self.planned]
        if user.role != Role.COMMUNE_LEADER.value:
            return sorted(villages, key=lambda u: sort_key(u.name))
        communes = {by_id[v.parent_id] for v in villages if v.parent_id is not None}
        return sorted((c for c in communes if c.level == "commune"), key=lambda u: sort_key(u.name))


async def planned_villages(session: AsyncSession, year: int) -> set[int]:
    """Villages with a plan for `year`: there is nothing to remind or report without one."""
    query = select(UnitPlan.unit_id).join(Unit, Unit.id == UnitPlan.unit_id).where(
        UnitPlan.year == year, Unit.level == "village")
    return set((await session.scalars(query)).all())


async def every_village(session: AsyncSession, _year: int) -> set[int]:
    """Every village: households on watch are asked about with or without a plan."""
    return set((await session.scalars(select(Unit.id).where(Unit.level == "village"))).all())


async def unplanned_villages(session: AsyncSession, year: int) -> set[int]:
    """Villages with a plan of an earlier year and none for `year` (its plan is missing)."""
    query = select(UnitPlan.unit_id).join(Unit, Unit.id == UnitPlan.unit_id).where(
        UnitPlan.year < year, Unit.level == "village")
    return set((await session.scalars(query)).all()) - await planned_villages(session, year)


async def chat_for(session: AsyncSession, user_id: int,
                   running: Collection[str]) -> ChatIdentity | None:
    """The user's most recently linked private chat on a channel running in this process."""
    query = select(ChatIdentity).where(ChatIdentity.user_id == user_id,
                                       ChatIdentity.channel.in_(list(running)),
                                       ChatIdentity.chat_type == PRIVATE)
    chats = (await session.scalars(query)).all()
    return max(chats, key=lambda c: c.linked_at, default=None)


async def admins(session: AsyncSession) -> list[User]:
    """Active administrators, who hear about failed deliveries."""
    query = select(User).where(User.active.is_(True), User.role == Role.ADMIN.value)
    return list((await session.scalars(query.order_by(User.id))).all())
