"""Find units and households by what a person typed: accents, case and small typos forgiven."""

from __future__ import annotations

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.names import fold, split_title, strip_any_unit_prefix
from services.access import Scope
from storage.idlists import among
from storage.models import Household, Unit

GOOD_ENOUGH = 80.0


def unit_score(query: str, unit: Unit) -> float:
    """How well a folded query names a unit (100 = exact)."""
    bare = strip_any_unit_prefix(query)
    full = f"{fold(unit.kind)} {unit.name_key}"
    if unit.name_key in (query, bare) or full == query:
        return 100.0
    return max(fuzz.ratio(bare, unit.name_key), fuzz.ratio(query, full))


def best_units(query: str, units: list[Unit], scope: Scope) -> list[Unit]:
    """The best-matching units within scope (several when the name is shared)."""
    folded = fold(query)
    if not folded:
        return []
    scored = [(unit_score(folded, u), u) for u in units if scope.covers(u.id)]
    scored = [(s, u) for s, u in scored if s >= GOOD_ENOUGH]
    if not scored:
        return []
    top = max(s for s, _ in scored)
    best = [u for s, u in scored if s >= top - 0.01]
    order = {"province": 0, "district": 1, "commune": 2, "village": 3}
    return sorted(best, key=lambda u: (order[u.level], u.name_key, u.id))


def household_score(query: str, household: Household) -> float:
    """How well a folded name matches a household head (100 = exact)."""
    if household.name_key == query:
        return 100.0
    return float(fuzz.ratio(query, household.name_key))


async def best_households(
    session: AsyncSession,
    text: str,
    village_ids: list[int] | None,
    limit: int = 8,
    minimum: float = GOOD_ENOUGH,
) -> list[Household]:
    """Households whose head's name matches `text`, best first, within the given villages."""
    _, name = split_title(text)
    folded = fold(name)
    if not folded:
        return []
    query = select(Household)
    if village_ids is not None:
        query = query.where(among(Household.village_id, village_ids))
    candidates = (await session.scalars(query)).all()
    scored = sorted(
        ((household_score(folded, h), h) for h in candidates),
        key=lambda pair: (-pair[0], pair[1].id),
    )
    exact = [h for s, h in scored if s == 100.0]
    if exact:
        return exact[:limit]
    partial = [h for s, h in scored if folded in h.name_key]
    close = [h for s, h in scored if s >= minimum and h not in partial]
    return (partial + close)[:limit]
