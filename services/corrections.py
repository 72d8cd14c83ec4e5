"""Correcting confirmed reports: the head's request, its approval, the officer's revocation.

A confirmed report is never edited or deleted: an approved correction marks it
`corrected` (the progress engine counts only confirmed and pending reports) and moves the
household back to what it was before the report; a revoked confirmation sends the report
back to pending. Every step is in the audit trail.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.periods import parse_period
from domain.roles import CAN_CONFIRM
from domain.statuses import CorrectionState, ReportState
from services import closures
from services.access import scope_of
from services.decisions import (
    KEPT,
    household_values,
    unlist_if_new,
)
from services.reporting import ReportError, audit_change, reporter_villages
from storage import notice_rows
from storage.idlists import among
from storage.models import CorrectionRequest, Household, StatusChange, User


async def request_correction(session: AsyncSession, user: User, channel: str, change_id: int,
                             reason: str, now: dt.datetime) -> CorrectionRequest:
    """A head asks to undo a confirmed report of their village, with a reason."""
    change = await correctable(session, user, change_id)
    request = CorrectionRequest(change_id=change.id, village_id=change.village_id,
                                requested_by=user.id, requested_at=now, channel=channel,
                                reason=reason, state=CorrectionState.PENDING.value)
    session.add(request)
    await session.flush()
    audit_change(session, user, channel, "correction.request", change, None,
                 {"request": request.id, "reason": reason})
    return request


async def correctable(session: AsyncSession, user: User, change_id: int) -> StatusChange:
    """The report, if this user may ask to correct it now; else why not (ReportError)."""
    change = await session.get(StatusChange, change_id)
    villages = {v.id for v in await reporter_villages(session, user)}
    if change is None or change.village_id not in villages:
        raise ReportError("report_unknown", number=change_id)
    if change.state == ReportState.PENDING.value:
        raise ReportError("correct_pending", change=change, own=change.reported_by == user.id)
    if change.state != ReportState.CONFIRMED.value:
        raise ReportError("already_decided", change=change)
    await _check_latest(session, change)
    waiting = await waiting_request(session, change.id)
    if waiting is not None:
        raise ReportError("correction_waiting", change=change, request=waiting)
    return change


async def waiting_request(session: AsyncSession, change_id: int) -> CorrectionRequest | None:
    """The report's correction request awaiting a decision, if any."""
    query = select(CorrectionRequest).where(CorrectionRequest.change_id == change_id,
                                            CorrectionRequest.state == CorrectionState.PENDING)
    return await session.scalar(query.limit(1))


async def latest_confirmed(session: AsyncSession, household_id: int) -> StatusChange | None:
    """The household's last confirmed report: the one a correction may undo."""
    query = select(StatusChange).where(StatusChange.household_id == household_id,
                                       StatusChange.state == ReportState.CONFIRMED.value)
    return await session.scalar(query.order_by(StatusChange.id.desc()).limit(1))


async def _check_latest(session: AsyncSession, change: StatusChange) -> None:
    """Only the household's last confirmed report can be undone (later ones build on it)."""
    latest = await latest_confirmed(session, change.household_id)
    if latest is not None and latest.id != change.id:
        raise ReportError("later_report", change=change, later=latest)


async def decide_correction(session: AsyncSession, user: User, channel: str, request_id: int,
                            approve: bool, now: dt.datetime,
                            reason: str | None = None) -> CorrectionRequest:
    """Approve (the report is corrected, figures move back) or reject a correction request."""
    request = await session.get(CorrectionRequest, request_id)
    if request is None:
        raise ReportError("report_unknown", number=request_id)
    await _check_decider(session, user, request.village_id)
    change = await session.get(StatusChange, request.change_id)
    assert change is not None
    household = await session.get(Household, change.household_id, with_for_update=True)
    assert household is not None
    await session.refresh(request)
    state = CorrectionState.APPROVED if approve else CorrectionState.REJECTED
    if not await _settle(session, request, state, user, now, reason):
        raise ReportError("correction_decided", change=change, request=request)
    audit_change(session, user, channel, f"correction.{state.value}", change,
                 {"state": "pending"}, {"request": request.id, "reason": reason})
    if approve:
        await session.refresh(change)
        if change.state != ReportState.CONFIRMED.value:
            raise ReportError("already_decided", change=change)
        await _check_latest(session, change)
        change.state = ReportState.CORRECTED.value
        undo(session, user, channel, change, household)
        audit_change(session, user, channel, "report.corrected", change,
                     {"state": "confirmed"}, {"state": change.state, "request": request.id})
    return request


