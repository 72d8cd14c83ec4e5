"""Typed text and buttons while a report is open: each goes to the step it answers."""

from __future__ import annotations

from typing import Any

from domain.formatting import whole_number
from domain.names import fold
from domain.statuses import ChangeKind
from handlers import corrections, decisions, revocations
from handlers.context import Context
from handlers.reports import details, household
from handlers.reports.steps import (
    CONFIRM,
    CORRECT_VALUE,
    DATE_BEFORE_NOTE,
    FLOW_BUTTONS,
    NEW_CAUSE,
    NEW_MEMBERS,
    NEW_NAME,
    NEW_WORKERS,
    NOTE,
    PICK_HOUSEHOLD,
    PICK_VILLAGE,
    YES_WORDS,
    hint,
    missing_new_step,
    save,
)
from handlers.reports.summary import summary
from messaging.labels import label
from messaging.messages import Reply
from services import reporting
from storage import conversations
from storage.models import Household


async def continue_step(ctx: Context, text: str) -> list[Reply]:
    """Typed text while a flow is open: each step validates and re-asks with a hint."""
    handler = {
        PICK_VILLAGE: household.typed_village,
        PICK_HOUSEHOLD: household.typed_household,
        CORRECT_VALUE: details.typed_value,
        NOTE: details.typed_note,
        CONFIRM: _typed_confirm,
        NEW_NAME: details.typed_new_name,
        NEW_MEMBERS: details.typed_number,
        NEW_WORKERS: details.typed_number,
        NEW_CAUSE: details.typed_cause,
        decisions.REJECT_REASON: decisions.typed_reason,
        corrections.ASK_REASON: corrections.typed_reason,
        corrections.REJECT_REASON: corrections.typed_reject_reason,
        revocations.REVOKE_REASON: revocations.typed_reason,
    }.get(ctx.step)
    if handler is None:
        return [hint(ctx, field=ctx.data.get("field"))]
    return await handler(ctx, text)


async def on_button(ctx: Context, kind: str, value: str) -> list[Reply]:
    """Buttons of the report flow and of decisions."""
    if kind in decisions.BUTTONS:
        return await decisions.on_button(ctx, kind, value)
    if kind in corrections.BUTTONS:
        return await corrections.on_button(ctx, kind, value)
    if kind in revocations.BUTTONS:
        return await revocations.on_button(ctx, kind, value)
    step, values = FLOW_BUTTONS.get(kind, (ctx.step, None))
    if ctx.step != step or (values is not None and value not in values):
        return [hint(ctx)]
    if kind == "rs":  # "Báo cáo ngay" under a reminder
        return await household.start_guided(ctx, "")
    if kind in {"rv", "rh"} and whole_number(value) is not None:
        return await _picked(ctx, kind, int(value))
    if kind == "rk":
        return await household.change_chosen(ctx, ChangeKind(value))
    if kind == "rf":
        return details.ask_value(ctx, value)
    if kind == "rn":
        return details.ask_new_name(ctx)
    if kind == "ns":
        return details.new_status_chosen(ctx, value)
    if kind == "nc":
        return await details.set_new(ctx, "cause", label(f"cause.{value}"))
    if kind == "skip":
        return await details.typed_note(ctx, "")
    if kind == "cf":
        return await _confirm_choice(ctx, value)
    return [hint(ctx)]


async def _picked(ctx: Context, kind: str, unit_or_household: int) -> list[Reply]:
    """A village (rv) or household (rh) button; a forged or stale one opens nothing."""
    if kind == "rv":
        assert ctx.user is not None
        mine = {v.id: v for v in await reporting.reporter_villages(ctx.session, ctx.user)}
        village = mine.get(unit_or_household)
        return await household.ask_household(ctx, village) if village else []
    found = await ctx.session.get(Household, unit_or_household)
    return await household.household_chosen(ctx, found, ctx.data) if found else []


async def _typed_confirm(ctx: Context, text: str) -> list[Reply]:
    if fold(text) in YES_WORDS:
        return await _confirm_choice(ctx, "yes")
    return [hint(ctx, CONFIRM)]


async def _confirm_choice(ctx: Context, choice: str) -> list[Reply]:
    if ctx.step != CONFIRM:
        return [hint(ctx)]
    if choice == "no":
        save(ctx, conversations.IDLE, {})
        return [ctx.reply("cancelled", was_busy=True)]
    if choice == "edit":
        if "new" in ctx.data:
            return details.ask_new_name(ctx)
        chosen = await ctx.session.get(Household, ctx.data["household_id"])
        assert chosen is not None
        keys = ("village_id", "household_id", "happened_on")
        keep: dict[str, Any] = {k: ctx.data[k] for k in keys if k in ctx.data}
        if DATE_BEFORE_NOTE in ctx.data:  # the note goes, and the date it gave with it
            keep["happened_on"] = ctx.data[DATE_BEFORE_NOTE]
            keep = {k: v for k, v in keep.items() if v is not None}
        return await household.household_chosen(ctx, chosen, keep)
    if "new" in ctx.data and missing_new_step(ctx.data["new"]):  # kept from before a fix
        return await summary(ctx, dict(ctx.data))  # asks the missing field
    return await decisions.submit_from_flow(ctx)
