"""Administrative units in the database: find or create by name.

The tree in memory (descendants, names, lookups) is storage/unit_tree.py.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.names import nfc, split_unit_prefix
from storage.models import Unit
from storage.unit_tree import units_written

LEVELS = ("province", "district", "commune", "village")


async def find_or_create(
    session: AsyncSession, parent: Unit | None, level: str, name: str
) -> tuple[Unit, bool]:
    """The unit named `name` under `parent`, created if missing; True when created."""
    found = await find(session, parent, level, name)
    if found:
        return found, False
    kind, key = split_unit_prefix(name, level)
    unit = Unit(
        parent_id=parent.id if parent else None,
        level=level,
        kind=kind,
        name=nfc(name),
        name_key=key,
    )
    session.add(unit)
    await session.flush()
    units_written(session)
    return unit, True


async def find(session: AsyncSession, parent: Unit | None, level: str, name: str) -> Unit | None:
    """The unit named `name` (prefix and accents ignored) directly under `parent`."""
    _, key = split_unit_prefix(name, level)
    query = select(Unit).where(Unit.name_key == key, Unit.level == level)
    query = query.where(Unit.parent_id == parent.id if parent else Unit.parent_id.is_(None))
    return await session.scalar(query)
