"""What an understood message is about: its units (scope-aware) or its household.

Names are resolved against the whole unit tree first: a place that exists but lies
outside the asker's scope gets a plain refusal naming it, never another place's figures;
namesakes get buttons; a name found nowhere gets "not found" with the name as typed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from contextvars import ContextVar
from dataclasses import replace

from handlers import questions, reports
from handlers.answers import ANSWERS
from handlers.context import Context
from messaging.messages import Button, Reply
from services import ask, places, reporting
from services.access import scope_of
from services.given_names import by_given_name
from storage import conversations
from storage.unit_tree import UnitInfo, unit_tree
from understanding.types import Intent, Understood

Dispatch = Callable[[Context, Understood], Awaitable[list[Reply]]]
ASKED = "asked"  # conversation data: the text that choices (buttons) were offered for
_chosen: ContextVar[int | None] = ContextVar("chosen_unit", default=None)


async def units_for(ctx: Context, understood: Understood) -> list[UnitInfo] | Reply:
    """The units named, in the order named; the asker's own units when none is named."""
    found = await _units(ctx, understood)
    return await _problem(ctx, *found) if isinstance(found, tuple) else found


async def _units(ctx: Context, understood: Understood) -> list[UnitInfo] | Reply | tuple[str, str]:
    assert ctx.user is not None
    chosen = _chosen.get()
    if chosen is not None:
        node = (await unit_tree(ctx.session)).get(chosen)
        return [node] if node else ctx.reply("not_in_scope", group_safe=True)
    named = understood.slots.places
    if not named:
        return list(await places.own_units(ctx.session, await scope_of(ctx.session, ctx.user)))
    resolved = await places.resolve(ctx.session, ctx.user, named)
    problem = resolved.first_problem()
    if problem is not None:
        return problem
    several = next((typed for typed in named if len(resolved.units[typed]) > 1), None)
    if several is not None:
        return await _which(ctx, understood, several, resolved.units[several])
    return [resolved.units[typed][0] for typed in named]


async def for_unit(
    ctx: Context, understood: Understood, unit_id: int, dispatch: Dispatch
) -> list[Reply]:
    """A namesake chosen by button: the same question about that unit (if in scope)."""
    assert ctx.user is not None
    if not (await scope_of(ctx.session, ctx.user)).covers(unit_id):
        return [ctx.reply("not_in_scope", group_safe=True)]
    token = _chosen.set(unit_id)  # read by units_for during this dispatch only
    try:
        return await dispatch(ctx, understood)
    finally:
        _chosen.reset(token)


async def unit_status(ctx: Context, understood: Understood) -> list[Reply]:
    """'Thôn Chợ thế nào' (progress; handlers/answers' status when registered there); a bare
    name that is no place may be a household's."""
    units = await _units(ctx, understood)
    if isinstance(units, tuple):
        card = await _household_instead(ctx, units[1]) if units[0] == "missing" else None
        return card or [await _problem(ctx, *units)]
    if isinstance(units, Reply):
        return [units]
    if not units:
        return [ctx.reply("ask_what", group_safe=True)]
    if Intent.UNIT_STATUS in ANSWERS:  # the answer kind of its own (periods judged there)
        return await ANSWERS[Intent.UNIT_STATUS](ctx, understood, list(units))
    period = understood.slots.period
    as_of = min(period.end(), ctx.today) if period else ctx.today
    replies = [await questions.unit_reply(ctx, unit.id, as_of) for unit in units[:3]]
    if period:
        note = ctx.reply("period_shown", period=period, as_of=as_of, today=ctx.today)
        replies[0] = replace(replies[0], text=f"{note.text}\n{replies[0].text}")
    return replies


async def report(ctx: Context, understood: Understood) -> list[Reply]:
    """A one-sentence report, its slots parsed: to the report flow's entry point."""
    slots = understood.slots
    if slots.change is None:
        return [ctx.reply("ask_what", group_safe=True)]
    household = f"{slots.title} {slots.household}" if slots.title else slots.household or ""
    if slots.date_problem:
        example = household[:1].lower() + household[1:] if slots.title else household
        return [ctx.reply("report_date_problem", problem=slots.date_problem, household=example)]
    household = await _full_name(ctx, slots.household or "", slots.title) or household
    return await reports.report_parsed(ctx, slots.change, household, slots.happened_on)


async def _full_name(ctx: Context, given: str, title: str | None) -> str | None:
    """'bà Gang' -> 'Bà Phạm Thị Gang' when exactly one household of the reporter's villages
    has that given name (and title)."""
    if not given or " " in given.strip() or ctx.user is None:
        return None
    villages = await reporting.reporter_villages(ctx.session, ctx.user)
    found = await by_given_name(ctx.session, given, [v.id for v in villages], title)
    if len(found) != 1:
        return None
    head = found[0]
    return f"{head.title} {head.head_name}" if head.title else head.head_name


async def _problem(ctx: Context, kind: str, typed: str) -> Reply:
    if kind == "outside":
        tree = await unit_tree(ctx.session)
        named = places.matches(tree, typed)
        return ctx.reply(
            "place_outside_scope", group_safe=True, name=named[0].name if named else typed
        )
    return ctx.reply("not_found", group_safe=True, subject=typed)


async def _which(
    ctx: Context, understood: Understood, typed: str, units: Sequence[UnitInfo]
) -> Reply:
    labels = await ask.labels(ctx.session, units)
    if understood.intent is Intent.UNIT_STATUS:
        buttons = [[Button(labels[u.id], f"u:{u.id}")] for u in units[:10]]
    else:
        conversations.save(ctx.conversation, ctx.step, {**ctx.data, ASKED: ctx.message.text[:500]})
        buttons = [
            [Button(labels[u.id], f"iu:{understood.intent.value}:{u.id}")] for u in units[:10]
        ]
    return ctx.reply("ask_which_unit", group_safe=True, buttons=buttons, subject=typed)


async def _household_instead(ctx: Context, typed: str) -> list[Reply] | None:
    assert ctx.user is not None
    found = await ask.households_named(ctx.session, ctx.user, typed, exact_only=True)
    return [await questions.household_reply(ctx, found[0].id)] if len(found) == 1 else None
