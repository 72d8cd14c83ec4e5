"""Closed periods: a commune's figures of a period approved (chốt), closed to revocations.

A report dated in a closed period can only be corrected through a correction request
(services/corrections.py); an officer's own revocation is refused.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.periods import Period, PeriodKind, period_of
from storage.audit import record
from storage.models import PeriodClose, User
from storage.unit_tree import unit_tree


def periods_of(day: dt.date) -> list[str]:
    """Keys of the periods a day belongs to, shortest first: quarter, half, year."""
    return [period_of(kind, day).key for kind in (PeriodKind.QUARTER, PeriodKind.HALF,
                                                   PeriodKind.YEAR)]


async def closed_on(session: AsyncSession, village_id: int, day: dt.date) -> PeriodClose | None:
    """The closure covering this village (or a unit above it) and day, if any."""
    units = [village_id, *(await unit_tree(session)).ancestors(village_id)]
    query = select(PeriodClose).where(PeriodClose.unit_id.in_(units),
                                      PeriodClose.period.in_(periods_of(day)))
    return await session.scalar(query.order_by(PeriodClose.closed_at).limit(1))


async def closure_of(session: AsyncSession, unit_id: int, period: Period) -> PeriodClose | None:
    """The closure of exactly this period for the unit or a unit above it."""
    units = [unit_id, *(await unit_tree(session)).ancestors(unit_id)]
    query = select(PeriodClose).where(PeriodClose.unit_id.in_(units),
                                      PeriodClose.period == period.key)
    return await session.scalar(query.limit(1))


async def close_period(session: AsyncSession, user: User | None, unit_id: int, period: Period,
                       now: dt.datetime, channel: str = "cli") -> bool:
    """Close a unit's period; False when it was closed already."""
    if await session.get(PeriodClose, (unit_id, period.key)) is not None:
        return False
    session.add(PeriodClose(unit_id=unit_id, period=period.key,
                            closed_by=user.id if user else None, closed_at=now))
    record(session, actor_id=user.id if user else None, channel=channel, action="period.close",
           entity="unit", entity_id=unit_id, after={"period": period.key})
    return True


async def open_period(session: AsyncSession, unit_id: int, period: Period, reason: str,
                      now: dt.datetime, channel: str = "cli") -> PeriodClose | None:
    """Unlock an approved period (the admin, with a reason); the closure removed, or None."""
    closed = await session.get(PeriodClose, (unit_id, period.key))
    if closed is None:
        return None
    await session.delete(closed)
    record(session, actor_id=None, channel=channel, action="period.open", entity="unit",
           entity_id=unit_id, before={"period": period.key, "closed_by": closed.closed_by,
                                      "closed_at": closed.closed_at.isoformat()},
           after={"period": period.key, "reason": reason})
    return closed
