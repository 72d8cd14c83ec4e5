"""'thôn nào chậm nhất', 'thôn nào chưa đạt chỉ tiêu', 'xã nào chậm nhất': units ranked by
pace on both targets (services/standing.py)."""

from __future__ import annotations

from handlers.context import Context
from messaging.messages import Reply
from services.standing import ranking
from storage.unit_tree import UnitInfo
from understanding.types import Understood


async def answer(ctx: Context, understood: Understood, units: list[UnitInfo]) -> list[Reply]:
    """The units of the level asked within the asker's (or the named) units, in order."""
    slots = understood.slots
    found = await ranking(ctx.session, units, slots.level or "village", slots.order or "slowest",
                          slots.period, ctx.today)
    return [ctx.reply("ranking", r=found, group_safe=True)]
