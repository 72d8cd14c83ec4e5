"""Audit trail: every change of data, with who, when, channel, before and after."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.idlists import among
from storage.models import AuditEvent


def now() -> dt.datetime:
    """Current instant, timezone-aware (UTC)."""
    return dt.datetime.now(dt.UTC)


def record(
    session: AsyncSession,
    *,
    actor_id: int | None,
    channel: str,
    action: str,
    entity: str,
    entity_id: int | None,
    village_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Add one audit event to the session (committed with the change it describes)."""
    session.add(
        AuditEvent(
            at=now(),
            actor_id=actor_id,
            channel=channel,
            action=action,
            entity=entity,
            entity_id=entity_id,
            village_id=village_id,
            before=before,
            after=after,
        )
    )


def diff(old: dict[str, Any], new: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The fields that changed, before and after."""
    changed = [key for key in new if old.get(key) != new[key]]
    return {key: old.get(key) for key in changed}, {key: new[key] for key in changed}


async def events_for(
    session: AsyncSession,
    *,
    village_ids: list[int] | None = None,
    entity: str | None = None,
    entity_id: int | None = None,
) -> list[AuditEvent]:
    """Audit events of some villages, or of one entity, oldest first."""
    query = select(AuditEvent).order_by(AuditEvent.id)
    if village_ids is not None:
        query = query.where(among(AuditEvent.village_id, village_ids))
    if entity is not None:
        query = query.where(AuditEvent.entity == entity, AuditEvent.entity_id == entity_id)
    return list((await session.scalars(query)).all())
