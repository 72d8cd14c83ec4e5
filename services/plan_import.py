"""Import a plan file in one transaction: all rows or nothing, idempotent."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from services.plan_checks import check_plan
from services.plan_file import PlanFile, Problem, place_key, read_plan
from services.plan_writer import PLAN_FIELDS, PlanWriter, no_village
from storage import units
from storage.db import Database
from storage.models import Unit

__all__ = ["PLAN_FIELDS", "ImportResult", "import_plan"]


@dataclass
class ImportResult:
    """What an import did, or why it did nothing."""

    file: str
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    rows: int = 0  # rows read (communes, villages, households)

    @property
    def ok(self) -> bool:
        """True when the file was imported."""
        return not self.errors

    @property
    def changed(self) -> bool:
        """True when anything in the database changed."""
        return bool(sum(self.created.values()) + sum(self.updated.values()))


class _Rollback(Exception):
    pass


async def import_plan(
    db: Database, path: Path, actor_id: int | None = None, channel: str = "cli"
) -> ImportResult:
    """Validate the whole file, then write it in one transaction (or write nothing)."""
    plan = read_plan(path)
    slips = check_plan(plan)  # duplicate units join plan.errors
    result = ImportResult(plan.name, plan.errors, plan.warnings, rows=len(plan.rows))
    if plan.rows:
        async with db.session() as session:
            result.errors += await _orphans(session, plan)
    if result.errors:  # every error of the file at once, in file order; slips only when clean
        result.errors.sort(key=lambda problem: problem.row or 0)
        return result
    result.warnings += slips
    try:
        async with db.session() as session, session.begin():
            writer = PlanWriter(session, plan, result, actor_id, channel)
            await writer.write()
            if result.errors:
                raise _Rollback
    except _Rollback:
        result.created.clear()
        result.updated.clear()
    return result


async def _orphans(session: AsyncSession, plan: PlanFile) -> list[Problem]:
    """Household rows whose village has no row in the file and no unit in the database."""
    known: dict[tuple[str, ...], bool] = {}
    problems = []
    for row in plan.rows:
        key = place_key(row.path)
        if row.household is None or key in plan.villages:
            continue
        if key not in known:
            known[key] = await _village_exists(session, row.path)
        if not known[key]:
            problems.append(Problem(plan.name, row.row, "thon", no_village(row.path[3])))
    return problems


async def _village_exists(session: AsyncSession, path: tuple[str, ...]) -> bool:
    parent: Unit | None = None
    for level, name in zip(units.LEVELS, path, strict=True):
        if name and (parent := await units.find(session, parent, level, name)) is None:
            return False
    return parent is not None and parent.level == "village"


