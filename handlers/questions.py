"""Answers about a unit's progress and a household's card (routed by handlers/intents.py)."""

from __future__ import annotations

import datetime as dt

from domain.names import fold, split_title
from handlers.context import Context
from messaging.labels import label
from messaging.messages import Button, Reply
from services import ask
from services.standing import needs_attention


async def unit_reply(ctx: Context, unit_id: int, as_of: dt.date | None = None) -> Reply:
    """The progress answer for one unit (as of a day, default today), if the role covers it.

    In a group the figures stay there and the names of waiting households are left out.
    """
    assert ctx.user is not None
    progress = await ask.progress_for(ctx.session, ctx.user, unit_id, as_of or ctx.today)
    if progress is None:
        return ctx.reply("no_plan", group_safe=True)
    group = not ctx.message.private
    if group:
        progress.waiting = []  # a group has members outside the role's scope: no names there
    template = "village_progress" if progress.unit.level == "village" else "unit_progress"
    attention = needs_attention(progress.villages)
    past = as_of is not None and as_of < ctx.today  # a past period: 'Đến 30/09/2024', not now
    return ctx.reply(template, p=progress, attention=attention, group=group, group_safe=group,
                     past=past)


async def household_answer(ctx: Context, name: str) -> list[Reply]:
    """Answer about a household by its head's name (personal: never shown in a group)."""
    assert ctx.user is not None
    found = await ask.households_named(ctx.session, ctx.user, name)
    if not found:
        return [ctx.reply("household_not_found", name=name)]
    close = found[0].name_key != fold(split_title(name)[1])  # no household of that name
    if len(found) > 1 or close:  # never another family's card as if it were the one asked
        labels = await ask.household_labels(ctx.session, found)
        buttons = [[Button(labels[h.id], f"h:{h.id}")] for h in found]
        return [ctx.reply("ask_which_household", buttons=buttons, name=name, close=close)]
    return [await household_reply(ctx, found[0].id)]


async def household_reply(ctx: Context, household_id: int) -> Reply:
    """A household's details, only within the user's scope; one answer for an id outside
    it and an id that does not exist (ids cannot be probed)."""
    assert ctx.user is not None
    card = await ask.household_card(ctx.session, ctx.user, household_id)
    if card is None:
        return ctx.reply("not_in_scope")
    return ctx.reply("household_card", c=card, label=label)
