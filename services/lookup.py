"""Find units and households by what a person typed: accents, case and small typos forgiven."""

from __future__ import annotations

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.names import fold, split_title, strip_any_unit_prefix
from services.access import Scope
from storage.idlists import among
from storage.models import Household
from storage.unit_tree import UnitNode, UnitTree

GOOD_ENOUGH = 80.0
LEVEL_ORDER = {"province": 0, "district": 1, "commune": 2, "village": 3}


def best_units(query: str, tree: UnitTree, scope: Scope) -> list[UnitNode]:
    """The best-matching units within scope (several when the name is shared).

    An exact name ("cam binh", "xa cam binh") wins outright; otherwise the closest names
    by edit distance (rapidfuzz, over the whole scope at once) with a score of 80 or more.
    """
    folded = fold(query)
    if not folded:
        return []
    bare = strip_any_unit_prefix(folded)
    exact = [*tree.by_key.get(folded, ()), *tree.by_key.get(bare, ()),
             *tree.by_full_key.get(folded, ())]
    found = [n for n in exact if scope.covers(n.id)] or _closest_units(folded, bare, tree, scope)
    return sorted(set(found), key=lambda n: (LEVEL_ORDER[n.level], n.name_key, n.id))


def _closest_units(folded: str, bare: str, tree: UnitTree, scope: Scope) -> list[UnitNode]:
    """Units whose name (or kind and name) is closest to the query, 80 or more."""
    if scope.everything:
        positions = list(range(len(tree)))
    else:
        positions = [tree.position[i] for i in scope.unit_ids if i in tree.position]
    best: dict[int, float] = {}
    for text, keys in ((bare, tree.keys), (folded, tree.full_keys)):
        choices = [keys[p] for p in positions]
        for _, score, index in process.extract(text, choices, scorer=fuzz.ratio,
                                               score_cutoff=GOOD_ENOUGH, limit=None):
            best[positions[index]] = max(score, best.get(positions[index], 0.0))
    if not best:
        return []
    top = max(best.values())
    return [tree.nodes[p] for p, score in best.items() if score >= top - 0.01]


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
