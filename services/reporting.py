"""Use cases of reports: submit, withdraw, confirm or reject; every step audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.names import fold, nfc, sort_key
from domain.periods import parse_period
from domain.roles import CAN_REPORT
from domain.statuses import ChangeKind, ReportState, Status, allowed_changes, status_after
from services import closures
from services.access import scope_of
from storage import households as household_repo
from storage.audit import record
from storage.models import ExitRegistration, Household, StatusChange, User
from storage.unit_tree import UnitInfo, UnitNode, unit_tree


class ReportError(Exception):
    """A report that cannot be made; `code` names the template that explains it."""

    def __init__(self, code: str, **details: Any) -> None:
        super().__init__(code)
        self.code, self.details = code, details


async def reporter_villages(session: AsyncSession, user: User) -> list[UnitNode]:
    """Villages this user may report for."""
    if user.role not in {r.value for r in CAN_REPORT}:
        return []
    scope = await scope_of(session, user)
    tree = await unit_tree(session)
    if scope.everything:
        return [u for u in tree.nodes if u.level == "village"]
    return sorted((u for i in scope.unit_ids if (u := tree.by_id[i]).level == "village"),
                  key=lambda u: u.id)


async def exists_elsewhere(session: AsyncSession, name_key: str,
                           villages: Sequence[UnitInfo]) -> bool:
    """True when a household of exactly this name lives outside the reporter's villages."""
    query = select(Household.id).where(
        Household.name_key == name_key, Household.village_id.not_in([v.id for v in villages])
    )
    return await session.scalar(query.limit(1)) is not None


async def household_choices(session: AsyncSession, village_id: int, year: int) -> list[Household]:
    """Poor and near-poor households of a village, those registered to exit first."""
    registered = (
        select(ExitRegistration.household_id)
        .join(Household)
        .where(ExitRegistration.year == year, Household.village_id == village_id)
    )
    query = select(Household).where(
        Household.village_id == village_id,
        Household.listed.is_(True),
        Household.status.in_([Status.POOR.value, Status.NEAR_POOR.value]),
    )
    found = list((await session.scalars(query)).all())
    ids = set((await session.scalars(registered)).all())
    return sorted(found, key=lambda h: (h.id not in ids, h.status != Status.POOR.value,
                                        sort_key(h.head_name)))


async def pending_of(session: AsyncSession, household_id: int) -> StatusChange | None:
    """The household's report awaiting a decision, if any."""
    return await session.scalar(
        select(StatusChange).where(
            StatusChange.household_id == household_id,
            StatusChange.state == ReportState.PENDING.value,
        )
    )


async def options_for(session: AsyncSession, household: Household) -> list[ChangeKind]:
    """Changes that make sense from the household's current status."""
    return allowed_changes(
        Status(household.status), await household_repo.ever_poor(session, household)
    )


async def check_can_report(session: AsyncSession, user: User, household: Household) -> None:
    """Raise unless `user` may report on this household now."""
    if household.village_id not in {v.id for v in await reporter_villages(session, user)}:
        raise ReportError("wrong_village")
    pending = await pending_of(session, household.id)
    if pending is not None:
        raise ReportError("already_pending", change=pending)


async def check_open(session: AsyncSession, village_id: int, day: dt.date) -> None:
    """A day inside an approved (locked) period takes no new report: the correction path."""
    closed = await closures.closed_on(session, village_id, day)
    if closed is not None:
        raise ReportError("date_locked", period=parse_period(closed.period), closed=closed,
                          day=day)


async def submit(
    session: AsyncSession,
    user: User,
    channel: str,
    household_id: int,
    kind: ChangeKind,
    happened_on: dt.date,
    now: dt.datetime,
    note: str | None = None,
    details: dict[str, Any] | None = None,
    evidence: str | None = None,
) -> StatusChange:
    """Store a pending report, checked against the household's current status."""
    household = await session.get(Household, household_id, with_for_update=True)
    if household is None:
        raise ReportError("household_gone")
    await check_can_report(session, user, household)
    if kind not in await options_for(session, household):
        raise ReportError("not_possible", household=household, kind=kind)
    await check_open(session, household.village_id, happened_on)
    current = Status(household.status)
    change = StatusChange(
        household_id=household.id,
        village_id=household.village_id,
        kind=kind.value,
        from_status=current.value,
        to_status=status_after(kind, current).value,
        happened_on=happened_on,
        reported_at=now,
        reported_by=user.id,
        channel=channel,
        state=ReportState.PENDING.value,
        note=note,
        details=details,
        evidence=evidence,
    )
    session.add(change)
    await session.flush()
    audit_change(session, user, channel, "report.create", change, None, _snapshot(change))
    return change


async def submit_new_household(
    session: AsyncSession,
    user: User,
    channel: str,
    village_id: int,
    fields: dict[str, Any],
    happened_on: dt.date,
    now: dt.datetime,
    note: str | None = None,
) -> StatusChange:
    """A household new to the program: created out of it, with a pending entry report."""
    if village_id not in {v.id for v in await reporter_villages(session, user)}:
        raise ReportError("wrong_village")
    await check_open(session, village_id, happened_on)
    title, name = fields.get("title"), nfc(fields["name"])
    key = fold(name)
    existing = await household_repo.by_key(session, village_id, key)
    if existing is not None and existing.listed:
        raise ReportError("household_exists", name=name)
    household = existing or Household(village_id=village_id, household_key=key, name_key=key,
                                      initial_status=Status.OUT.value,
                                      initial_year=happened_on.year)
    # A household an unconfirmed report added before is the same row, listed again.
    household.title, household.head_name, household.status = title, name, Status.OUT.value
    household.members, household.workers = fields.get("members"), fields.get("workers")
    household.cause, household.listed = fields.get("cause"), True
    household.note = "thêm qua báo cáo của trưởng thôn"
    session.add(household)
    await session.flush()
    audit_change(session, user, channel, "household.create", None, None,
                 {"household_id": household.id, "name": name, "again": existing is not None},
                 household=household)
    kind = (
        ChangeKind.NEW_POOR if fields["status"] == Status.POOR.value else ChangeKind.NEW_NEAR_POOR
    )
    return await submit(
        session,
        user,
        channel,
        household.id,
        kind,
        happened_on,
        now,
        note,
        details={"new_household": True},
    )


def _snapshot(change: StatusChange) -> dict[str, Any]:
    return {
        "household_id": change.household_id,
        "kind": change.kind,
        "from": change.from_status,
        "to": change.to_status,
        "happened_on": change.happened_on.isoformat(),
        "state": change.state,
        "note": change.note,
        "details": change.details,
    }


def audit_change(
    session: AsyncSession,
    user: User,
    channel: str,
    action: str,
    change: StatusChange | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    household: Household | None = None,
) -> None:
    """Audit a report (or, given `household`, the household it changed)."""
    if household is not None:
        entity, entity_id, village_id = "household", household.id, household.village_id
    else:
        assert change is not None
        entity, entity_id, village_id = "report", change.id, change.village_id
        after = (after or {}) | {"household_id": change.household_id}
    record(
        session,
        actor_id=user.id,
        channel=channel,
        action=action,
        entity=entity,
        entity_id=entity_id,
        village_id=village_id,
        before=before,
        after=after,
    )
