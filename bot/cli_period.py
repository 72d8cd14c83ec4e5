"""`giamngheo period close`: a commune's figures of a period approved (chốt số liệu)."""

from __future__ import annotations

import asyncio

import click
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import build
from domain.periods import Period, parse_period
from messaging.render import render
from services.access import Scope
from services.closures import close_period, open_period
from services.lookup import best_units
from storage.audit import now
from storage.unit_tree import UnitNode, unit_tree

EVERYTHING = Scope(True, frozenset(), frozenset())


@click.group()
def period() -> None:
    """Reporting periods: close one once its figures are approved; open it again (admin)."""


@period.command()
@click.option("--unit", "unit_name", required=True, help="Commune (or a unit above it).")
@click.option("--period", "key", required=True, help="2026-Q3, 2026-H1 or 2026.")
def close(unit_name: str, key: str) -> None:
    """Close a period: revocations refused, corrections only through an approved request."""
    try:
        chosen = parse_period(key)
    except ValueError as error:
        raise click.BadParameter(str(error)) from error
    click.echo(asyncio.run(_close(unit_name, chosen)))


async def _close(unit_name: str, chosen: Period) -> str:
    app = await build()
    try:
        async with app.db.session() as session, session.begin():
            unit = await _one_unit(session, unit_name)
            done = await close_period(session, None, unit.id, chosen, now())
            return render("cli_period", outcome="closed" if done else "already",
                          unit=unit, period=chosen)
    finally:
        await app.db.dispose()


@period.command("open")
@click.option("--unit", "unit_name", required=True, help="Commune (or a unit above it).")
@click.option("--period", "key", required=True, help="2026-Q3, 2026-H1 or 2026.")
@click.option("--reason", required=True, help="Why it is unlocked (kept in the audit trail).")
def open_command(unit_name: str, key: str, reason: str) -> None:
    """Unlock an approved period (admin): reports dated in it are taken again."""
    try:
        chosen = parse_period(key)
    except ValueError as error:
        raise click.BadParameter(str(error)) from error
    if not reason.strip():
        raise click.BadParameter("lý do không được để trống", param_hint="--reason")
    click.echo(asyncio.run(_open(unit_name, chosen, reason.strip())))


async def _open(unit_name: str, chosen: Period, reason: str) -> str:
    app = await build()
    try:
        async with app.db.session() as session, session.begin():
            unit = await _one_unit(session, unit_name)
            done = await open_period(session, unit.id, chosen, reason, now())
            return render("cli_period", outcome="opened" if done else "not_closed",
                          unit=unit, period=chosen, reason=reason)
    finally:
        await app.db.dispose()


async def _one_unit(session: AsyncSession, unit_name: str) -> UnitNode:
    """The one commune (or unit above) the name means; a CLI error naming how many matched."""
    tree = await unit_tree(session)
    units = [u for u in best_units(unit_name, tree, EVERYTHING) if u.level != "village"]
    if len(units) != 1:
        raise click.ClickException(render("cli_period", outcome="units", name=unit_name,
                                          found=len(units)))
    return units[0]
