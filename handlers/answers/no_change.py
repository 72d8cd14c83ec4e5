"""'thôn không có thay đổi', 'quý này không có gì thay đổi': the head's report that the
village had no change this quarter (or in the quarter named) (services/no_change.py)."""

from __future__ import annotations

from domain.periods import PeriodKind
from domain.roles import CAN_REPORT, Role
from handlers.context import Context
from messaging.messages import Reply
from services.completeness import quarter_of
from services.no_change import declare
from storage.unit_tree import UnitInfo
from understanding.types import Understood


async def answer(ctx: Context, understood: Understood, units: list[UnitInfo]) -> list[Reply]:
    """Record the declaration for the asker's one village (or the one named)."""
    assert ctx.user is not None
    if Role(ctx.user.role) not in CAN_REPORT:
        return [ctx.reply("no_change", outcome="role")]
    if not ctx.message.private:
        return [ctx.reply("no_change", outcome="private", group_safe=True)]
    villages = [u for u in units if u.level == "village"]
    if len(villages) != 1 or len(units) != 1:
        return [ctx.reply("no_change", outcome="which")]
    period = understood.slots.period or quarter_of(ctx.today, ctx.cal)
    if period.kind is not PeriodKind.QUARTER:
        return [ctx.reply("no_change", outcome="quarter_only", period=period)]
    done = await declare(ctx.session, ctx.user, villages[0], period, ctx.now, ctx.cal,
                         ctx.message.channel)
    return [ctx.reply("no_change", outcome=done.outcome, d=done, village=villages[0])]
