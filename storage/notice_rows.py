"""Notices in the delivery ledger: written with the change they tell, read back to send.

A notice row is keyed like every ledger row (kind, period, recipient); its `period` is a
token of the one event it tells, so the same event never gets two rows for one person.
The rows about a report are the record of who was told about it.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Collection
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.ledger import DeliveryState, utc
from storage.models import ChatIdentity, Delivery
from storage.people import PRIVATE

NOTICE = "notice."  # every notice kind starts so: notice.filed, notice.decided, ...


def event_key() -> str:
    """A fresh key for one told event (the ledger's `period` column, 16 characters)."""
    return secrets.token_hex(8)


def add(session: AsyncSession, kind: str, key: str, recipient_id: int, now: dt.datetime,
        content: list[dict[str, Any]], report_id: int | None) -> None:
    """Queue one notice in the caller's transaction (sent once it has committed)."""
    session.add(Delivery(kind=NOTICE + kind, period=key, recipient_id=recipient_id,
                         state=DeliveryState.QUEUED.value, due_at=utc(now), attempts=0,
                         late=False, content=content, report_id=report_id))


async def due(session: AsyncSession, now: dt.datetime, lease: dt.timedelta,
              channels: Collection[str], limit: int = 200) -> list[Delivery]:
    """Notices to send now on these channels: queued, due for retry, or claimed by a
    process now gone, to someone with a private chat there (others wait, never in the way)."""
    now = utc(now)
    claimable = or_(
        Delivery.state == DeliveryState.QUEUED.value,
        and_(Delivery.state == DeliveryState.RETRY.value, Delivery.next_attempt_at <= now),
        and_(Delivery.state == DeliveryState.CLAIMED.value, Delivery.claimed_at < now - lease),
    )
    reachable = select(ChatIdentity.user_id).where(ChatIdentity.chat_type == PRIVATE,
                                                   ChatIdentity.channel.in_(list(channels)))
    query = select(Delivery).where(Delivery.kind.startswith(NOTICE), claimable,
                                   Delivery.recipient_id.in_(reachable))
    return list((await session.scalars(query.order_by(Delivery.id).limit(limit))).all())


async def told_about(session: AsyncSession, report_id: int) -> list[int]:
    """Everyone a notice about this report was written to, first told first."""
    query = (select(Delivery.recipient_id).where(Delivery.report_id == report_id,
                                                 Delivery.kind.startswith(NOTICE))
             .order_by(Delivery.id))
    return list(dict.fromkeys((await session.scalars(query)).all()))
