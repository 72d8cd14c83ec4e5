"""Who may see what: a user's role covers their scope units and everything below."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from domain.roles import Role
from storage.models import User
from storage.people import SCOPES_KEY, scope_units
from storage.unit_tree import unit_tree


@dataclass(frozen=True)
class Scope:
    """The units a user may see; `everything` for admins."""

    everything: bool
    unit_ids: frozenset[int]
    roots: frozenset[int]

    def covers(self, unit_id: int) -> bool:
        """True when the user's role covers this unit."""
        return self.everything or unit_id in self.unit_ids


async def scope_of(session: AsyncSession, user: User) -> Scope:
    """Expand the user's scope units to every unit below them (once per session and user)."""
    if user.role == Role.ADMIN.value:
        return Scope(True, frozenset(), frozenset())
    known: dict[int, Scope] = session.info.setdefault(SCOPES_KEY, {})
    if user.id not in known:
        roots = await scope_units(session, user.id)
        tree = await unit_tree(session)
        known[user.id] = Scope(False, frozenset(tree.descendants(roots)), frozenset(roots))
    return known[user.id]
