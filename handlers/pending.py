"""/cho: what waits for this decider: new reports, then requests to correct confirmed ones,
and (officers, commune leaders) which villages have reported this quarter."""

from __future__ import annotations

from domain.roles import Role
from handlers import corrections
from handlers.context import Context
from handlers.decisions import decision_buttons, describe
from messaging.messages import Reply
from services import decisions as decision_cases
from services.access import scope_of
from services.completeness import Completeness, completeness
from services.places import own_units

SHOWS_REPORTING = frozenset({Role.OFFICER, Role.COMMUNE_LEADER})


async def list_pending(ctx: Context, _argument: str) -> list[Reply]:
    """Reports and correction requests awaiting this user's decision, each with buttons."""
    assert ctx.user is not None
    pending = await decision_cases.pending_in_scope(ctx.session, ctx.user)
    requests, request_buttons = await corrections.waiting_lines(ctx)
    reporting = await _reporting(ctx)
    if not pending.count and not requests:
        return [ctx.reply("pending_none", reporting=reporting)]
    related = await decision_cases.load_related(ctx.session, pending.oldest)  # no query per line
    lines = [await describe(ctx, change) for change in pending.oldest]
    del related
    buttons = [row for change in pending.oldest for row in decision_buttons(change, numbered=True)]
    return [ctx.reply("pending_list", buttons=buttons + request_buttons, count=pending.count,
                      lines=lines, corrections=requests, reporting=reporting)]


async def _reporting(ctx: Context) -> Completeness | None:
    """The quarter's reporting of the asker's villages (officers and commune leaders)."""
    assert ctx.user is not None
    if Role(ctx.user.role) not in SHOWS_REPORTING:
        return None
    units = await own_units(ctx.session, await scope_of(ctx.session, ctx.user))
    return await completeness(ctx.session, units, None, ctx.today, ctx.cal) if units else None
