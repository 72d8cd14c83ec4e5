"""'quý này có gì thay đổi', 'tháng này có hộ nào thoát nghèo': the period's confirmed
changes, counts first; households by name only in a private chat."""

from __future__ import annotations

from handlers.context import Context
from messaging.messages import Reply
from services.period_changes import kinds_asked, period_changes
from storage.unit_tree import UnitInfo
from understanding.types import Understood

UNITS = 3  # units in one answer
NAMES = 12  # changes named per unit (a phone screen); the rest counted


async def answer(ctx: Context, understood: Understood, units: list[UnitInfo]) -> list[Reply]:
    """The changes of the units named (or the asker's own) in the period (default: this
    quarter); in a group the counts stay there and carry no name."""
    assert ctx.user is not None
    slots = understood.slots
    kinds = kinds_asked(slots.list_filter, slots.status)
    found = [
        await period_changes(ctx.session, ctx.user, unit, slots.period, kinds, ctx.today)
        for unit in units[:UNITS]
    ]
    names = ctx.message.private
    return [ctx.reply("period_changes", changes=found, names=names, limit=NAMES,
                      group_safe=not names)]
