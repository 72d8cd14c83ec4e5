"""The unit tree in memory, shared by the sessions of a process, reloaded when units change.

Every message needs the tree (scope, name lookup, progress). Loading it as ORM objects took
a third of a question on a province (1,716 units) and would dominate at national scale
(85,000). A process reads it once and keeps it while `unit_tree_version`, which triggers on
`unit` bump (migration 0004), stays the same; one small query per message checks that.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.names import fold
from storage.models import Unit, UnitTreeVersion

SESSION_KEY = "unit_tree"
WRITTEN_KEY = "unit_tree_written"
VERSION_KEY = "unit_tree_version"  # read with the sender (storage/people.py), this transaction
_shared: weakref.WeakKeyDictionary[Any, UnitTree] = weakref.WeakKeyDictionary()


class UnitInfo(Protocol):
    """What the core reads of a unit: a tree node and an ORM `Unit` both have it."""

    @property
    def id(self) -> int: ...
    @property
    def parent_id(self) -> int | None: ...
    @property
    def level(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def name_key(self) -> str: ...


@dataclass(frozen=True, slots=True)
class UnitNode:
    """One unit of the tree, immutable, safe to share between sessions."""

    id: int
    parent_id: int | None
    level: str
    kind: str
    name: str
    name_key: str

    @property
    def full_key(self) -> str:
        """'thon cho': the folded kind and name, as people often type it."""
        return f"{fold(self.kind)} {self.name_key}"


class UnitTree:
    """Every unit, indexed by id, by parent and by folded name."""

    def __init__(self, nodes: Iterable[UnitNode], version: int | None) -> None:
        self.version = version
        self.nodes = tuple(sorted(nodes, key=lambda n: n.id))
        self.by_id = {n.id: n for n in self.nodes}
        self.children: dict[int | None, list[int]] = {}
        self.by_key: dict[str, list[UnitNode]] = {}
        self.by_full_key: dict[str, list[UnitNode]] = {}
        self.position = {n.id: i for i, n in enumerate(self.nodes)}
        self.keys = [n.name_key for n in self.nodes]
        self.full_keys = [n.full_key for n in self.nodes]
        for node in self.nodes:
            self.children.setdefault(node.parent_id, []).append(node.id)
            self.by_key.setdefault(node.name_key, []).append(node)
            self.by_full_key.setdefault(self.full_keys[self.position[node.id]], []).append(node)

    def __len__(self) -> int:
        return len(self.nodes)

    def get(self, unit_id: int | None) -> UnitNode | None:
        """The unit with this id, if any."""
        return self.by_id.get(unit_id) if unit_id is not None else None

    def descendants(self, roots: Iterable[int]) -> set[int]:
        """Ids of `roots` and everything below them."""
        found: set[int] = set()
        stack = list(roots)
        while stack:
            current = stack.pop()
            if current not in found:
                found.add(current)
                stack.extend(self.children.get(current, ()))
        return found

    def under(self, unit_id: int, level: str) -> list[int]:
        """Ids of the units of `level` at or below a unit, in id order."""
        return sorted(i for i in self.descendants([unit_id]) if self.by_id[i].level == level)

    def ancestors(self, unit_id: int) -> set[int]:
        """Ids of the units above this one."""
        found: set[int] = set()
        current = self.get(unit_id)
        while current is not None and current.parent_id is not None:
            found.add(current.parent_id)
            current = self.get(current.parent_id)
        return found

    def full_name(self, unit: UnitInfo) -> str:
        """'Thôn Chợ, Xã Cẩm Bình': a unit with its parent, for telling namesakes apart."""
        parent = self.get(unit.parent_id)
        if unit.level in ("village", "commune") and parent:
            return f"{unit.name}, {parent.name}"
        return unit.name


async def unit_tree(session: AsyncSession) -> UnitTree:
    """The tree as this session sees it: the process's copy unless units changed since."""
    tree: UnitTree | None = session.info.get(SESSION_KEY)
    if tree is not None:
        return tree
    if session.info.get(WRITTEN_KEY):  # our own uncommitted units: a private tree
        tree = await _load(session, None)
    else:
        version = session.info.pop(VERSION_KEY) if VERSION_KEY in session.info \
            else await session.scalar(select(UnitTreeVersion.version))
        pool = session.get_bind().engine.pool  # writers and readers share it: one copy
        tree = _shared.get(pool)
        if tree is None or version is None or tree.version != version:
            tree = await _load(session, version)  # version read first: never older than it
            if version is not None:
                _shared[pool] = tree
    session.info[SESSION_KEY] = tree
    return tree


def units_written(session: AsyncSession) -> None:
    """This session changed units: its tree is rebuilt and kept out of the shared copy."""
    session.info[WRITTEN_KEY] = True
    session.info.pop(SESSION_KEY, None)


async def _load(session: AsyncSession, version: int | None) -> UnitTree:
    columns = (Unit.id, Unit.parent_id, Unit.level, Unit.kind, Unit.name, Unit.name_key)
    rows = (await session.execute(select(*columns))).all()
    return UnitTree((UnitNode(*row) for row in rows), version)
