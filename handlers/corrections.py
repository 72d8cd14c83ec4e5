"""A confirmed report corrected: the head asks with a reason, an officer or leader decides.

"sửa báo cáo số 1", "hoàn tác báo cáo số 1", "hộ Phạm Thị Đéc báo nhầm": the report is
found (by number, or the household's last confirmed report), the reason asked, and the
deciders get Đồng ý / Không đồng ý. A pending report of one's own is withdrawn instead.
"""

from __future__ import annotations

from domain.formatting import whole_number
from domain.names import fold, split_title
from handlers import decisions
from handlers.context import Context
from messaging.labels import label
from messaging.messages import Button, Reply
from messaging.render import render
from services import corrections, reporting
from services.lookup import best_households
from storage import conversations
from storage.models import CorrectionRequest, StatusChange, User
from understanding.types import Understood

ASK_REASON, REJECT_REASON = "correction_reason", "correction_reject_reason"
BUTTONS = {"cq", "ca", "cn"}


async def asked(ctx: Context, understood: Understood) -> list[Reply]:
    """'sửa báo cáo số 1', 'hộ Phạm Thị Đéc báo nhầm': the report, then its reason."""
    assert ctx.user is not None
    if not ctx.message.private:
        return [ctx.reply("report_problem", code="correct_private_only", group_safe=True)]
    change_id = understood.slots.report_number or await _by_household(ctx, understood)
    if change_id is None:
        return await _which(ctx, understood.slots.household)
    return await chosen(ctx, change_id)


async def _which(ctx: Context, household: str | None) -> list[Reply]:
    """No report named: the village's last confirmed reports, each a button."""
    assert ctx.user is not None
    villages = [v.id for v in await reporting.reporter_villages(ctx.session, ctx.user)]
    recent = await corrections.recent_confirmed(ctx.session, villages)
    lines = [await decisions.describe(ctx, change) for change in recent]
    buttons = [[Button(f"Sửa báo cáo số {change.id}", f"cq:{change.id}")] for change in recent]
    return [ctx.reply("correction_which", buttons=buttons, household=household, lines=lines)]


async def _by_household(ctx: Context, understood: Understood) -> int | None:
    """The named household's last confirmed report (or its pending one)."""
    assert ctx.user is not None
    name = understood.slots.household or understood.slots.person
    villages = [v.id for v in await reporting.reporter_villages(ctx.session, ctx.user)]
    if not name or not villages:
        return None
    key = fold(split_title(name)[1])
    found = [h for h in await best_households(ctx.session, name, villages) if h.name_key == key]
    if len(found) != 1:
        return None
    pending = await reporting.pending_of(ctx.session, found[0].id)
    latest = pending or await corrections.latest_confirmed(ctx.session, found[0].id)
    return latest.id if latest else None


async def chosen(ctx: Context, change_id: int) -> list[Reply]:
    """A report to correct: ask the reason, or say why it cannot be corrected."""
    assert ctx.user is not None
    try:
        change = await corrections.correctable(ctx.session, ctx.user, change_id)
    except reporting.ReportError as error:
        if error.code == "correct_pending" and error.details.get("own"):
            return await decisions.on_button(ctx, "undo", str(change_id))
        return [decisions.problem_reply(ctx, error)]
    conversations.save(ctx.conversation, ASK_REASON, {"change_id": change.id})
    return [ctx.reply("correction_ask_reason", what=await decisions.describe(ctx, change))]


async def typed_reason(ctx: Context, text: str) -> list[Reply]:
    """The head's reason: the request is stored and sent to those who may decide."""
    assert ctx.user is not None
    if len(text.strip()) < 2:
        return [ctx.reply("report_hint", step=ASK_REASON, field=None)]
    change_id = int(ctx.data["change_id"])
    conversations.save(ctx.conversation, conversations.IDLE, {})
    try:
        async with ctx.session.begin_nested():
            request = await corrections.request_correction(
                ctx.session, ctx.user, ctx.message.channel, change_id, text.strip()[:500],
                ctx.now)
    except reporting.ReportError as error:
        return [decisions.problem_reply(ctx, error)]
    change = await ctx.session.get(StatusChange, request.change_id)
    assert change is not None
    what = await decisions.describe(ctx, change)
    text = render("correction_request", what=what, request=request, reporter=ctx.user)
    buttons = [[Button(label("approve_correction"), f"ca:{request.id}"),
                Button(label("reject"), f"cn:{request.id}")]]
    reached, admins = await decisions.to_deciders(ctx, change, text, buttons,
                                                  "correction_request")
    return [ctx.reply("correction_saved", request=request, what=what, reached=reached,
                      admins=admins)]


async def on_button(ctx: Context, kind: str, value: str) -> list[Reply]:
    """cq:<report> picks a report; ca:<request> approves; cn:<request> asks why not."""
    number = whole_number(value)
    if number is None:
        return []
    if kind == "cq":
        return await chosen(ctx, number)
    if kind == "cn":
        conversations.save(ctx.conversation, REJECT_REASON, {"request_id": number})
        return [ctx.reply("decision_ask_reason", change_id=None, correction=True)]
    return await _decide(ctx, number, True, None)


async def typed_reject_reason(ctx: Context, text: str) -> list[Reply]:
    """The decider's reason for refusing a correction."""
    if len(text.strip()) < 2:
        return [ctx.reply("report_hint", step=REJECT_REASON, field=None)]
    request_id = int(ctx.data["request_id"])
    conversations.save(ctx.conversation, conversations.IDLE, {})
    return await _decide(ctx, request_id, False, text.strip()[:500])


async def _decide(ctx: Context, request_id: int, approve: bool,
                  reason: str | None) -> list[Reply]:
    assert ctx.user is not None
    try:
        async with ctx.session.begin_nested():
            request = await corrections.decide_correction(
                ctx.session, ctx.user, ctx.message.channel, request_id, approve, ctx.now, reason)
    except reporting.ReportError as error:
        return [decisions.problem_reply(ctx, error)]
    change = await ctx.session.get(StatusChange, request.change_id)
    assert change is not None
    what = await decisions.describe(ctx, change)
    asker = await ctx.session.get(User, request.requested_by)
    told = await corrections.told_of(ctx.session, change, request) if approve \
        else [request.requested_by]
    note = render("correction_decided", request=request, what=what, decider=ctx.user,
                  asker=asker)
    await decisions.to_users(ctx, "correction_decided", told, note, change)
    return [ctx.reply("correction_done", request=request, what=what, asker=asker)]


async def waiting_lines(ctx: Context) -> tuple[list[str], list[list[Button]]]:
    """Correction requests waiting in this decider's villages, for /cho."""
    assert ctx.user is not None
    lines, buttons = [], []
    for request in await corrections.waiting_in_scope(ctx.session, ctx.user):
        lines.append(await _request_line(ctx, request))
        buttons.append([Button(label("approve_correction") + f" số {request.change_id}",
                               f"ca:{request.id}"),
                        Button(label("reject") + f" sửa số {request.change_id}",
                               f"cn:{request.id}")])
    return lines, buttons


async def _request_line(ctx: Context, request: CorrectionRequest) -> str:
    change = await ctx.session.get(StatusChange, request.change_id)
    asker = await ctx.session.get(User, request.requested_by)
    assert change is not None
    return render("correction_line", request=request, asker=asker,
                  what=await decisions.describe(ctx, change))
