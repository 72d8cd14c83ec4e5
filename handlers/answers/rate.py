"""'tỷ lệ hộ nghèo của xã': poor, near-poor and combined rates now, at the start of the
year and at the plan's target (services/rates.py)."""

from __future__ import annotations

from handlers.context import Context
from messaging.messages import Reply
from services.rates import rates
from storage.unit_tree import UnitInfo
from understanding.types import Understood

SHOWN = 5  # units in one answer (a phone screen)


async def answer(ctx: Context, understood: Understood, units: list[UnitInfo]) -> list[Reply]:
    """The rates of the units named (or the asker's own), figures only."""
    period = understood.slots.period
    found = await rates(ctx.session, units[:SHOWN], period, ctx.today)
    return [ctx.reply("rate", rates=found, period=period, group_safe=True)]
