"""Submitting a finished report, officers' confirm / reject, the reporter's undo."""

from __future__ import annotations

import datetime as dt

from domain.formatting import whole_number
from domain.roles import CAN_CONFIRM, Role
from domain.statuses import ChangeKind
from handlers.context import Context
from messaging.labels import label
from messaging.messages import Button, Reply
from messaging.render import render
from services import decisions as decision_cases
from services import notices, reporting
from services.recipients import admins as admins_of
from storage import conversations
from storage.models import Household, StatusChange, Unit, User

REJECT_REASON = "reject_reason"
BUTTONS = {"ok", "no", "undo", "withdraw", "keep"}


async def submit_from_flow(ctx: Context) -> list[Reply]:
    """Store the report of the finished flow, then tell the reporter and the officers."""
    assert ctx.user is not None
    data = ctx.data
    happened_on = dt.date.fromisoformat(data["happened_on"])
    channel = ctx.message.channel
    try:
        async with ctx.session.begin_nested():  # a refused report leaves no partial rows
            if "new" in data:
                change = await reporting.submit_new_household(
                    ctx.session,
                    ctx.user,
                    channel,
                    data["village_id"],
                    data["new"],
                    happened_on,
                    ctx.now,
                    data.get("note"),
                )
            else:
                change = await reporting.submit(
                    ctx.session,
                    ctx.user,
                    channel,
                    data["household_id"],
                    ChangeKind(data["kind"]),
                    happened_on,
                    ctx.now,
                    data.get("note"),
                    data.get("details"),
                    data.get("evidence"),
                )
    except reporting.ReportError as error:
        if error.code != "date_locked":  # a locked date: the summary stays, to change the date
            conversations.save(ctx.conversation, conversations.IDLE, {})
        return [problem_reply(ctx, error)]
    conversations.save(ctx.conversation, conversations.IDLE, {})
    reached, admins = await _notify_deciders(ctx, change)
    undo = [[Button(label("undo"), f"undo:{change.id}")]]
    return [ctx.reply("report_saved", buttons=undo, change=change, reached=reached,
                      admins=admins)]


async def on_button(ctx: Context, kind: str, value: str) -> list[Reply]:
    """ok:<id> confirms, no:<id> asks for a reason, undo:<id> asks before withdrawing."""
    if whole_number(value) is None:
        return []
    change_id = int(value)
    if kind == "undo":  # a habitual "1" must not withdraw a saved report: ask first
        buttons = [
            [Button(label("keep"), f"keep:{change_id}")],
            [Button(label("withdraw"), f"withdraw:{change_id}")],
        ]
        return [ctx.reply("undo_confirm", buttons=buttons, change_id=change_id)]
    if kind == "keep":
        return [ctx.reply("undo_kept", change_id=change_id)]
    if kind == "no":
        conversations.save(ctx.conversation, REJECT_REASON, {"change_id": change_id})
        return [ctx.reply("decision_ask_reason", change_id=change_id)]
    return await decide_or_undo(ctx, kind, change_id, None)


async def typed_reason(ctx: Context, text: str) -> list[Reply]:
    """The officer's reason for rejecting."""
    if len(text.strip()) < 2:
        return [ctx.reply("report_hint", step=REJECT_REASON, field=None)]
    change_id = int(ctx.data["change_id"])
    conversations.save(ctx.conversation, conversations.IDLE, {})
    return await decide_or_undo(ctx, "no", change_id, text.strip()[:500])


async def decide_or_undo(
    ctx: Context, kind: str, change_id: int, reason: str | None
) -> list[Reply]:
    assert ctx.user is not None
    channel = ctx.message.channel
    try:
        async with ctx.session.begin_nested():
            if kind == "withdraw":
                change = await decision_cases.withdraw(
                    ctx.session, ctx.user, channel, change_id, ctx.now
                )
                return [ctx.reply("report_withdrawn", change=change)]
            change = await decision_cases.decide(
                ctx.session, ctx.user, channel, change_id, kind == "ok", ctx.now, reason
            )
    except reporting.ReportError as error:
        return [problem_reply(ctx, error)]
    text = await describe(ctx, change)
    told = [change.reported_by] if change.reported_by else []
    if ctx.user.role != Role.OFFICER.value:  # a leader decided: the village's officer hears
        told += [u.id for u in await decision_cases.officers_of(ctx.session, change.village_id)]
    note = render("decision_for_reporter", change=change, what=text, decider=ctx.user)
    await to_users(ctx, "decided", told, note, change)
    return [ctx.reply("decision_done", change=change, what=text)]


