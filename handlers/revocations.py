"""An officer takes back their own confirmation ("hủy xác nhận báo cáo số 1"), with a reason.

Allowed while the report's period is open (not closed by the commune); the report goes
back to pending, the figures move back, and everyone told of it hears why.
"""

from __future__ import annotations

from domain.formatting import whole_number
from handlers import decisions
from handlers.context import Context
from messaging.messages import Button, Reply
from messaging.render import render
from services import corrections, reporting
from storage import conversations
from understanding.types import Understood

REVOKE_REASON = "revoke_reason"
BUTTONS = {"rr"}


async def asked(ctx: Context, understood: Understood) -> list[Reply]:
    """'hủy xác nhận báo cáo số 1': that report; without a number, the last confirmed ones."""
    assert ctx.user is not None
    if not ctx.message.private:  # the reason is asked next: only in the officer's own chat
        return [ctx.reply("report_problem", code="correct_private_only", group_safe=True)]
    if understood.slots.report_number is not None:
        return await chosen(ctx, understood.slots.report_number)
    mine = await corrections.own_confirmed(ctx.session, ctx.user)
    if not mine:
        return [ctx.reply("revoke_which", lines=[])]
    lines = [await decisions.describe(ctx, change) for change in mine]
    buttons = [[Button(f"Báo cáo số {change.id}", f"rr:{change.id}")] for change in mine]
    return [ctx.reply("revoke_which", buttons=buttons, lines=lines)]


async def on_button(ctx: Context, kind: str, value: str) -> list[Reply]:
    """rr:<report>: revoke that confirmation (the reason is asked first)."""
    number = whole_number(value)
    return await chosen(ctx, number) if number is not None else []


async def chosen(ctx: Context, change_id: int) -> list[Reply]:
    """Ask the reason, or say why this confirmation cannot be revoked."""
    assert ctx.user is not None
    try:
        change = await corrections.revocable(ctx.session, ctx.user, change_id)
    except reporting.ReportError as error:
        return [decisions.problem_reply(ctx, error)]
    conversations.save(ctx.conversation, REVOKE_REASON, {"change_id": change.id})
    return [ctx.reply("revoke_ask_reason", what=await decisions.describe(ctx, change))]


async def typed_reason(ctx: Context, text: str) -> list[Reply]:
    """The reason: the confirmation is revoked, the report waits again, everyone is told."""
    assert ctx.user is not None
    if len(text.strip()) < 2:
        return [ctx.reply("report_hint", step=REVOKE_REASON, field=None)]
    change_id = int(ctx.data["change_id"])
    conversations.save(ctx.conversation, conversations.IDLE, {})
    reason = text.strip()[:500]
    try:
        async with ctx.session.begin_nested():
            change = await corrections.revoke(ctx.session, ctx.user, ctx.message.channel,
                                              change_id, reason, ctx.now)
    except reporting.ReportError as error:
        return [decisions.problem_reply(ctx, error)]
    what = await decisions.describe(ctx, change)
    note = render("revoke_notice", what=what, reason=reason, decider=ctx.user)
    await decisions.to_users(ctx, "revoked", await corrections.told_of(ctx.session, change),
                             note, change)
    buttons = decisions.decision_buttons(change)
    return [ctx.reply("revoke_done", buttons=buttons, what=what, reason=reason)]
