"""Who may see what: a user's role covers their scope units and everything below."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from domain.roles import Role
from storage import units as unit_repo
from storage.models import Unit, User
from storage.people import scope_units


@dataclass(frozen=True)
class Scope:
    """The units a user may see; `everything` for admins."""

    everything: bool
    unit_ids: frozenset[int]
    roots: frozenset[int]

    def covers(self, unit_id: int) -> bool:
        """True when the user's role covers this unit."""
        return self.everything or unit_id in self.unit_ids


async def scope_of(session: AsyncSession, user: User, all_units: list[Unit] | None = None) -> Scope:
    """Expand the user's scope units to every unit below them."""
    if user.role == Role.ADMIN.value:
        return Scope(True, frozenset(), frozenset())
    roots = await scope_units(session, user.id)
    units = all_units if all_units is not None else await unit_repo.all_units(session)
    return Scope(False, frozenset(unit_repo.descendants(units, roots)), frozenset(roots))
