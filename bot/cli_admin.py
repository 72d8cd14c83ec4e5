"""Administrative CLI work: invite codes, audit listing, users."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import click
from sqlalchemy import select

from bot.app import build
from domain.names import fold, split_title
from domain.roles import SCOPE_LEVEL, Role
from messaging.labels import label
from messaging.render import render
from services.access import Scope
from services.lookup import best_households, best_units
from services.onboarding import create_invite, new_person, same_role_over
from storage.audit import events_for, now
from storage.ledger import utc
from storage.models import AuditEvent, ChatIdentity, Household, User, UserScope
from storage.people import PRIVATE, find_users
from storage.unit_tree import UnitNode, UnitTree, unit_tree

EVERYTHING = Scope(True, frozenset(), frozenset())


async def make_invite(
    name: str | None, role: str | None, unit_name: str | None, ttl: dt.timedelta
) -> str:
    """A code for user NAME; for a new person NAME of ROLE over UNIT; or for any new user."""
    app = await build()
    try:
        async with app.db.session() as session, session.begin():
            users = await find_users(session, name) if name else []
            if len(users) == 1:
                return await create_invite(session, now=now(), ttl=ttl, user=users[0])
            if len(users) > 1 or (name and not (role and unit_name)):
                raise click.ClickException(render("cli_invite", problem="users", name=name,
                                                  found=len(users)))
            if not role or not unit_name:
                raise click.UsageError(render("cli_invite", problem="usage"))
            unit = _one_unit(await unit_tree(session), unit_name, SCOPE_LEVEL[Role(role)])
            for other in await same_role_over(session, Role(role), unit.id):
                click.echo(render("cli_invite", problem="second", other=other, unit=unit,
                                  role=role), err=True)
            user = await new_person(session, name, Role(role), unit) if name else None
            return await create_invite(session, now=now(), ttl=ttl, user=user,
                                       role=None if user else Role(role),
                                       unit=None if user else unit)
    finally:
        await app.close()


def _one_unit(tree: UnitTree, unit_name: str, level: str) -> UnitNode:
    candidates = [u for u in best_units(unit_name, tree, EVERYTHING) if u.level == level]
    if len(candidates) != 1:
        raise click.ClickException(render("cli_invite", problem="units", name=unit_name,
                                          found=len(candidates), level=level))
    return candidates[0]


async def print_audit(household: str | None, village: str | None) -> None:
    """Print the audit trail of a household or of a village, oldest first."""
    app = await build()
    try:
        async with app.db.session() as session:
            if household:
                exact = select(Household).where(  # unlisted ones too: the audit keeps them
                    Household.name_key == fold(split_title(household)[1]))
                found = list((await session.scalars(exact)).all()) or await best_households(
                    session, household, None)
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
            zone = ZoneInfo(app.settings.timezone)
            for event in sorted(events, key=lambda e: e.id):
                click.echo(_audit_line(event, names, zone))
    finally:
        await app.close()


def _audit_line(event: AuditEvent, names: dict[int, str], zone: ZoneInfo) -> str:
    """One event as a sentence: when (local time), who, through which channel, what."""
    who = names.get(event.actor_id, "") if event.actor_id else ""
    told = [names.get(i, "?") for i in (event.after or {}).get("to", [])]
    return " ".join(render("audit_event", event=event, who=who or render("label", key="system"),
                           at=utc(event.at).astimezone(zone), told=told,
                           label=label).split("\n"))


async def print_users() -> None:
    """Print every user with role, login, scope and linked chat channels, under a header."""
    app = await build()
    try:
        async with app.db.session() as session:
            units = (await unit_tree(session)).by_id
            scopes = (await session.execute(select(UserScope.user_id, UserScope.unit_id))).all()
            links = (await session.execute(select(ChatIdentity.user_id, ChatIdentity.channel,
                                                  ChatIdentity.chat_type))).all()
            rows = []
            for user in (await session.scalars(select(User).order_by(User.id))).all():
                mine = [units[unit_id].name for user_id, unit_id in scopes if user_id == user.id]
                chats = [(channel, kind == PRIVATE) for owner, channel, kind in links
                         if owner == user.id]
                rows.append((user, ", ".join(mine), chats))
            click.echo(render("cli_users", rows=rows))
    finally:
        await app.close()
