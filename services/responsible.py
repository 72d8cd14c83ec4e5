"""Who is responsible: the head, officer and leaders of a unit; the units a person covers.

People are the bot's users with a role attached to a unit (the plans' heads, officers and
leaders are made users on import; invited people too), so answers follow role changes.
Only units within the asker's scope are shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.roles import Role
from services.access import Scope
from storage.idlists import among
from storage.models import User, UserScope
from storage.people import find_users
from storage.unit_tree import UnitInfo, UnitNode, UnitTree, unit_tree

ROLE_ORDER = [Role.VILLAGE_HEAD, Role.OFFICER, Role.COMMUNE_LEADER, Role.DISTRICT_OFFICER,
              Role.PROVINCE_OFFICER]


@dataclass
class Holder:
    """A person with a role over some units."""

    user: User
    units: list[UnitNode] = field(default_factory=list)


@dataclass
class UnitPeople:
    """Who answers for one unit: role holders at it and above; for a unit above the
    villages, also the officers and heads of its villages."""

    unit: UnitInfo
    label: str
    above: list[Holder]
    below: list[Holder]

    def elsewhere(self, holder: Holder) -> bool:
        """True when the holder's units are not this unit or its own parent (say which)."""
        return not {u.id for u in holder.units} & {self.unit.id, self.unit.parent_id}


async def people_of(session: AsyncSession, unit: UnitInfo) -> UnitPeople:
    """The people responsible for a unit, by role (heads first, then officers, leaders)."""
    tree = await unit_tree(session)
    up = [unit.id, *tree.ancestors(unit.id)]
    down = tree.under(unit.id, "village") if unit.level != "village" else []
    holders = await _holders(session, tree, [*up, *down])
    above = [h for h in holders if any(u.id in up for u in h.units)]
    below = [h for h in holders if h not in above]
    return UnitPeople(unit, tree.full_name(unit), above, below)


async def units_of(session: AsyncSession, scope: Scope, name: str) -> list[Holder]:
    """The people of this name and the units each covers that the asker may see: within
    the asker's scope, or above it (a head sees who leads her commune)."""
    tree = await unit_tree(session)
    above: set[int] = set().union(*(tree.ancestors(root) for root in scope.roots))
    users = [u for u in await find_users(session, name) if u.role != Role.ADMIN.value]
    rows = await session.execute(select(UserScope.user_id, UserScope.unit_id).where(
        among(UserScope.user_id, [u.id for u in users])))
    units: dict[int, list[UnitNode]] = {}
    for user_id, unit_id in rows:
        if (scope.covers(unit_id) or unit_id in above) and (node := tree.get(unit_id)):
            units.setdefault(user_id, []).append(node)
    found = [Holder(u, sorted(units[u.id], key=lambda n: n.name_key))
             for u in users if u.id in units and u.active]
    return sorted(found, key=_order)


async def _holders(session: AsyncSession, tree: UnitTree,
                   unit_ids: Sequence[int]) -> list[Holder]:
    query = (select(User, UserScope.unit_id).join(UserScope, UserScope.user_id == User.id)
             .where(among(UserScope.unit_id, list(unit_ids)), User.active.is_(True),
                    User.role != Role.ADMIN.value))
    holders: dict[int, Holder] = {}
    for user, unit_id in await session.execute(query):
        holder = holders.setdefault(user.id, Holder(user))
        holder.units.append(tree.by_id[unit_id])
    for holder in holders.values():
        holder.units.sort(key=lambda n: n.name_key)
    return sorted(holders.values(), key=_order)


def _order(holder: Holder) -> tuple[int, str, str]:
    role = Role(holder.user.role)
    rank = ROLE_ORDER.index(role) if role in ROLE_ORDER else len(ROLE_ORDER)
    return rank, holder.units[0].name_key if holder.units else "", holder.user.name_key
