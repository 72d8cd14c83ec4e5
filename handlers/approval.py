"""'Duyệt số liệu quý 3/2024': the commune leader sees the period's summary, then approves
with a button (or its number); the period is locked (services/approval.py)."""

from __future__ import annotations

from domain.periods import parse_period
from domain.roles import Role
from handlers.context import Context
from messaging.messages import Button, Reply
from messaging.render import render
from services.access import scope_of
from services.approval import review
from services.closures import close_period
from storage.unit_tree import UnitInfo, unit_tree
from understanding.types import Understood

APPROVE = "ap"  # ap:<unit id>:<period key>
DECIDES = frozenset({Role.COMMUNE_LEADER, Role.ADMIN})


async def asked(ctx: Context, understood: Understood, units: list[UnitInfo]) -> list[Reply]:
    """The summary of the commune's period and a button to approve it."""
    assert ctx.user is not None
    if Role(ctx.user.role) not in DECIDES:
        return [ctx.reply("approval", outcome="role")]
    if not ctx.message.private:
        return [ctx.reply("approval", outcome="private", group_safe=True)]
    communes = [u for u in units if u.level == "commune"]
    period = understood.slots.period
    if len(communes) != 1 or len(units) != 1 or period is None:
        return [ctx.reply("approval", outcome="which")]
    seen = await review(ctx.session, communes[0], period, ctx.today, ctx.cal)
    if seen.closed or seen.too_early:
        return [ctx.reply("approval", outcome="closed" if seen.closed else "early", r=seen)]
    label = render("approval", outcome="button", r=seen)
    buttons = [[Button(label, f"{APPROVE}:{seen.unit.id}:{period.key}")]]
    return [ctx.reply("approval", outcome="summary", r=seen, buttons=buttons)]


async def on_button(ctx: Context, value: str) -> list[Reply]:
    """The press that approves: checked again (role, scope, deadline), then the lock."""
    assert ctx.user is not None
    unit_id, _, key = value.partition(":")
    node = (await unit_tree(ctx.session)).get(int(unit_id)) if unit_id.isdigit() else None
    scope = await scope_of(ctx.session, ctx.user)
    if node is None or Role(ctx.user.role) not in DECIDES or not scope.covers(node.id):
        return [ctx.reply("approval", outcome="role")]
    try:
        period = parse_period(key)
    except ValueError:
        return [ctx.reply("approval", outcome="which")]
    seen = await review(ctx.session, node, period, ctx.today, ctx.cal)
    if seen.too_early:
        return [ctx.reply("approval", outcome="early", r=seen)]
    done = await close_period(ctx.session, ctx.user, node.id, period, ctx.now,
                              ctx.message.channel)
    return [ctx.reply("approval", outcome="approved" if done else "closed", r=seen)]
