"""'thôn nào chưa báo cáo': villages with no report made this quarter so far (or in the
period named) (services/completeness.py)."""

from __future__ import annotations

from handlers.context import Context
from messaging.messages import Reply
from services.closures import closure_of
from services.completeness import completeness
from storage.unit_tree import UnitInfo
from understanding.types import Understood


async def answer(ctx: Context, understood: Understood, units: list[UnitInfo]) -> list[Reply]:
    """The silent villages of the asker's (or the named) units, and how many reported."""
    found = await completeness(ctx.session, units, understood.slots.period, ctx.today, ctx.cal)
    closed = await closure_of(ctx.session, units[0].id, found.period) if len(units) == 1 \
        else None
    return [ctx.reply("completeness", c=found, closed=closed, group_safe=True)]
