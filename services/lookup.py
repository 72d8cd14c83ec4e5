"""Find units and households by what a person typed: accents, case and small typos forgiven."""

from __future__ import annotations

from collections.abc import Collection

from rapidfuzz import fuzz, process
from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy import text as sql
from sqlalchemy.ext.asyncio import AsyncSession

from domain.names import fold, sort_key, split_title, strip_any_unit_prefix
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
    return sorted(set(found), key=lambda n: (LEVEL_ORDER[n.level], sort_key(n.name), n.id))


def _closest_units(folded: str, bare: str, tree: UnitTree, scope: Scope) -> list[UnitNode]:
    """Units whose name (or kind and name) is closest to the query, 80 or more."""
    if scope.everything:
        positions = list(range(len(tree)))
    else:
        positions = [tree.position[i] for i in scope.unit_ids if i in tree.position]
    best: dict[int, float] = {}
    for typed, keys in ((bare, tree.keys), (folded, tree.full_keys)):
        choices = [keys[p] for p in positions]
        for _, score, index in process.extract(typed, choices, scorer=fuzz.ratio,
                                               score_cutoff=GOOD_ENOUGH, limit=None):
            best[positions[index]] = max(score, best.get(positions[index], 0.0))
    if not best:
        return []
    top = max(best.values())
    return [tree.nodes[p] for p, score in best.items() if score >= top - 0.01]


async def best_households(
    session: AsyncSession,
    text: str,
    village_ids: Collection[int] | None,
    limit: int = 8,
    minimum: float = GOOD_ENOUGH,
) -> list[Household]:
    """Households whose head's name matches `text`, best first, within the given villages.

    An exact name is one indexed query. Otherwise names containing the text come first,
    then names 80 % alike (edit distance), scored in C by rapidfuzz over the candidates:
    every household in scope, or on PostgreSQL for a scope of more than a province, those
    pg_trgm's index finds alike (a country holds millions of households).
    """
    _, name = split_title(text)
    folded = fold(name)
    if not folded:
        return []
    exact = await _households(session, select(Household).where(
        Household.name_key == folded, *_within(village_ids)).order_by(Household.id).limit(limit))
    if exact:
        return exact
    candidates = await _candidates(session, folded, village_ids)
    ids = list(candidates)
    alike = process.extract(folded, [candidates[i] for i in ids], scorer=fuzz.ratio,
                            score_cutoff=minimum, limit=None)
    scores = {ids[index]: score for _, score, index in alike}
    containing = [i for i, key in candidates.items() if folded in key]
    scores.update((i, fuzz.ratio(folded, candidates[i])) for i in containing)
    close = [i for i in scores if folded not in candidates[i]]
    ranked = sorted(containing, key=lambda i: (-scores[i], i))
    chosen = (ranked + sorted(close, key=lambda i: (-scores[i], i)))[:limit]
    found = {h.id: h for h in await _households(
        session, select(Household).where(among(Household.id, chosen)))}
    return [found[i] for i in chosen]


LARGE_SCOPE = 2_000  # villages: a province has ~1,500; above it PostgreSQL uses pg_trgm
TRGM_POOL = 500  # candidates pg_trgm hands to rapidfuzz
TRGM_THRESHOLD = 0.2  # pg_trgm similarity; a typo in a short name stays above it


def _within(village_ids: Collection[int] | None) -> list[ColumnElement[bool]]:
    """Listed households (not one only a rejected report added) of these villages."""
    listed = Household.listed.is_(True)
    return [listed] if village_ids is None else [listed, among(Household.village_id, village_ids)]


async def _households(session: AsyncSession, query: Select[Household]) -> list[Household]:
    return list((await session.scalars(query)).all())


async def _candidates(
    session: AsyncSession, folded: str, village_ids: Collection[int] | None
) -> dict[int, str]:
    """Ids and folded names of the households to score."""
    columns = select(Household.id, Household.name_key).where(*_within(village_ids))
    large = village_ids is None or len(village_ids) > LARGE_SCOPE
    if large and session.get_bind().dialect.name == "postgresql":
        await session.execute(sql("SELECT set_config('pg_trgm.similarity_threshold', :t, true)"),
                              {"t": str(TRGM_THRESHOLD)})
        similar = or_(Household.name_key.op("%", is_comparison=True)(folded),
                      Household.name_key.contains(folded, autoescape=True))
        similarity = func.similarity(Household.name_key, folded)
        columns = columns.where(similar).order_by(similarity.desc()).limit(TRGM_POOL)
    return {i: key for i, key in (await session.execute(columns)).all()}
