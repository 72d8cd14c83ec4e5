"""'những hộ nào chưa thoát nghèo', 'hộ nào sắp thoát', 'hộ tái nghèo': households by name
(personal data: never group-safe, so a group gets it privately)."""

from __future__ import annotations

from handlers.context import Context
from messaging.messages import Reply
from services.household_lists import household_list, kind_of
from storage.unit_tree import UnitInfo
from understanding.types import Understood

UNITS = 3  # units in one answer
NAMES = 12  # households named per unit (a phone screen); the rest counted


async def answer(ctx: Context, understood: Understood, units: list[UnitInfo]) -> list[Reply]:
    """The households of the units named (or the asker's own) that the list asks for."""
    assert ctx.user is not None
    slots = understood.slots
    kind = kind_of(slots.list_filter)
    lists = [
        await household_list(ctx.session, ctx.user, unit, kind, slots.status, slots.period,
                             ctx.today)
        for unit in units[:UNITS]
    ]
    return [ctx.reply("household_list", lists=lists, limit=NAMES, period=slots.period)]
