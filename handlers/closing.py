"""The commune leader approves a period's figures in chat ("Duyệt số liệu quý 3/2024").

A summary first (the period's reports by state, correction requests still waiting), then
Chốt số liệu / Thôi; the closure is the same use case as `giamngheo period close`
(services/closures.py), audited with the leader as its author.
"""

from __future__ import annotations

from domain.periods import parse_period
from domain.roles import Role
from handlers.context import Context
from messaging.labels import label
from messaging.messages import Button, Reply
from services import closures
from services.access import scope_of
from storage.models import Unit
from understanding.types import Understood

BUTTONS = {"pc", "pk"}
CAN_CLOSE = {Role.COMMUNE_LEADER.value}  # the admin closes with `giamngheo period close`


async def asked(ctx: Context, understood: Understood) -> list[Reply]:
    """'Duyệt số liệu quý 3/2024': the summary of the leader's commune, then a confirm."""
    assert ctx.user is not None
    if not ctx.message.private:
        return [ctx.reply("closing_summary", problem="private_only", group_safe=True)]
    if ctx.user.role not in CAN_CLOSE:
        return [ctx.reply("closing_summary", problem="not_leader")]
    period = understood.slots.period
    if period is None:
        return [ctx.reply("closing_summary", problem="no_period")]
    commune = await _commune(ctx)
    if commune is None:
        return [ctx.reply("closing_summary", problem="no_commune")]
    closed = await closures.closure_of(ctx.session, commune.id, period)
    if closed is not None:
        return [ctx.reply("closing_summary", problem="closed", unit=commune, period=period,
                          closed=closed)]
    summary = await closures.summary(ctx.session, commune.id, period, ctx.cal.cutoff_day)
    buttons = [[Button(label("close_period"), f"pc:{commune.id}:{period.key}")],
               [Button(label("keep_open"), f"pk:{period.key}")]]
    return [ctx.reply("closing_summary", buttons=buttons, unit=commune, period=period,
                      s=summary)]


async def on_button(ctx: Context, kind: str, value: str) -> list[Reply]:
    """pc:<commune>:<period> closes it; pk:<period> leaves it open."""
    assert ctx.user is not None
    unit_id, _, key = value.partition(":")
    if kind == "pk" or ctx.user.role not in CAN_CLOSE or not unit_id.isdigit():
        return [ctx.reply("closing_done", outcome="kept")]
    try:
        period = parse_period(key)
    except ValueError:
        return [ctx.reply("closing_done", outcome="kept")]
    unit = await ctx.session.get(Unit, int(unit_id))
    if unit is None or not (await scope_of(ctx.session, ctx.user)).covers(unit.id):
        return [ctx.reply("not_in_scope")]
    done = await closures.close_period(ctx.session, ctx.user, unit.id, period, ctx.now,
                                       ctx.message.channel)
    return [ctx.reply("closing_done", outcome="closed" if done else "already", unit=unit,
                      period=period)]


async def _commune(ctx: Context) -> Unit | None:
    """The one commune the leader's scope is."""
    assert ctx.user is not None
    scope = await scope_of(ctx.session, ctx.user)
    units = [await ctx.session.get(Unit, i) for i in sorted(scope.roots)]
    communes = [u for u in units if u is not None and u.level == "commune"]
    return communes[0] if len(communes) == 1 else None
