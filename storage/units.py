"""Administrative units: the tree, lookups by name, descendants."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.names import nfc, split_unit_prefix
from storage.models import Unit, UnitPlan

LEVELS = ("province", "district", "commune", "village")
CACHE_KEY = "all_units"


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
    session.info.pop(CACHE_KEY, None)
    return unit, True


async def find(session: AsyncSession, parent: Unit | None, level: str, name: str) -> Unit | None:
    """The unit named `name` (prefix and accents ignored) directly under `parent`."""
    _, key = split_unit_prefix(name, level)
    query = select(Unit).where(Unit.name_key == key, Unit.level == level)
    query = query.where(Unit.parent_id == parent.id if parent else Unit.parent_id.is_(None))
    return await session.scalar(query)


async def all_units(session: AsyncSession) -> list[Unit]:
    """Every unit (the tree is small: a province has a few thousand), loaded once per session.

    A message needs the tree several times (scope, name lookup, progress); loading it once
    halves the time of a question on a province (bench/README.md).
    """
    if CACHE_KEY not in session.info:
        session.info[CACHE_KEY] = list((await session.scalars(select(Unit))).all())
    return list(session.info[CACHE_KEY])


def descendants(units: list[Unit], roots: set[int]) -> set[int]:
    """Ids of `roots` and everything below them."""
    children: dict[int | None, list[int]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit.id)
    found, stack = set(), list(roots)
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children.get(current, []))
    return found


async def latest_plan(
    session: AsyncSession, unit_id: int, year: int | None = None
) -> UnitPlan | None:
    """The unit's plan for `year`, or its latest plan (in force until a newer one)."""
    query = select(UnitPlan).where(UnitPlan.unit_id == unit_id)
    if year is not None:
        query = query.where(UnitPlan.year <= year)
    return await session.scalar(query.order_by(UnitPlan.year.desc()).limit(1))


def full_name(unit: Unit, by_id: dict[int, Unit]) -> str:
    """'Thôn Chợ, Xã Cẩm Bình': a unit with its commune, for telling namesakes apart."""
    parent = by_id.get(unit.parent_id) if unit.parent_id else None
    if unit.level == "village" and parent:
        return f"{unit.name}, {parent.name}"
    if unit.level == "commune" and parent:
        return f"{unit.name}, {parent.name}"
    return unit.name
