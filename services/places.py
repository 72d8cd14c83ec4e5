"""The places a message names, resolved against the whole unit tree, then the asker's scope.

A name that exists (exactly, or near enough) only outside the asker's scope is reported
as outside, never swapped for the nearest place the asker may see: Bùi Thị Minh (Thôn
Chợ) asking "Thôn Tô thế nào" is told Thôn Tô is not hers, not given Thôn Chợ's figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from sqlalchemy.ext.asyncio import AsyncSession

from domain.names import UNIT_PREFIXES, fold, sort_key, strip_any_unit_prefix
from services.access import Scope, scope_of
from services.lookup import GOOD_ENOUGH, LEVEL_ORDER
from storage.models import User
from storage.unit_tree import UnitNode, UnitTree, unit_tree


@dataclass
class Resolved:
    """Per name as typed: the units in scope it names (several: namesakes), or why none."""

    units: dict[str, list[UnitNode]] = field(default_factory=dict)
    outside: list[str] = field(default_factory=list)  # exists, not in the asker's scope
    missing: list[str] = field(default_factory=list)  # no such place anywhere

    def first_problem(self) -> tuple[str, str] | None:
        """('outside' | 'missing', name as typed) of the first name that did not resolve."""
        if self.outside:
            return "outside", self.outside[0]
        if self.missing:
            return "missing", self.missing[0]
        return None


async def resolve(session: AsyncSession, user: User, names: tuple[str, ...]) -> Resolved:
    """Resolve each name as typed, in the order named."""
    tree = await unit_tree(session)
    scope = await scope_of(session, user)
    resolved = Resolved()
    for typed in names:
        found = matches(tree, typed)
        mine = [n for n in found if scope.covers(n.id)]
        if mine:
            resolved.units[typed] = sorted(mine, key=_order)
        elif found:
            resolved.outside.append(typed)
        else:
            resolved.missing.append(typed)
    return resolved


def matches(tree: UnitTree, typed: str) -> list[UnitNode]:
    """Units of the whole tree with this name: exact (with or without the unit word) first,
    else the closest names scoring `GOOD_ENOUGH` or more (a typo: 'thon cjo')."""
    folded = fold(typed)
    if not folded:
        return []
    bare = strip_any_unit_prefix(folded)
    exact = [
        *tree.by_key.get(folded, ()),
        *tree.by_key.get(bare, ()),
        *tree.by_full_key.get(folded, ()),
    ]
    if exact:
        wanted_level = _level_typed(folded, bare)
        same = [n for n in exact if wanted_level in (None, n.level)]
        return list(dict.fromkeys(same or exact))
    return _closest(tree, folded, bare)


def _closest(tree: UnitTree, folded: str, bare: str) -> list[UnitNode]:
    best: dict[int, float] = {}
    for query, keys in ((bare, tree.keys), (folded, tree.full_keys)):
        for _, score, index in process.extract(
            query, keys, scorer=fuzz.ratio, score_cutoff=GOOD_ENOUGH, limit=50
        ):
            best[index] = max(score, best.get(index, 0.0))
    if not best:
        return []
    top = max(best.values())
    return [tree.nodes[i] for i, score in best.items() if score >= top - 0.01]


def _level_typed(folded: str, bare: str) -> str | None:
    """'thon cho' names a village, 'xa cam binh' a commune; 'cho' alone says no level."""
    prefix = folded[: len(folded) - len(bare)].strip()
    return UNIT_PREFIXES[prefix][0] if prefix in UNIT_PREFIXES else None


def _order(node: UnitNode) -> tuple[int, object, int]:
    return LEVEL_ORDER[node.level], sort_key(node.name), node.id


async def own_units(session: AsyncSession, scope: Scope) -> list[UnitNode]:
    """The asker's own units; for an admin (scope: everything) the top-level units."""
    tree = await unit_tree(session)
    roots = sorted(scope.roots) if not scope.everything else tree.children.get(None, [])
    return [node for i in roots if (node := tree.get(i))]