async def revocable(session: AsyncSession, user: User, change_id: int) -> StatusChange:
    """The report, if this user confirmed it and its period is open; else why not."""
    change = await session.get(StatusChange, change_id)
    if change is None or not (await scope_of(session, user)).covers(change.village_id):
        raise ReportError("report_unknown", number=change_id)
    if change.state != ReportState.CONFIRMED.value:
        raise ReportError("not_confirmed", change=change)
    if change.decided_by != user.id:
        raise ReportError("revoke_not_yours", change=change)
    closed = await closures.closed_on(session, change.village_id, change.happened_on)
    if closed is not None:
        raise ReportError("period_closed", change=change, period=parse_period(closed.period))
    await _check_latest(session, change)
    return change


async def revoke(session: AsyncSession, user: User, channel: str, change_id: int, reason: str,
                 now: dt.datetime) -> StatusChange:
    """An officer takes back their own confirmation while the period is open: pending again."""
    change = await revocable(session, user, change_id)
    household = await session.get(Household, change.household_id, with_for_update=True)
    assert household is not None
    result = await session.execute(
        update(StatusChange).where(StatusChange.id == change.id,
                                   StatusChange.state == ReportState.CONFIRMED.value)
        .values(state=ReportState.PENDING.value, decided_by=None, decided_at=None)
        .execution_options(synchronize_session=False))
    if getattr(result, "rowcount", 0) != 1:
        await session.refresh(change)
        raise ReportError("already_decided", change=change)
    change.state, change.decided_by, change.decided_at = ReportState.PENDING.value, None, None
    undo(session, user, channel, change, household)
    audit_change(session, user, channel, "report.revoke", change, {"state": "confirmed"},
                 {"state": "pending", "reason": reason})
    return change


async def recent_confirmed(session: AsyncSession, village_ids: list[int],
                           shown: int = 5) -> list[StatusChange]:
    """The last confirmed reports of these villages (to pick one to correct)."""
    if not village_ids:
        return []
    query = select(StatusChange).where(among(StatusChange.village_id, village_ids),
                                       StatusChange.state == ReportState.CONFIRMED.value)
    return list((await session.scalars(query.order_by(StatusChange.id.desc()).limit(shown))).all())


async def own_confirmed(session: AsyncSession, user: User, shown: int = 5) -> list[StatusChange]:
    """The reports this user confirmed last (to pick one to revoke)."""
    query = select(StatusChange).where(StatusChange.decided_by == user.id,
                                       StatusChange.state == ReportState.CONFIRMED.value)
    return list((await session.scalars(query.order_by(StatusChange.id.desc()).limit(shown))).all())


def undo(session: AsyncSession, user: User, channel: str, change: StatusChange,
         household: Household) -> None:
    """Put the household back as it was before the report (audited)."""
    before = household_values(household)
    previous = change.previous or {"status": change.from_status}
    for name, value in previous.items():
        if name in KEPT:
            setattr(household, name, value)
    audit_change(session, user, channel, "household.update", None, before,
                 household_values(household) | {"report": change.id, "undone": True},
                 household=household)
    if change.state == ReportState.CORRECTED.value:
        unlist_if_new(session, user, channel, household, change)


async def _check_decider(session: AsyncSession, user: User, village_id: int) -> None:
    if user.role not in {r.value for r in CAN_CONFIRM} or not (
        await scope_of(session, user)
    ).covers(village_id):
        raise ReportError("cannot_decide")


async def _settle(session: AsyncSession, request: CorrectionRequest, state: CorrectionState,
                  user: User, now: dt.datetime, reason: str | None) -> bool:
    """pending -> state with a conditional UPDATE; False if someone decided first."""
    result = await session.execute(
        update(CorrectionRequest)
        .where(CorrectionRequest.id == request.id,
               CorrectionRequest.state == CorrectionState.PENDING.value)
        .values(state=state.value, decided_by=user.id, decided_at=now, decision_reason=reason)
        .execution_options(synchronize_session=False))
    if getattr(result, "rowcount", 0) != 1:
        await session.refresh(request)
        return False
    request.state, request.decided_by, request.decided_at = state.value, user.id, now
    request.decision_reason = reason
    return True


async def waiting_in_scope(session: AsyncSession, user: User,
                           shown: int = 10) -> list[CorrectionRequest]:
    """Correction requests awaiting a decision in the villages this user covers."""
    scope = await scope_of(session, user)
    query = select(CorrectionRequest).where(
        CorrectionRequest.state == CorrectionState.PENDING.value)
    if not scope.everything:
        query = query.where(among(CorrectionRequest.village_id, scope.unit_ids))
    return list((await session.scalars(query.order_by(CorrectionRequest.id).limit(shown))).all())


async def told_of(session: AsyncSession, change: StatusChange,
                  request: CorrectionRequest | None = None) -> list[int]:
    """Everyone told about a report (the ledger's notices about it), its head, and the one
    who confirmed it (they may have confirmed from /cho without a notice)."""
    ids = [change.reported_by, change.decided_by]
    ids += [request.requested_by] if request is not None else []
    ids += await notice_rows.told_about(session, change.id)
    return list(dict.fromkeys(i for i in ids if i is not None))
