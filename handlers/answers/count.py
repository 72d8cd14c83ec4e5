"""'Thôn Chợ có bao nhiêu hộ nghèo': a count per unit, the key figure first."""

from __future__ import annotations

from domain.statuses import ChangeKind
from handlers.context import Context
from messaging.messages import Reply
from services import counts
from storage.unit_tree import UnitInfo
from understanding.types import Measure, Understood

SHOWN = 5  # units in one answer (a phone screen)


async def answer(ctx: Context, understood: Understood, units: list[UnitInfo]) -> list[Reply]:
    """Households now / at the start / exited / entered, poor or near-poor or both."""
    slots = understood.slots
    measure = slots.measure or Measure.NOW
    found = await counts.counts(
        ctx.session, units[:SHOWN], measure, counts.statuses(slots.status), slots.period,
        ctx.today,
    )
    return [
        ctx.reply(
            "count",
            group_safe=True,  # figures only
            counts=found,
            measure=measure.value,
            period=slots.period,
            fell_back_asked=slots.change is ChangeKind.FELL_BACK,
        )
    ]
