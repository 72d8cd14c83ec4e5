"""'những hộ nào chưa thoát nghèo', 'hộ nào sắp thoát', 'hộ tái nghèo', 'hộ thoát nghèo
trong 36 tháng qua' (with the watch: flagged, fallen back): households by name
(personal data: never group-safe, so a group gets it privately)."""

from __future__ import annotations

from handlers.context import Context
from messaging.messages import Reply
from services import watch
from services.access import scope_of
from services.household_lists import household_list, kind_of
from storage.unit_tree import UnitInfo, unit_tree
from understanding.types import Understood

UNITS = 3  # units in one answer
NAMES = 12  # households named per unit (a phone screen); the rest counted


async def answer(ctx: Context, understood: Understood, units: list[UnitInfo]) -> list[Reply]:
    """The households of the units named (or the asker's own) that the list asks for."""
    assert ctx.user is not None
    slots = understood.slots
    kind = kind_of(slots.list_filter)
    months = ctx.cal.watch_months
    lists = [
        await household_list(ctx.session, ctx.user, unit, kind, slots.status, slots.period,
                             ctx.today, months)
        for unit in units[:UNITS]
    ]
    watches = [await _watch(ctx, unit) for unit in units[:UNITS]] \
        if kind == "exited" and slots.period is None else []
    return [ctx.reply("household_list", lists=lists, limit=NAMES, period=slots.period,
                      watches=watches)]


async def _watch(ctx: Context, unit: UnitInfo) -> watch.WatchSummary:
    """The watch of the unit's villages the asker's role covers."""
    assert ctx.user is not None
    scope, tree = await scope_of(ctx.session, ctx.user), await unit_tree(ctx.session)
    villages = [v for v in tree.under(unit.id, "village") if scope.covers(v)]
    return await watch.summary(ctx.session, villages, ctx.today, ctx.cal.watch_months)
