"""Onboarding and account commands: /start CODE, /toi, /trogiup, /huy, /moi."""

from __future__ import annotations

import datetime as dt
import math

from domain.roles import CAN_INVITE, Role
from handlers.context import Context
from messaging.messages import Reply
from services import onboarding
from services.access import scope_of
from services.ask import units_named
from storage import conversations


async def start(ctx: Context, argument: str) -> list[Reply]:
    """/start CODE links this chat; /start alone greets or explains how to get a code."""
    if argument:
        return await redeem_code(ctx, argument)
    if ctx.user is None:
        return [ctx.reply("welcome_unregistered")]
    return await help_text(ctx, "")


async def unregistered(ctx: Context, text: str) -> list[Reply]:
    """An unknown chat: a code links it; anything else gets the explanation, never data."""
    if onboarding.normalize_code(text):
        return await redeem_code(ctx, text)
    return [ctx.reply("welcome_unregistered")]


async def redeem_code(ctx: Context, code: str) -> list[Reply]:
    """Try an invite code and tell the outcome."""
    message = ctx.message
    outcome = await onboarding.redeem(
        ctx.session,
        channel=message.channel,
        external_id=message.user_id,
        chat_id=message.chat_id,
        text=code,
        now=ctx.now,
        display_name=message.user_name,
    )
    if outcome.user is None:
        minutes = math.ceil(outcome.wait.total_seconds() / 60) if outcome.wait else 0
        return [ctx.reply("code_problem", problem=outcome.problem, minutes=minutes)]
    ctx.user = outcome.user
    units = await onboarding.user_roles_summary(ctx.session, outcome.user)
    return [ctx.reply("code_ok", user=outcome.user, units=units)]


async def who_am_i(ctx: Context, _argument: str) -> list[Reply]:
    """/toi: name, role and scope."""
    assert ctx.user is not None
    units = await onboarding.user_roles_summary(ctx.session, ctx.user)
    return [ctx.reply("who_am_i", user=ctx.user, units=units)]


async def help_text(ctx: Context, _argument: str) -> list[Reply]:
    """/trogiup: what this user can do in their role."""
    role = ctx.user.role if ctx.user else None
    return [ctx.reply("help", role=role)]


async def cancel(ctx: Context, _argument: str) -> list[Reply]:
    """/huy: leave any flow; nothing already saved is touched."""
    was_busy = ctx.step != conversations.IDLE
    conversations.save(ctx.conversation, conversations.IDLE, {})
    return [ctx.reply("cancelled", was_busy=was_busy)]


async def invite_in_chat(ctx: Context, argument: str) -> list[Reply]:
    """/moi TÊN THÔN: an officer makes a village-head code for a village in their scope."""
    assert ctx.user is not None
    if ctx.user.role not in {r.value for r in CAN_INVITE}:
        return [ctx.reply("not_allowed")]
    villages = (
        [u for u in await units_named(ctx.session, ctx.user, argument) if u.level == "village"]
        if argument
        else []
    )
    if len(villages) != 1:
        return [ctx.reply("invite_usage", found=len(villages))]
    village = villages[0]
    scope = await scope_of(ctx.session, ctx.user)
    if not scope.covers(village.id):
        return [ctx.reply("not_in_scope")]
    code = await onboarding.create_invite(
        ctx.session,
        now=ctx.now,
        ttl=dt.timedelta(hours=72),
        role=Role.VILLAGE_HEAD,
        unit=village,
        created_by=ctx.user.id,
        channel=ctx.message.channel,
    )
    return [ctx.reply("invite_created", code=code, village=village)]
