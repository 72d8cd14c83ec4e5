"""'báo cáo quý 3/2024', 'báo cáo 6 tháng đầu năm 2024', 'tổng kết năm': the digest the
scheduler sends for that period, for the asker's units (services/digests.py)."""

from __future__ import annotations

import datetime as dt

from domain.periods import PeriodKind, period_of
from domain.schedule import PlannedSend, SendKind
from handlers.context import Context
from messaging.messages import Reply
from services.digests import Occasion, on_demand
from storage.unit_tree import UnitInfo
from understanding.types import Understood


async def answer(ctx: Context, understood: Understood, units: list[UnitInfo]) -> list[Reply]:
    """The period named (default: the quarter under way), composed as the scheduler does."""
    assert ctx.user is not None
    period = understood.slots.period or period_of(PeriodKind.QUARTER, ctx.today,
                                                  ctx.cal.cutoff_day)
    end = period.end(ctx.cal.cutoff_day)
    send = PlannedSend(SendKind.LEADER_DIGEST, period, ctx.now, ctx.now + dt.timedelta(hours=1),
                       end)
    replies = await on_demand(ctx.session, Occasion(send, ctx.cal, ctx.now), ctx.user, units)
    return replies or [ctx.reply("no_plan", group_safe=True)]
