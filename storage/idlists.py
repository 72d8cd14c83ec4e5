"""`column IN (ids)` for lists of any size: a national scope holds ~80,000 villages.

asyncpg and SQLite both refuse more than 32,767 bound parameters in one statement, and a
plain `in_()` binds one parameter per id. Long lists go as one parameter instead: an array
on PostgreSQL (`= ANY(:ids)`), a JSON array on SQLite (`IN (SELECT value FROM json_each(:ids))`).
Short lists keep the ordinary `IN`, whose statements SQLAlchemy caches.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

from sqlalchemy import BigInteger, Boolean, String, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement

MANY = 1000  # above this, one array parameter instead of one parameter per id


class _AmongIds(ColumnElement[bool]):
    """`column` is one of `ids`, bound as a single parameter (compiled per dialect below)."""

    inherit_cache = False  # the ids are part of the SQL text's parameter, not cached
    type = Boolean()

    def __init__(self, column: ColumnElement[Any], ids: list[int]) -> None:
        self.column, self.ids = column, ids

    @property
    def _from_objects(self) -> Any:
        return self.column._from_objects


def among(column: Any, ids: Collection[int]) -> ColumnElement[bool]:
    """`column IN ids`, safe however many ids there are."""
    ordered = sorted(ids)
    if len(ordered) <= MANY:
        return column.in_(ordered)  # type: ignore[no-any-return]
    return _AmongIds(column, ordered)


@compiles(_AmongIds)
def _json_each(element: _AmongIds, compiler: SQLCompiler, **kw: Any) -> str:
    ids = compiler.process(bindparam(None, json.dumps(element.ids), type_=String), **kw)
    column = compiler.process(element.column, **kw)
    return f"{column} IN (SELECT value FROM json_each({ids}))"


@compiles(_AmongIds, "postgresql")
def _any_array(element: _AmongIds, compiler: SQLCompiler, **kw: Any) -> str:
    ids = compiler.process(bindparam(None, element.ids, type_=ARRAY(BigInteger)), **kw)
    return f"{compiler.process(element.column, **kw)} = ANY({ids})"
