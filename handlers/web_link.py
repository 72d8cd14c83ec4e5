"""/web: a one-time link to the web view (and, on Telegram, a button opening it there)."""

from __future__ import annotations

from handlers.context import Context
from messaging.messages import Reply
from services import web_access

LOGIN_PATH = "/web/login/"
APP_PATH = "/web/app"


async def web_link(ctx: Context, _argument: str) -> list[Reply]:
    """Answer a single-use login link that expires in minutes (never in a group chat)."""
    assert ctx.user is not None
    if ctx.web is None:
        return [ctx.reply("web_link", url=None, minutes=0)]
    token = await web_access.issue_link(ctx.session, ctx.user, ctx.now, ctx.web.minutes)
    base = ctx.web.base_url.rstrip("/")
    reply = ctx.reply("web_link", url=base + LOGIN_PATH + token, minutes=ctx.web.minutes)
    if ctx.web.telegram_app and ctx.message.channel == web_access.TELEGRAM:
        reply.web_app = base + APP_PATH
    return [reply]
