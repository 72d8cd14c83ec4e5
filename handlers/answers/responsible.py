"""'ai phụ trách Thôn Hạc Sơn', 'ai là trưởng thôn Bình Yên', 'Đỗ Thị Nga phụ trách thôn
nào': the people of a unit, or a person's units (services/responsible.py)."""

from __future__ import annotations

from handlers.context import Context
from messaging.messages import Reply
from services.access import scope_of
from services.responsible import people_of, units_of
from storage.unit_tree import UnitInfo
from understanding.types import Understood


async def answer(ctx: Context, understood: Understood, units: list[UnitInfo]) -> list[Reply]:
    """A person named: the units they cover; else who answers for each unit asked about."""
    assert ctx.user is not None
    person = understood.slots.person
    if person:
        scope = await scope_of(ctx.session, ctx.user)
        holders = await units_of(ctx.session, scope, person)
        return [ctx.reply("responsible_person", name=person, holders=holders, group_safe=True)]
    people = [await people_of(ctx.session, unit) for unit in units[:3]]
    return [ctx.reply("responsible", units=people, group_safe=True)]
