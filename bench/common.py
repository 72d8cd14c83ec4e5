"""What the benchmark scripts share: who talks, about what, and percentiles."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

from sqlalchemy import delete, select

from domain.roles import Role
from domain.statuses import ReportState, Status
from storage.db import Database
from storage.models import ChatIdentity, Household, StatusChange, Unit, User, UserScope

CHANNEL = "bench"


@dataclass
class Cast:
    """Linked chat accounts and the names they ask and report about."""

    heads: list[tuple[str, int]]  # (chat account, village id), one per village sampled
    leaders: list[tuple[str, list[str]]]  # account, questions about its commune and villages
    officers: list[str]


async def _users(session: object, role: Role, limit: int) -> list[tuple[User, int]]:
    query = (select(User, UserScope.unit_id).join(UserScope, UserScope.user_id == User.id)
             .where(User.role == role.value, ~User.login.like("bench-%"))
             .order_by(User.id, UserScope.unit_id).limit(limit * 4))
    first: dict[int, tuple[User, int]] = {}
    for user, unit in (await session.execute(query)).all():  # type: ignore[attr-defined]
        first.setdefault(user.id, (user, unit))
    return list(first.values())[:limit]


async def cast(db: Database, count: int = 50) -> Cast:
    """Link `count` village heads, officers and leaders to chat accounts 'bench-<login>'."""
    now = dt.datetime.now(dt.UTC)
    async with db.session() as session, session.begin():
        await session.execute(delete(ChatIdentity).where(ChatIdentity.channel == CHANNEL))
        picked = {role: await _users(session, role, count)
                  for role in (Role.VILLAGE_HEAD, Role.OFFICER, Role.COMMUNE_LEADER)}
        for pairs in picked.values():
            for user, _ in pairs:
                session.add(ChatIdentity(channel=CHANNEL, external_id=f"b-{user.login}",
                                         chat_id=f"b-{user.login}", chat_type="private",
                                         user_id=user.id, linked_at=now))
        leaders = [(f"b-{u.login}", await _questions(session, unit))
                   for u, unit in picked[Role.COMMUNE_LEADER]]
    return Cast(
        heads=[(f"b-{u.login}", unit) for u, unit in picked[Role.VILLAGE_HEAD]],
        leaders=leaders,
        officers=[f"b-{u.login}" for u, _ in picked[Role.OFFICER]],
    )


async def _questions(session: object, commune_id: int) -> list[str]:
    """'Xã X đến đâu rồi' and 'Thôn Y thế nào?' for each village of the commune."""
    commune = await session.get(Unit, commune_id)  # type: ignore[attr-defined]
    villages = (await session.scalars(  # type: ignore[attr-defined]
        select(Unit).where(Unit.parent_id == commune_id).order_by(Unit.id))).all()
    return [f"{commune.name} đến đâu rồi"] + [f"{v.name} thế nào?" for v in villages]


async def reportable(db: Database, village_id: int) -> list[tuple[str, str]]:
    """(name, change phrase) of the village's households that have no pending report."""
    async with db.session() as session:
        pending = select(StatusChange.household_id).where(
            StatusChange.state == ReportState.PENDING.value)
        rows = (await session.execute(
            select(Household.head_name, Household.status).where(
                Household.village_id == village_id,
                Household.status.in_([Status.POOR.value, Status.NEAR_POOR.value]),
                Household.id.not_in(pending)).order_by(Household.id))).all()
    seen: set[str] = set()
    found = []
    for name, status in rows:
        if name not in seen:
            seen.add(name)
            found.append((name, "thoát nghèo" if status == "poor" else "thoát cận nghèo"))
    return found


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    """p50, p99 and max, in milliseconds."""
    ordered = sorted(samples)
    if len(ordered) < 2:
        return (ordered[0] * 1000,) * 3 if ordered else (0.0, 0.0, 0.0)
    cuts = statistics.quantiles(ordered, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[98] * 1000, ordered[-1] * 1000
