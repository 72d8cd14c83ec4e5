"""Administrative CLI work: invite codes, audit listing, users."""

from __future__ import annotations

import datetime as dt

import click
from sqlalchemy import select

from bot.app import build
from domain.roles import SCOPE_LEVEL, Role
from messaging.labels import label
from messaging.render import render
from services.access import Scope
from services.lookup import best_households, best_units
from services.onboarding import create_invite
from storage.audit import events_for, now
from storage.models import AuditEvent, User, UserScope
from storage.people import find_users
from storage.unit_tree import unit_tree

EVERYTHING = Scope(True, frozenset(), frozenset())


async def make_invite(
    name: str | None, role: str | None, unit_name: str | None, ttl: dt.timedelta
) -> str:
    """A code for user NAME, or for a new user of ROLE over UNIT."""
    app = await build()
    try:
        async with app.db.session() as session, session.begin():
            if name:
                users = await find_users(session, name)
                if len(users) != 1:
                    raise click.ClickException(f'"{name}": tìm thấy {len(users)} người dùng.')
                return await create_invite(session, now=now(), ttl=ttl, user=users[0])
            if not role or not unit_name:
                raise click.UsageError("Cần NAME, hoặc --role và --unit.")
            level = SCOPE_LEVEL[Role(role)]
            tree = await unit_tree(session)
            candidates = [u for u in best_units(unit_name, tree, EVERYTHING) if u.level == level]
            if len(candidates) != 1:
                raise click.ClickException(
                    f'"{unit_name}": tìm thấy {len(candidates)} đơn vị cấp {level}.'
                )
            return await create_invite(
                session, now=now(), ttl=ttl, role=Role(role), unit=candidates[0]
            )
    finally:
        await app.close()


async def print_audit(household: str | None, village: str | None) -> None:
    """Print the audit trail of a household or of a village, oldest first."""
    app = await build()
    try:
        async with app.db.session() as session:
            if household:
                found = await best_households(session, household, None)
                if not found:
                    raise click.ClickException(f'Không tìm thấy hộ "{household}".')
                events = await events_for(session, entity="household", entity_id=found[0].id)
                events += [
                    e
                    for e in await events_for(session, village_ids=[found[0].village_id])
                    if e.entity == "report" and (e.after or {}).get("household_id") == found[0].id
                ]
            else:
                tree = await unit_tree(session)
                villages = [
                    u for u in best_units(village or "", tree, EVERYTHING) if u.level == "village"
                ]
                if not villages:
                    raise click.ClickException(f'Không tìm thấy thôn "{village}".')
                events = await events_for(session, village_ids=[v.id for v in villages])
            names = {u.id: u.name for u in (await session.scalars(select(User))).all()}
            for event in sorted(events, key=lambda e: e.id):
                click.echo(_audit_line(event, names))
    finally:
        await app.close()


def _audit_line(event: AuditEvent, names: dict[int, str]) -> str:
    """One event as a sentence: when, who, through which channel, what happened."""
    who = names.get(event.actor_id, "") if event.actor_id else ""
    return " ".join(render("audit_event", event=event, who=who or render("label", key="system"),
                           label=label).split("\n"))


async def print_users() -> None:
    """Print every user with role, login and scope."""
    app = await build()
    try:
        async with app.db.session() as session:
            units = (await unit_tree(session)).by_id
            scopes = (await session.execute(select(UserScope.user_id, UserScope.unit_id))).all()
            for user in (await session.scalars(select(User).order_by(User.id))).all():
                mine = [units[unit_id].name for user_id, unit_id in scopes if user_id == user.id]
                click.echo(f"{user.login:<24} {user.role:<16} {user.name:<22} {', '.join(mine)}")
    finally:
        await app.close()
