"""Use cases after a report: the reporter withdraws it, an officer confirms or rejects it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.roles import CAN_CONFIRM, Role
from domain.statuses import ReportState
from services.access import scope_of
from services.reporting import ReportError, audit_change
from storage.idlists import among
from storage.models import (
    ChatIdentity,
    Household,
    StatusChange,
    Unit,
    User,
    UserScope,
)
from storage.people import PRIVATE
from storage.unit_tree import unit_tree

KEPT = ("status", "members", "workers", "cause")


async def withdraw(
    session: AsyncSession, user: User, channel: str, change_id: int, now: dt.datetime
) -> StatusChange:
    """The reporter takes back their own pending report."""
    change = await session.get(StatusChange, change_id)
    if change is None or change.reported_by != user.id:
        raise ReportError("not_yours")
    if not await _settle(session, change, ReportState.WITHDRAWN, user, now, None):
        raise ReportError("already_decided", change=change)
    household = await session.get(Household, change.household_id)
    assert household is not None
    unlist_if_new(session, user, channel, household, change)
    audit_change(
        session,
        user,
        channel,
        "report.withdraw",
        change,
        {"state": "pending"},
        {"state": change.state},
    )
    return change


async def decide(
    session: AsyncSession,
    user: User,
    channel: str,
    change_id: int,
    confirm: bool,
    now: dt.datetime,
    reason: str | None = None,
) -> StatusChange:
    """Confirm or reject a pending report; two deciders at once cannot both win."""
    change = await session.get(StatusChange, change_id)
    if change is None:
        raise ReportError("household_gone")
    if user.role not in {r.value for r in CAN_CONFIRM} or not (
        await scope_of(session, user)
    ).covers(change.village_id):
        raise ReportError("cannot_decide")
    # Lock the household first (PostgreSQL), then re-read the report: a decider who waited
    # for the lock sees the first decision instead of deciding twice.
    household = await session.get(Household, change.household_id, with_for_update=True)
    assert household is not None
    await session.refresh(change)
    if change.state != ReportState.PENDING.value:
        raise ReportError("already_decided", change=change)
    if confirm and household.status != change.from_status:
        raise ReportError("status_moved", household=household)
    state = ReportState.CONFIRMED if confirm else ReportState.REJECTED
    if not await _settle(session, change, state, user, now, reason):
        await session.refresh(change)
        raise ReportError("already_decided", change=change)
    if confirm:
        before = household_values(household)
        change.previous = before
        _apply(household, change)
        audit_change(session, user, channel, "household.update", None, before,
                     household_values(household) | {"report": change.id}, household=household)
    else:
        unlist_if_new(session, user, channel, household, change)
    audit_change(
        session,
        user,
        channel,
        f"report.{state.value}",
        change,
        {"state": "pending"},
        {"state": state.value, "reason": reason},
    )
    return change


async def _settle(
    session: AsyncSession,
    change: StatusChange,
    state: ReportState,
    user: User,
    now: dt.datetime,
    reason: str | None,
) -> bool:
    """Move pending -> state with a conditional UPDATE; False if someone was first."""
    result = await session.execute(
        update(StatusChange)
        .where(StatusChange.id == change.id, StatusChange.state == ReportState.PENDING.value)
        .values(state=state.value, decided_by=user.id, decided_at=now, reason=reason)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        return False
    change.state, change.decided_by, change.decided_at, change.reason = (
        state.value,
        user.id,
        now,
        reason,
    )
    return True


def household_values(household: Household) -> dict[str, Any]:
    """What a confirmed report may change on a household (kept to move it back)."""
    return {name: getattr(household, name) for name in KEPT}


def unlist_if_new(session: AsyncSession, user: User, channel: str, household: Household,
                  change: StatusChange) -> None:
    """A household that existed only through this report leaves every figure and answer
    (audited; the row stays for the audit trail)."""
    if (change.details or {}).get("new_household") and household.listed:
        household.listed = False
        audit_change(session, user, channel, "household.unlist", None, {"listed": True},
                     {"listed": False, "report": change.id}, household=household)


def _apply(household: Household, change: StatusChange) -> None:
    household.status = change.to_status
    for field_name, value in (change.details or {}).items():
        if field_name in {"members", "workers", "cause"}:
            setattr(household, field_name, value)


async def deciders_for(session: AsyncSession, village_id: int) -> list[User]:
    """Officers whose scope covers the village; else the commune's leaders.

    One query: a scope covers the village when it holds the village or one of its ancestors.
    """
    query = (
        select(User)
        .join(UserScope, UserScope.user_id == User.id)
        .where(
            User.active.is_(True),
            User.role.in_([Role.OFFICER.value, Role.COMMUNE_LEADER.value]),
            UserScope.unit_id.in_(
                [village_id, *(await unit_tree(session)).ancestors(village_id)]),
        )
        .distinct()
        .order_by(User.id)
    )
    covering = list((await session.scalars(query)).all())
    officers = [u for u in covering if u.role == Role.OFFICER.value]
    return officers or covering


async def officers_of(session: AsyncSession, village_id: int) -> list[User]:
    """Active officers whose scope covers the village (told when a leader decides)."""
    return [u for u in await deciders_for(session, village_id) if u.role == Role.OFFICER.value]


async def chats_of(session: AsyncSession, user_ids: list[int]) -> list[ChatIdentity]:
    """Every private chat linked to these users (never a group: notifications name people)."""
    query = select(ChatIdentity).where(ChatIdentity.user_id.in_(user_ids),
                                       ChatIdentity.chat_type == PRIVATE)
    return list((await session.scalars(query)).all())


@dataclass(frozen=True)
class Pending:
    """How many reports await a decision in a user's villages, and the oldest of them."""

    count: int
    oldest: list[StatusChange]


async def pending_in_scope(session: AsyncSession, user: User, shown: int = 10,
                           until: dt.date | None = None) -> Pending:
    """Reports awaiting a decision in the villages this user covers: the count, the oldest;
    with `until`, only changes dated by then (a past period's digest).

    Only `shown` reports are loaded: a national officer may have hundreds of thousands.
    """
    scope = await scope_of(session, user)
    where = [StatusChange.state == ReportState.PENDING.value]
    if until is not None:
        where.append(StatusChange.happened_on <= until)
    if not scope.everything:
        where.append(among(StatusChange.village_id, scope.unit_ids))
    count = await session.scalar(select(func.count()).select_from(StatusChange).where(*where))
    oldest = await session.scalars(select(StatusChange).where(*where)
                                   .order_by(StatusChange.id).limit(shown))
    return Pending(count or 0, list(oldest.all()))


async def load_related(session: AsyncSession, changes: list[StatusChange]) -> list[object]:
    """Households, villages and reporters of these reports in three queries, not three each.

    Keep the returned list while using them: `session.get` then finds them in the identity map.
    """
    if not changes:
        return []
    households = select(Household).where(among(Household.id, {c.household_id for c in changes}))
    villages = select(Unit).where(among(Unit.id, {c.village_id for c in changes}))
    reporter_ids = {c.reported_by for c in changes if c.reported_by is not None}
    loaded: list[object] = [*(await session.scalars(households)).all()]
    loaded += (await session.scalars(villages)).all()
    if reporter_ids:
        loaded += (await session.scalars(select(User).where(among(User.id, reporter_ids)))).all()
    return loaded
