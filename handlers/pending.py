"""/cho: what waits for this decider: new reports, then requests to correct confirmed ones."""

from __future__ import annotations

from handlers import corrections
from handlers.context import Context
from handlers.decisions import decision_buttons, describe
from messaging.messages import Reply
from services import decisions as decision_cases


async def list_pending(ctx: Context, _argument: str) -> list[Reply]:
    """Reports and correction requests awaiting this user's decision, each with buttons."""
    assert ctx.user is not None
    pending = await decision_cases.pending_in_scope(ctx.session, ctx.user)
    requests, request_buttons = await corrections.waiting_lines(ctx)
    if not pending.count and not requests:
        return [ctx.reply("pending_none")]
    related = await decision_cases.load_related(ctx.session, pending.oldest)  # no query per line
    lines = [await describe(ctx, change) for change in pending.oldest]
    del related
    buttons = [row for change in pending.oldest for row in decision_buttons(change, numbered=True)]
    return [ctx.reply("pending_list", buttons=buttons + request_buttons, count=pending.count,
                      lines=lines, corrections=requests)]
