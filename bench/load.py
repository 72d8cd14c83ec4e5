"""Bulk loading for the generator: households from plan rows, extra users, a year of reports."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update

from bench.plans import EXTRA_USERS, person
from domain.names import fold, split_title
from domain.roles import Role
from domain.statuses import ChangeKind, ReportState, Status, status_after
from services.plan_checks import household_key
from services.plan_file import PlanRow, read_plan
from storage import units
from storage.db import Database
from storage.models import ExitRegistration, Household, StatusChange, Unit, User, UserScope

BATCH = 5_000
NOW = dt.datetime.now(dt.UTC)


def _batches(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    return [rows[i : i + BATCH] for i in range(0, len(rows), BATCH)]


async def _village_of(session: Any, row: PlanRow, cache: dict[tuple[str, ...], Unit]) -> Unit:
    if row.path not in cache:
        parent: Unit | None = None
        for level, name in zip(units.LEVELS, row.path, strict=True):
            if name:
                parent = await units.find(session, parent, level, name)
                assert parent is not None, row.path
        assert parent is not None
        cache[row.path] = parent
    return cache[row.path]


async def insert_households(db: Database, path: Path) -> int:
    """Insert a plan file's household rows (already validated by the reader) in bulk."""
    plan = read_plan(path)
    cache: dict[tuple[str, ...], Unit] = {}
    households, registered = [], []
    async with db.session() as session, session.begin():
        for row in plan.rows:
            fields = row.household
            if fields is None:
                continue
            village = await _village_of(session, row, cache)
            title, name = split_title(fields.head)
            key = str(household_key(row)[-1])
            households.append({
                "village_id": village.id, "household_key": key, "code": fields.code,
                "title": title, "head_name": name, "name_key": fold(name),
                "members": fields.members, "workers": fields.workers, "cause": fields.cause,
                "social_protection": fields.social_protection,
                "deprivations": fields.deprivations, "initial_status": fields.status.value,
                "initial_year": row.year, "status": fields.status.value, "note": row.note})
            if fields.registered:
                registered.append((village.id, key, row.year))
        for batch in _batches(households):
            await session.execute(insert(Household), batch)
        ids = await session.execute(
            select(Household.village_id, Household.household_key, Household.id).where(
                Household.village_id.in_([u.id for u in cache.values()])))
        by_key = {(v, k): i for v, k, i in ids.all()}
        rows = [{"household_id": by_key[(v, k)], "year": y} for v, k, y in registered]
        for batch in _batches(rows):
            await session.execute(insert(ExitRegistration), batch)
    return len(households)


async def add_users(db: Database, total: int, first: int = EXTRA_USERS) -> int:
    """Deputy village heads (role village_head) until the province has `total` users.

    Their names are person(first), person(first + 1), ...
    """
    async with db.session() as session, session.begin():
        existing = await session.scalar(select(func.count(User.id))) or 0
        villages = list((await session.scalars(
            select(Unit.id).where(Unit.level == "village").order_by(Unit.id))).all())
        extra = max(0, total - existing)
        rows = []
        for i in range(extra):
            title, name = person(first + i)
            rows.append({"login": f"bench-{i}", "title": title, "name": name,
                         "name_key": fold(name), "role": Role.VILLAGE_HEAD.value,
                         "active": True, "created_at": NOW})
        for batch in _batches(rows):
            await session.execute(insert(User), batch)
        ids = (await session.execute(
            select(User.login, User.id).where(User.login.like("bench-%")))).all()
        scopes = [{"user_id": uid, "unit_id": villages[int(login[6:]) % len(villages)]}
                  for login, uid in ids]
        for batch in _batches(scopes):
            await session.execute(insert(UserScope), batch)
    return extra


EXITS = {Status.POOR: (ChangeKind.EXIT_POVERTY, ChangeKind.EXIT_TO_NEAR_POOR),
         Status.NEAR_POOR: (ChangeKind.EXIT_NEAR_POVERTY,)}
CHANGE_COLUMNS = ("household_id", "village_id", "kind", "from_status", "to_status",
                  "happened_on", "reported_at", "channel", "state")
Found = tuple[int, int, str]  # household id, village id, status


def planned_reports(found: Sequence[Found], year: int, rng: random.Random,
                    share: float = 0.2) -> tuple[list[tuple[Any, ...]], list[tuple[int, str]]]:
    """Exits reported for `share` of households (CHANGE_COLUMNS rows), and confirmed moves."""
    last_day = min(dt.date(year, 12, 31), dt.date.today() - dt.timedelta(days=1))
    span = (last_day - dt.date(year, 1, 1)).days
    changes, moved = [], []
    for hid, village_id, status in rng.sample(found, int(len(found) * share)):
        kind = rng.choice(EXITS[Status(status)])
        state = ReportState.CONFIRMED if rng.random() < 0.75 else ReportState.PENDING
        after = status_after(kind, Status(status)).value
        day = dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(0, max(span, 0)))
        changes.append((hid, village_id, kind.value, status, after, day, NOW, "bench",
                        state.value))
        if state is ReportState.CONFIRMED:
            moved.append((hid, after))
    return changes, moved


async def add_reports(db: Database, year: int, rng: random.Random, share: float = 0.2) -> int:
    """Exits reported for `share` of households: 3 in 4 confirmed, the rest pending."""
    async with db.session() as session, session.begin():
        rows = await session.execute(
            select(Household.id, Household.village_id, Household.status))
        found: list[Found] = [(hid, village_id, status) for hid, village_id, status in rows]
        changes, moved = planned_reports(found, year, rng, share)
        for batch in _batches([dict(zip(CHANGE_COLUMNS, c, strict=True)) for c in changes]):
            await session.execute(insert(StatusChange), batch)
        move = update(Household).where(Household.id == bindparam("hid")).values(
            status=bindparam("new"))
        for batch in _batches([{"hid": hid, "new": new} for hid, new in moved]):
            await (await session.connection()).execute(move, batch)
    return len(changes)
