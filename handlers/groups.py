"""Group chats get figures only: every other reply goes to the asker's private chat.

One rule in one place (the dispatcher calls `keep_private` for every update from a group),
so no handler has to remember it: a reply is shown in a group only when its handler marked
it `group_safe` (no household names, no decision buttons, no codes). Everything else is
sent to the person's own private chat with the bot, and the group gets a short note; a
person with no private chat known gets a note asking them to open one, never the data.
"""

from __future__ import annotations

import dataclasses

from handlers.context import Context
from messaging.messages import Address, Reply
from storage.people import note_private_chat, private_chat


async def keep_private(ctx: Context, replies: list[Reply]) -> list[Reply]:
    """The replies the group may see, and a note where the others went (into the outbox)."""
    personal = [r for r in replies if r.to is None and not r.group_safe]
    if not personal:
        return replies
    shown = [r for r in replies if r.to is not None or r.group_safe]
    address = await private_address(ctx)
    if address is None:
        return [*shown, ctx.reply("group_open_private", group_safe=True)]
    ctx.outbox[:0] = [dataclasses.replace(r, to=address) for r in personal]
    return [*shown, ctx.reply("group_sent_privately", group_safe=True)]


async def private_address(ctx: Context) -> Address | None:
    """The asker's own private chat with the bot on this channel, if they have one."""
    if ctx.user is None:
        return None
    message = ctx.message
    chat_id = await private_chat(ctx.session, message.channel, message.user_id)
    return Address(message.channel, chat_id, message.user_id) if chat_id else None


async def remember_private_chat(ctx: Context) -> None:
    """A linked person writing privately: that chat is where their sends go from now on."""
    if ctx.user is not None and ctx.message.private:
        message = ctx.message
        await note_private_chat(ctx.session, message.channel, message.user_id, message.chat_id)
