"""Onboarding and account commands: /start CODE, /toi, /trogiup, /huy, /moi."""

from __future__ import annotations

import datetime as dt
import math

from domain.roles import CAN_INVITE, Role
from handlers.context import Context
from messaging.labels import label
from messaging.messages import Address, Button, Reply
from messaging.render import render
from services import onboarding
from services.access import scope_of
from services.ask import units_named
from services.decisions import chats_of
from storage import conversations
from storage.models import User

RELINK = "relink"  # step: the account is linked to someone else; asked before moving it


async def start(ctx: Context, argument: str) -> list[Reply]:
    """/start CODE links this chat; /start alone greets or explains how to get a code."""
    if argument:
        return await redeem_code(ctx, argument)
    if ctx.user is None:
        return [ctx.reply("welcome_unregistered", group_safe=True)]
    return await help_text(ctx, "")


async def unregistered(ctx: Context, text: str) -> list[Reply]:
    """An unknown chat: a code links it; anything else gets the explanation, never data."""
    if onboarding.normalize_code(text):
        return await redeem_code(ctx, text)
    return [ctx.reply("welcome_unregistered", group_safe=True)]


async def redeem_code(ctx: Context, code: str, stored: str | None = None) -> list[Reply]:
    """Try an invite code and tell the outcome; only in a private chat (it becomes the
    chat every notification goes to), and never moving someone else's account unasked."""
    if not ctx.message.private:
        return [ctx.reply("code_private_only", group_safe=True)]  # the code stays valid
    message = ctx.message
    outcome = await onboarding.redeem(
        ctx.session, channel=message.channel, external_id=message.user_id,
        chat_id=message.chat_id, text=code, now=ctx.now, display_name=message.user_name,
        stored=stored)
    if outcome.problem == "relink":
        assert outcome.invite is not None
        conversations.save(ctx.conversation, RELINK, {"invite": outcome.invite.code_hash})
        new_user = await ctx.session.get(User, outcome.invite.user_id or 0)
        buttons = [[Button(label("relink_yes"), "relink:yes")],
                   [Button(label("relink_no"), "relink:no")]]
        return [ctx.reply("relink_ask", buttons=buttons, previous=outcome.previous,
                          new_user=new_user)]
    if outcome.user is None:
        minutes = math.ceil(outcome.wait.total_seconds() / 60) if outcome.wait else 0
        return [ctx.reply("code_problem", problem=outcome.problem, minutes=minutes)]
    ctx.user = outcome.user
    if outcome.previous is not None:
        ctx.outbox.extend(await _tell_previous(ctx, outcome.previous))
    units = await onboarding.user_roles_summary(ctx.session, outcome.user)
    return [ctx.reply("code_ok", user=outcome.user, units=units, previous=outcome.previous)]


async def relink(ctx: Context, answer: str) -> list[Reply]:
    """The answer to 'this account belongs to someone else: move it?'."""
    invite = ctx.data.get("invite") if ctx.step == RELINK else None
    conversations.save(ctx.conversation, conversations.IDLE, {})
    if invite is None or answer != "yes":
        return [ctx.reply("relink_kept", asked=invite is not None)]
    return await redeem_code(ctx, "", stored=str(invite))


async def _tell_previous(ctx: Context, previous: User) -> list[Reply]:
    """The person whose account this was hears of it in their other private chats."""
    here = (ctx.message.channel, ctx.message.user_id)
    text = render("relink_previous", channel=ctx.message.channel, new_user=ctx.user)
    return [Reply(text, to=Address(c.channel, c.chat_id or c.external_id, c.external_id))
            for c in await chats_of(ctx.session, [previous.id])
            if (c.channel, c.external_id) != here]


async def who_am_i(ctx: Context, _argument: str) -> list[Reply]:
    """/toi: name, role and scope."""
    assert ctx.user is not None
    units = await onboarding.user_roles_summary(ctx.session, ctx.user)
    return [ctx.reply("who_am_i", user=ctx.user, units=units)]


async def help_text(ctx: Context, _argument: str) -> list[Reply]:
    """/trogiup: what this user can do in their role."""
    role = ctx.user.role if ctx.user else None
    return [ctx.reply("help", role=role, group_safe=True)]


async def cancel(ctx: Context, _argument: str) -> list[Reply]:
    """/huy: leave any flow; nothing already saved is touched."""
    was_busy = ctx.step != conversations.IDLE
    conversations.save(ctx.conversation, conversations.IDLE, {})
    return [ctx.reply("cancelled", was_busy=was_busy, group_safe=True)]


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
    existing = await onboarding.same_role_over(ctx.session, Role.VILLAGE_HEAD, village.id)
    return [ctx.reply("invite_created", code=code, village=village, existing=existing)]