def problem_reply(ctx: Context, error: reporting.ReportError) -> Reply:
    """Explain why a report or decision could not be made; offer undo where it helps."""
    buttons = []
    change = error.details.get("change")
    if (
        error.code == "already_pending"
        and change is not None
        and ctx.user is not None
        and change.reported_by == ctx.user.id
    ):
        buttons = [[Button(label("undo"), f"undo:{change.id}")]]
    details = dict(error.details)
    if error.code == "not_possible":  # the household changed after the summary was shown
        household, kind = details["household"], details["kind"]
        details.setdefault("status_label", label(f"status.{household.status}"))
        details.setdefault("change_label", label(kind.value))
        details.setdefault("suggestion", None)
    return ctx.reply("report_problem", buttons=buttons, code=error.code, **details)


async def _notify_deciders(ctx: Context, change: StatusChange) -> tuple[bool, bool]:
    text = render(
        "decision_request", what=await describe(ctx, change), reporter=ctx.user, change=change
    )
    return await to_deciders(ctx, change, text, decision_buttons(change), "filed")


async def to_deciders(
    ctx: Context, change: StatusChange, text: str, buttons: list[list[Button]], kind: str
) -> tuple[bool, bool]:
    """Tell those who may decide for the report's village; when none has a private chat
    with the bot, the admins are told whom to ask, when they open the bot if none has yet.
    (reached a decider, an admin has a chat)."""
    assert ctx.user is not None
    deciders = [u for u in await decision_cases.deciders_for(ctx.session, change.village_id)
                if u.id != ctx.user.id]
    reached = await to_users(ctx, kind, [u.id for u in deciders], text, change, buttons)
    if reached or (not deciders and ctx.user.role in {r.value for r in CAN_CONFIRM}):
        return True, True  # reached, or the sender decides it themselves
    village = await ctx.session.get(Unit, change.village_id)
    alert = render("nobody_reachable_admin", deciders=deciders, village=village,
                   sender=ctx.user)
    admins = [u.id for u in await admins_of(ctx.session)]
    await to_users(ctx, "unreachable", admins, alert, change, waiting=True)
    return False, bool(await notices.reachable(ctx.session, admins))


async def to_users(
    ctx: Context, kind: str, user_ids: list[int], text: str, change: StatusChange,
    buttons: list[list[Button]] | None = None, waiting: bool = False,
) -> list[int]:
    """Queue the notice about a report to each of these users but the sender (delivery
    ledger, this update's transaction, audited); returns those with a private chat."""
    assert ctx.user is not None
    others = [i for i in user_ids if i != ctx.user.id]
    told = await notices.tell(ctx.session, kind, others, text, ctx.now, change.id, buttons,
                              waiting)
    if told:
        reporting.audit_change(ctx.session, ctx.user, ctx.message.channel, "notice.queue",
                               change, None, {"kind": kind, "to": told})
    return told


def decision_buttons(change: StatusChange, numbered: bool = False) -> list[list[Button]]:
    """Đồng ý / Không đồng ý for one pending report."""
    suffix = f" số {change.id}" if numbered else ""
    return [
        [
            Button(label("approve") + suffix, f"ok:{change.id}"),
            Button(label("reject") + suffix, f"no:{change.id}"),
        ]
    ]


async def describe(ctx: Context, change: StatusChange) -> str:
    """One line about a report: number, household, village, change, date, reporter."""
    household = await ctx.session.get(Household, change.household_id)
    village = await ctx.session.get(Unit, change.village_id)
    reporter = await ctx.session.get(User, change.reported_by) if change.reported_by else None
    assert household is not None and village is not None
    return render(
        "report_line",
        change=change,
        household=household,
        village=village,
        reporter=reporter,
        change_label=label(change.kind),
        details=change.details or {},
    )
