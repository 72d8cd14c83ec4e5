"""The audit trail of a village or of one household, as sentences (the CLI's and the web
view's: one wording, templates/audit_event.j2)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from messaging.labels import label
from messaging.render import render
from storage.audit import events_for
from storage.idlists import among
from storage.models import AuditEvent, Household, User


async def household_events(session: AsyncSession, household: Household) -> list[AuditEvent]:
    """Events about the household and about the reports on it, oldest first."""
    events = await events_for(session, entity="household", entity_id=household.id)
    events += [e for e in await events_for(session, village_ids=[household.village_id])
               if e.entity == "report" and (e.after or {}).get("household_id") == household.id]
    return sorted(events, key=lambda e: e.id)


async def village_events(session: AsyncSession, village_ids: list[int]) -> list[AuditEvent]:
    """Events of these villages, oldest first."""
    return await events_for(session, village_ids=village_ids)


async def sentences(session: AsyncSession, events: list[AuditEvent]) -> list[str]:
    """Each event as one line: when, who, through which channel, what happened."""
    actors = sorted({e.actor_id for e in events if e.actor_id})
    names = dict((await session.execute(
        select(User.id, User.name).where(among(User.id, actors)))).all()) if actors else {}
    return [" ".join(render("audit_event", event=e, label=label,
                            who=names.get(e.actor_id or 0) or render("label", key="system"))
                     .split("\n")) for e in events]
