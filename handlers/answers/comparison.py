"""'so sánh Thôn Chợ và Thôn Tô', 'thôn chợ với thôn tô thôn nào tốt hơn': the named units
side by side and which is ahead of pace (services/standing.py)."""

from __future__ import annotations

from handlers.context import Context
from messaging.messages import Reply
from services.standing import comparison
from storage.unit_tree import UnitInfo
from understanding.types import Understood


async def answer(ctx: Context, understood: Understood, units: list[UnitInfo]) -> list[Reply]:
    """Two (or more) named units compared; one unit alone gets asked for the other."""
    if len({unit.id for unit in units}) < 2:
        return [ctx.reply("comparison_needs_two", group_safe=True,
                          unit=units[0].name if units else None)]
    found = await comparison(ctx.session, units, understood.slots.period, ctx.today)
    return [ctx.reply("comparison", c=found, group_safe=True)]
