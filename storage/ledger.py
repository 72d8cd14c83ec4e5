"""The delivery ledger: claims only one process can win, and what became of each send.

A claim is an INSERT ... ON CONFLICT DO NOTHING (a new key) or a conditional UPDATE
guarded by the row's attempt counter (a retry, or a claim left stale by a crashed
process). Whoever's statement changed the row owns the send; nobody else does.

A claimed row is only being composed; before the first request goes out its owner commits
`sending`. A process that dies then may have been answered by the platform before it could
record it, and no platform offers an idempotency key: a row left `sending` is failed as
maybe delivered and never sent again (lost, never doubled; the admins are told).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Delivery


class DeliveryState(StrEnum):
    """Life of a ledger row."""

    QUEUED = "queued"  # a notice written with the change it tells, not yet claimed
    CLAIMED = "claimed"  # being composed: nothing went out yet
    SENDING = "sending"  # the request may be out: never claimed again
    SENT = "sent"
    RETRY = "retry"  # a temporary failure: claimable again from next_attempt_at
    FAILED = "failed"  # the recipient is gone or attempts ran out: never retried
    SKIPPED = "skipped"  # nothing to say (a nudge to a head who has reported)


DONE = frozenset({DeliveryState.SENT, DeliveryState.FAILED, DeliveryState.SKIPPED})


def utc(moment: dt.datetime) -> dt.datetime:
    """Aware UTC datetime (SQLite returns naive UTC)."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


async def rows_for(session: AsyncSession, kind: str, period: str) -> dict[int, Delivery]:
    """Ledger rows of one planned send, by recipient."""
    query = select(Delivery).where(Delivery.kind == kind, Delivery.period == period)
    return {row.recipient_id: row for row in (await session.scalars(query)).all()}


async def claim_new(
    session: AsyncSession,
    kind: str,
    period: str,
    recipient_id: int,
    due_at: dt.datetime,
    token: str,
    now: dt.datetime,
) -> int | None:
    """Insert the row already claimed by `token`; None when the key exists."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(Delivery)
        .values(
            kind=kind,
            period=period,
            recipient_id=recipient_id,
            state=DeliveryState.CLAIMED.value,
            due_at=utc(due_at),
            attempts=1,
            claimed_by=token,
            claimed_at=utc(now),
            late=False,
        )
        .on_conflict_do_nothing(index_elements=["kind", "period", "recipient_id"])
        .returning(Delivery.id)
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def reclaim(
    session: AsyncSession, row: Delivery, token: str, now: dt.datetime, lease: dt.timedelta
) -> bool:
    """Take over a row due for retry or claimed too long ago; False if someone else did."""
    now = utc(now)
    claimable = or_(
        Delivery.state == DeliveryState.QUEUED.value,
        and_(Delivery.state == DeliveryState.RETRY.value, Delivery.next_attempt_at <= now),
        and_(Delivery.state == DeliveryState.CLAIMED.value, Delivery.claimed_at < now - lease),
    )
    result = await session.execute(
        update(Delivery)
        .where(Delivery.id == row.id, Delivery.attempts == row.attempts, claimable)
        .values(
            state=DeliveryState.CLAIMED.value,
            claimed_by=token,
            claimed_at=now,
            attempts=row.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    return getattr(result, "rowcount", 0) == 1


def is_claimable(row: Delivery, now: dt.datetime, lease: dt.timedelta) -> bool:
    """Whether `reclaim` may succeed on this row now (saves a write when it cannot)."""
    if row.state == DeliveryState.QUEUED.value:
        return True
    if row.state == DeliveryState.RETRY.value:
        return row.next_attempt_at is None or utc(row.next_attempt_at) <= utc(now)
    if row.state == DeliveryState.CLAIMED.value:
        return row.claimed_at is None or utc(row.claimed_at) < utc(now) - lease
    return False


async def start_sending(session: AsyncSession, delivery_id: int, token: str,
                        now: dt.datetime) -> bool:
    """Before the first request goes out (committed by the caller); False when our claim
    was taken over meanwhile (then nothing is sent)."""
    result = await session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.claimed_by == token,
               Delivery.state == DeliveryState.CLAIMED.value)
        .values(state=DeliveryState.SENDING.value, claimed_at=utc(now))
        .execution_options(synchronize_session=False)
    )
    return getattr(result, "rowcount", 0) == 1


def is_abandoned(row: Delivery, now: dt.datetime, lease: dt.timedelta) -> bool:
    """Left `sending` longer than the lease: its process stopped, maybe after the platform
    took the message."""
    return (row.state == DeliveryState.SENDING.value and row.claimed_at is not None
            and utc(row.claimed_at) < utc(now) - lease)


async def give_up_abandoned(session: AsyncSession, row: Delivery, now: dt.datetime,
                            lease: dt.timedelta) -> bool:
    """Fail a row left `sending` as maybe delivered (never resent); False when another
    process did, or its owner finished it after all."""
    result = await session.execute(
        update(Delivery)
        .where(Delivery.id == row.id, Delivery.attempts == row.attempts,
               Delivery.state == DeliveryState.SENDING.value,
               Delivery.claimed_at < utc(now) - lease)
        .values(state=DeliveryState.FAILED.value,
                error="maybe delivered, not resent: the sending process stopped")
        .execution_options(synchronize_session=False)
    )
    return getattr(result, "rowcount", 0) == 1


async def finish(
    session: AsyncSession, delivery_id: int, token: str, state: DeliveryState, **values: Any
) -> bool:
    """Record the outcome of our claim; False when our claim was taken over meanwhile."""
    values = {key: utc(v) if isinstance(v, dt.datetime) else v for key, v in values.items()}
    result = await session.execute(
        update(Delivery)
        .where(
            Delivery.id == delivery_id,
            Delivery.claimed_by == token,
            Delivery.state.in_((DeliveryState.CLAIMED.value, DeliveryState.SENDING.value)),
        )
        .values(state=state.value, **values)
        .execution_options(synchronize_session=False)
    )
    return getattr(result, "rowcount", 0) == 1


async def unreported_failures(session: AsyncSession) -> list[Delivery]:
    """Failed sends the admins have not been told about yet."""
    query = select(Delivery).where(
        Delivery.state == DeliveryState.FAILED.value, Delivery.reported_at.is_(None)
    )
    return list((await session.scalars(query.order_by(Delivery.id))).all())


async def mark_reported(session: AsyncSession, delivery_id: int, now: dt.datetime) -> bool:
    """Claim the report of one failure; False when another process reports it."""
    result = await session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.reported_at.is_(None))
        .values(reported_at=utc(now))
        .execution_options(synchronize_session=False)
    )
    return getattr(result, "rowcount", 0) == 1
