"""Questions about progress: 'Thôn Chợ thế nào?', 'Cẩm Bình đến đâu rồi', 'hộ Phạm Thị Đéc'."""

from __future__ import annotations

import re

from domain.names import fold
from handlers.context import Context
from messaging.messages import Button, Reply
from services import ask
from services.access import scope_of

QUESTION_WORDS = (
    r"\b(the nao roi|the nao|nhu the nao|ra sao|sao roi|tinh hinh|tien do|den dau roi|"
    r"den dau|hien nay|bao nhieu|cho biet|xem|how is|doing|status|progress|tinhhinh)\b"
)
HOUSEHOLD_PREFIX = re.compile(r"^(ho gia dinh|ho)\s+")
OWN_UNIT = {"xa minh", "minh", "phuong minh", "thon minh", "xa toi", "thon toi", "cua toi"}


def question_subject(text: str) -> str:
    """The name asked about, with question words, commands and punctuation removed."""
    folded = fold(text.replace("/tinhhinh", " ").replace("/status", " "))
    return " ".join(re.sub(QUESTION_WORDS, " ", folded).split())


def looks_like_question(text: str) -> bool:
    """True when the text carries a question word or ends with '?'."""
    return text.strip().endswith("?") or bool(re.search(QUESTION_WORDS, fold(text)))


async def command(ctx: Context, argument: str) -> list[Reply]:
    """/tinhhinh TÊN: the same as asking in words."""
    if not argument:
        return [ctx.reply("ask_what", group_safe=True)]
    return await answer_question(ctx, argument)


async def answer_question(ctx: Context, text: str) -> list[Reply]:
    """Answer about a unit or a household named in `text`."""
    assert ctx.user is not None
    subject = question_subject(text)
    if not subject:
        return [ctx.reply("ask_what", group_safe=True)]
    household = HOUSEHOLD_PREFIX.match(subject)
    if household:
        return await household_answer(ctx, subject[household.end() :])
    if subject in OWN_UNIT:
        scope = await scope_of(ctx.session, ctx.user)
        return await _answer_units(ctx, await ask.own_units(ctx.session, scope), text)
    units = await ask.units_named(ctx.session, ctx.user, subject)
    if not units:
        households = await ask.households_named(ctx.session, ctx.user, subject, exact_only=True)
        if len(households) == 1:
            return [await household_reply(ctx, households[0].id)]
    return await _answer_units(ctx, units, subject)


async def _answer_units(ctx: Context, units: list[ask.UnitNode], subject: str) -> list[Reply]:
    if not units:
        return [ctx.reply("not_found", subject=subject, group_safe=True)]
    if len(units) > 1:
        labels = await ask.labels(ctx.session, units)
        buttons = [[Button(labels[u.id], f"u:{u.id}")] for u in units[:10]]
        return [ctx.reply("ask_which_unit", buttons=buttons, subject=subject, group_safe=True)]
    return [await unit_reply(ctx, units[0].id)]


async def unit_reply(ctx: Context, unit_id: int) -> Reply:
    """The progress answer for one unit, if the user's role covers it.

    In a group the figures stay there and the names of waiting households are left out.
    """
    assert ctx.user is not None
    progress = await ask.progress_for(ctx.session, ctx.user, unit_id, ctx.today)
    if progress is None:
        return ctx.reply("no_plan", group_safe=True)
    group = not ctx.message.private
    if group:
        progress.waiting = []  # a group has members outside the role's scope: no names there
    template = "village_progress" if progress.unit.level == "village" else "unit_progress"
    return ctx.reply(template, p=progress, group=group, group_safe=group)


async def household_answer(ctx: Context, name: str) -> list[Reply]:
    """Answer about a household by its head's name (personal: never shown in a group)."""
    assert ctx.user is not None
    found = await ask.households_named(ctx.session, ctx.user, name)
    if not found:
        return [ctx.reply("household_not_found", name=name)]
    if len(found) > 1:
        labels = await ask.household_labels(ctx.session, found)
        buttons = [[Button(labels[h.id], f"h:{h.id}")] for h in found]
        return [ctx.reply("ask_which_household", buttons=buttons, name=name)]
    return [await household_reply(ctx, found[0].id)]


async def household_reply(ctx: Context, household_id: int) -> Reply:
    """A household's details, only within the user's scope; one answer for an id outside
    it and an id that does not exist (ids cannot be probed)."""
    assert ctx.user is not None
    card = await ask.household_card(ctx.session, ctx.user, household_id)
    if card is None:
        return ctx.reply("not_in_scope")
    return ctx.reply("household_card", c=card)
