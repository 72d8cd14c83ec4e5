"""Free text, understood: one handler per intent, choices when unsure, never a guess.

The understanding layer reads the message (intent, slots, confidence); this module picks
the handler by the intent. Below `FALLBACK_THRESHOLD` the asker gets the two or three
likeliest readings as numbered buttons; the text is kept in the conversation so a press
(or its number) answers the same message with the chosen reading.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from handlers import (
    accounts,
    corrections,
    pending,
    questions,
    revocations,
    targets,
)
from handlers.answers import ANSWERS
from handlers.context import Context
from messaging.messages import Button, Reply
from messaging.render import render
from storage import conversations
from storage.unit_tree import unit_tree
from understanding.grammar import FALLBACK_THRESHOLD, PLACE_INTENTS, understand
from understanding.types import Intent, Understood

IntentHandler = Callable[[Context, Understood], Awaitable[list[Reply]]]
NEVER_OFFERED = {Intent.UNKNOWN, Intent.GREETING, Intent.THANKS}
# routed here whatever handlers/answers registers; other intents go to ANSWERS first
FIXED = {
    Intent.GREETING,
    Intent.THANKS,
    Intent.HELP,
    Intent.PENDING,
    Intent.HOUSEHOLD_CARD,
    Intent.REPORT,
    Intent.CORRECTION,
    Intent.REVOKE,
    Intent.UNIT_STATUS,  # names resolved (a bare name may be a household's), then ANSWERS'
}


async def read(ctx: Context, text: str, intent: Intent | None = None) -> Understood:
    """The message as the understanding layer reads it, with the unit tree's names."""
    return understand(text, ctx.today, (await unit_tree(ctx.session)).by_key, intent)


async def answer_text(ctx: Context, text: str) -> list[Reply]:
    """Answer free text (also `/tinhhinh TEXT`)."""
    if not text.strip():
        return [ctx.reply("ask_what", group_safe=True)]
    return await answer(ctx, await read(ctx, text), text)


async def answer(ctx: Context, understood: Understood, text: str) -> list[Reply]:
    """Dispatch on the intent, or offer the likeliest readings when unsure."""
    if understood.intent is Intent.UNKNOWN:
        return [ctx.reply("not_understood", group_safe=True)]
    if understood.confidence < FALLBACK_THRESHOLD:
        offered = _choices(understood)
        if len(offered) >= 2:
            return [_offer(ctx, understood, offered, text)]
    return await dispatch(ctx, understood)


async def dispatch(ctx: Context, understood: Understood) -> list[Reply]:
    """The handler of the intent; an intent without one yet gets an honest answer."""
    handler = ROUTES.get(understood.intent)
    if handler is not None and (understood.intent in FIXED or understood.intent not in ANSWERS):
        return await handler(ctx, understood)
    if understood.intent in ANSWERS:
        units = await targets.units_for(ctx, understood)
        if isinstance(units, Reply):
            return [units]
        return await ANSWERS[understood.intent](ctx, understood, units)
    return [ctx.reply("not_answered_yet", group_safe=True, topic=_topic(understood))]


async def chosen(ctx: Context, value: str) -> list[Reply]:
    """A press on one of the offered readings ('iu:count'): the kept text, that intent."""
    text = ctx.data.get(targets.ASKED)
    name, _, unit = value.partition(":")
    if not text or name not in Intent._value2member_map_:
        return [ctx.reply("ask_what", group_safe=True)]
    understood = await read(ctx, text, Intent(name))
    if unit.isdigit():
        return await targets.for_unit(ctx, understood, int(unit), dispatch)
    return await dispatch(ctx, understood)


def _choices(understood: Understood) -> list[Intent]:
    readings = [understood.intent, *(intent for intent, _ in understood.alternatives)]
    return [i for i in readings if i not in NEVER_OFFERED][:3]


def _offer(ctx: Context, understood: Understood, offered: list[Intent], text: str) -> Reply:
    labels = [_label(understood, intent) for intent in offered]
    buttons = [
        [Button(label, f"iu:{intent.value}")] for label, intent in zip(labels, offered, strict=True)
    ]
    conversations.save(ctx.conversation, ctx.step, {**ctx.data, targets.ASKED: text[:500]})
    slots = understood.slots
    return ctx.reply(
        "ask_which_meaning",
        buttons=buttons,
        group_safe=not slots.household,  # a household's name stays out of a group
        choices=labels,
        places=list(slots.places),
        household=slots.household,
    )


def _label(understood: Understood, intent: Intent) -> str:
    slots = understood.slots
    household = slots.household if intent in (Intent.HOUSEHOLD_CARD, Intent.REPORT) else None
    places = list(slots.places)
    named = slots.person or slots.household
    if not places and intent in PLACE_INTENTS and named:
        places = [named]  # the name read as a place
    return render("intent_label", intent=intent.value, places=places, household=household)


def _topic(understood: Understood) -> str:
    text = _label(understood, understood.intent)
    return text[:1].lower() + text[1:]


async def greeting(ctx: Context, _understood: Understood) -> list[Reply]:
    """'chào': a greeting back, never figures."""
    name = ctx.user.name if ctx.user else None
    return [
        ctx.reply("greeting", group_safe=True, name=name, role=ctx.user.role if ctx.user else None)
    ]


async def thanks(ctx: Context, _understood: Understood) -> list[Reply]:
    """'cảm ơn', 'ok': a short answer, never figures."""
    return [ctx.reply("thanks", group_safe=True)]


async def help_for_role(ctx: Context, _understood: Understood) -> list[Reply]:
    """'hướng dẫn', 'làm sao để báo cáo': the help of the asker's role."""
    return await accounts.help_text(ctx, "")


async def waiting(ctx: Context, _understood: Understood) -> list[Reply]:
    """'có báo cáo nào chờ duyệt không': the same as /cho."""
    return await pending.list_pending(ctx, "")


async def household_card(ctx: Context, understood: Understood) -> list[Reply]:
    """'hộ Phạm Thị Đéc thoát nghèo chưa': the household's card (a question, not a report)."""
    if not understood.slots.household:
        return [ctx.reply("ask_what", group_safe=True)]
    return await questions.household_answer(ctx, understood.slots.household)


ROUTES: dict[Intent, IntentHandler] = {
    Intent.GREETING: greeting,
    Intent.THANKS: thanks,
    Intent.HELP: help_for_role,
    Intent.UNIT_STATUS: targets.unit_status,
    Intent.PENDING: waiting,
    Intent.HOUSEHOLD_CARD: household_card,
    Intent.REPORT: targets.report,
    Intent.CORRECTION: corrections.asked,
    Intent.REVOKE: revocations.asked,
}
