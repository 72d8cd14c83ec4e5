"""Which village, which household, what happened: the first steps of a report."""

from __future__ import annotations

from typing import Any

from domain.names import fold, nfc
from domain.statuses import ChangeKind
from handlers import decisions
from handlers.context import Context
from handlers.reports.steps import (
    NEW_HOUSEHOLD_KEYS,
    NOTE,
    PICK_CHANGE,
    PICK_FIELD,
    PICK_HOUSEHOLD,
    PICK_VILLAGE,
    ask_note,
    hint,
    household_buttons,
    save,
)
from handlers.reports.summary import summary
from messaging.labels import label
from messaging.messages import Button, Reply
from services import reporting
from services.lookup import best_households
from storage import conversations
from storage.models import Household, Unit
from storage.unit_tree import UnitInfo


async def start_guided(ctx: Context, _argument: str) -> list[Reply]:
    """/baocao: pick the village (if several), then the household."""
    if not ctx.message.private:
        return [ctx.reply("report_problem", code="private_only", group_safe=True)]
    assert ctx.user is not None
    villages = await reporting.reporter_villages(ctx.session, ctx.user)
    if not villages:
        return [ctx.reply("not_allowed")]
    if len(villages) == 1:
        return await ask_household(ctx, villages[0])
    save(ctx, PICK_VILLAGE, {})
    buttons = [[Button(v.name, f"rv:{v.id}")] for v in villages[:20]]
    return [ctx.reply("report_pick_village", buttons=buttons)]


async def ask_household(ctx: Context, village: UnitInfo) -> list[Reply]:
    """The village's poor and near-poor households as buttons, and "Thêm hộ mới"."""
    choices = await reporting.household_choices(ctx.session, village.id, ctx.today.year)
    save(ctx, PICK_HOUSEHOLD, {"village_id": village.id})
    return [
        ctx.reply(
            "report_pick_household",
            buttons=household_buttons(choices, 12),
            village=village.name,
            households=choices,
        )
    ]


async def household_chosen(
    ctx: Context, household: Household, data: dict[str, Any]
) -> list[Reply]:
    """The household is known: check it may be reported, then the change (or its choices)."""
    assert ctx.user is not None
    try:
        await reporting.check_can_report(ctx.session, ctx.user, household)
    except reporting.ReportError as error:
        save(ctx, conversations.IDLE, {})
        return [decisions.problem_reply(ctx, error)]
    # An existing household chosen: a new one begun before (a stale button) is dropped.
    data = {k: v for k, v in data.items() if k not in NEW_HOUSEHOLD_KEYS}
    data["household_id"] = household.id
    options = await reporting.options_for(ctx.session, household)
    wanted = data.get("kind")
    if wanted and ChangeKind(wanted) in options:
        save(ctx, PICK_CHANGE, data)
        return await change_chosen(ctx, ChangeKind(wanted))
    save(ctx, PICK_CHANGE, {k: v for k, v in data.items() if k != "kind"})
    buttons = [[Button(label(kind.value), f"rk:{kind.value}")] for kind in options]
    replies = []
    if wanted:
        replies.append(_not_possible(ctx, household, ChangeKind(wanted), options))
    replies.append(
        ctx.reply(
            "report_pick_change",
            buttons=buttons,
            h=household,
            status_label=label(f"status.{household.status}"),
        )
    )
    return replies


def _not_possible(
    ctx: Context, household: Household, wanted: ChangeKind, options: list[ChangeKind]
) -> Reply:
    suggestion = (
        ChangeKind.EXIT_NEAR_POVERTY
        if wanted in (ChangeKind.EXIT_POVERTY, ChangeKind.EXIT_TO_NEAR_POOR)
        else None
    )
    return ctx.reply(
        "report_problem",
        code="not_possible",
        household=household,
        status_label=label(f"status.{household.status}"),
        change_label=label(wanted.value),
        suggestion=label(suggestion.value) if suggestion in options else None,
    )


async def change_chosen(ctx: Context, kind: ChangeKind) -> list[Reply]:
    """The change is known: a correction asks which field; a sentence report is summed up."""
    data = ctx.data | {"kind": kind.value}
    if kind is ChangeKind.CORRECTION:
        save(ctx, PICK_FIELD, data)
        buttons = [
            [Button(label(f"field.{f}"), f"rf:{f}")] for f in ("members", "workers", "cause")
        ]
        return [ctx.reply("report_pick_field", buttons=buttons)]
    if data.get("quick"):
        return await summary(ctx, data)
    save(ctx, NOTE, data)
    return [ask_note(ctx)]


async def typed_village(ctx: Context, text: str) -> list[Reply]:
    """A village named by text instead of its button."""
    assert ctx.user is not None
    villages = await reporting.reporter_villages(ctx.session, ctx.user)
    wanted = fold(text)
    matches = [v for v in villages if v.name_key == wanted or fold(v.name) == wanted]
    if len(matches) != 1:
        return [hint(ctx, PICK_VILLAGE)]
    return await ask_household(ctx, matches[0])


async def typed_household(ctx: Context, text: str) -> list[Reply]:
    """A household named by text: the one match, or the closest and "Thêm hộ mới"."""
    village_id = ctx.data.get("village_id")
    found = await best_households(ctx.session, text, [village_id] if village_id else None)
    if len(found) == 1:
        return await household_chosen(ctx, found[0], ctx.data)
    village = await ctx.session.get(Unit, village_id) if village_id else None
    save(ctx, PICK_HOUSEHOLD, ctx.data | {"new_name": nfc(text)})
    return [
        ctx.reply(
            "report_household_unknown",
            buttons=household_buttons(found, 6),
            name=nfc(text),
            village=village.name if village else "",
            close=bool(found),
        )
    ]
