"""The dispatcher: one transaction per update, menus by number, commands, steps, free text."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from domain.formatting import whole_number
from domain.names import fold
from domain.schedule import Calendar
from handlers import (
    accounts,
    approval,
    drafts,
    groups,
    intents,
    pending,
    questions,
    reports,
    watch,
    web_link,
)
from handlers.context import Context, WebLinks
from messaging.messages import Button, IncomingMessage, Reply, cleaned
from messaging.render import render
from services import notices
from storage import conversations
from storage.db import Database
from storage.people import user_for_chat
from understanding.types import Intent

log = logging.getLogger(__name__)
Handler = Callable[[Context, str], Awaitable[list[Reply]]]

COMMANDS: dict[str, Handler] = {}
for names, handler in (
    (("start", "batdau"), accounts.start),
    (("huy", "cancel", "thoat"), accounts.cancel),
    (("toi", "whoami", "me"), accounts.who_am_i),
    (("trogiup", "help", "giupdo"), accounts.help_text),
    (("tinhhinh", "status", "hoi"), intents.answer_text),
    (("baocao", "report"), reports.start_guided),
    (("cho", "pending", "choxacnhan"), pending.list_pending),
    (("moi", "invite"), accounts.invite_in_chat),
    (("web", "trangweb"), web_link.web_link),
    (("theodoi", "watch"), watch.next_question),
):
    for name in names:
        COMMANDS[name] = handler
STARTS_FLOW = frozenset({Intent.REPORT, Intent.CORRECTION, Intent.REVOKE})
PUBLIC_COMMANDS = {"start", "batdau", "huy", "cancel", "thoat", "trogiup", "help", "giupdo"}


class Receipt(Protocol):
    """A stored update's record (storage/intake.py), kept in the update's own transaction."""

    async def keep(self, session: AsyncSession, chat_id: str, replies: list[Reply]) -> bool:
        """Mark the update handled with its replies; False when another process has it."""


class _Taken(Exception):
    """Another process handled this stored update first: roll back, answer nothing."""


class Dispatcher:
    """Turns one neutral message into replies, inside one committed transaction."""

    def __init__(
        self,
        db: Database,
        timezone: str = "Asia/Ho_Chi_Minh",
        clock: Callable[[], dt.datetime] | None = None,
        calendar: Calendar | None = None,
        web: WebLinks | None = None,
        on_notices: Callable[[], None] | None = None,
    ) -> None:
        self.db, self.web = db, web
        self.on_notices = on_notices  # wakes the notice sender once notices are committed
        self.zone = ZoneInfo(timezone)
        self.cal = calendar or Calendar(timezone=timezone)
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))

    async def handle(self, message: IncomingMessage,
                     receipt: Receipt | None = None) -> list[Reply]:
        """Handle a message; replies are returned only after the transaction committed.

        Any failure rolls the whole update back, and the person is told nothing was saved.
        A stored update comes with its `receipt` (the intake deduplicated it already); the
        replies are kept with it in the same transaction, so a crash cannot lose them.
        """
        try:
            return await self._handle(cleaned(message), receipt)
        except _Taken:
            return []
        except Exception:
            log.exception(
                "update failed", extra={"channel": message.channel, "update": message.update_key}
            )
            return [Reply(render("internal_error"), group_safe=True)]

    async def _handle(self, message: IncomingMessage, receipt: Receipt | None) -> list[Reply]:
        now = self.clock()
        async with self.db.transaction() as session:
            conversation = await conversations.load(
                session, message.channel, message.chat_id, message.user_id
            )
            user = await user_for_chat(session, message.channel, message.user_id)
            ctx = Context(
                session, message, user, conversation, now.astimezone(self.zone).date(), now,
                self.cal, web=self.web,
            )
            step_before = conversation.step
            await groups.remember_private_chat(ctx)
            replies = await route(ctx)
            if not message.private:
                replies = await groups.keep_private(ctx, replies)
            remember_menu(ctx, replies, step_before)
            await offer_menus(ctx)
            await session.flush()
            if receipt is not None and not await receipt.keep(
                session, message.chat_id, replies + ctx.outbox
            ):
                raise _Taken
            queued = session.info.pop(notices.QUEUED, False)
        if queued and self.on_notices is not None:
            self.on_notices()
        return replies + ctx.outbox


async def route(ctx: Context) -> list[Reply]:
    """Pick the handler: command, unregistered, button, a sentence report, the current step,
    or the intent of free text (handlers/intents.py); never the order of substring checks."""
    text = ctx.message.text.strip()
    data = ctx.message.button or menu_choice(ctx, text)
    command, _, argument = text.partition(" ")
    name = command[1:].split("@")[0].lower() if command.startswith("/") else ""
    if name in COMMANDS and (ctx.user or name in PUBLIC_COMMANDS):
        if name in ("baocao", "report") and drafts.is_open(ctx):
            return await drafts.ask_first(ctx, text)
        return await COMMANDS[name](ctx, argument.strip())
    if ctx.user is None:
        return await accounts.unregistered(ctx, text)
    if data:
        return await on_button(ctx, data)
    if fold(text) in {"bao cao", "baocao"}:
        if drafts.is_open(ctx):
            return await drafts.ask_first(ctx, text)
        return await reports.start_guided(ctx, "")
    if not text and ctx.step == conversations.IDLE:
        return [ctx.reply("ask_what")]
    understood = await intents.read(ctx, text)
    if understood.intent in STARTS_FLOW and ctx.step not in reports.FREE_TEXT_STEPS:
        if drafts.is_open(ctx):  # an unsent summary: send or drop it first, never lose it
            return await drafts.ask_first(ctx, text)
        return await intents.dispatch(ctx, understood)  # a new sentence report restarts a flow
    if ctx.step != conversations.IDLE:
        return await reports.continue_step(ctx, text)
    return await intents.answer(ctx, understood, text)


async def on_button(ctx: Context, data: str) -> list[Reply]:
    """Buttons carry their own target (stateless) or continue the current step."""
    kind, _, value = data.partition(":")
    number = whole_number(value)
    if kind == "u" and number is not None:
        return [await questions.unit_reply(ctx, number)]
    if kind == "h":  # a forged id, or one too long, reads like one outside the scope
        return [await questions.household_reply(ctx, number if number is not None else 0)]
    if kind == accounts.RELINK:
        return await accounts.relink(ctx, value)
    if kind == "iu":
        return await intents.chosen(ctx, value)
    if kind == "dk":
        return await drafts.on_button(ctx, value, route)
    if kind in ("wq", "wd"):
        return await watch.on_button(ctx, kind, value)
    if kind == approval.APPROVE:
        return await approval.on_button(ctx, value)
    replies = await reports.on_button(ctx, kind, value)
    return replies or [ctx.reply("report_hint", step=ctx.step, field=None)]  # stale or forged


async def offer_menus(ctx: Context) -> None:
    """Notifications with buttons: their recipients may answer by number too."""
    for reply in ctx.outbox:
        if reply.to is not None and reply.to.user_id and reply.buttons:
            menu = [[b.label, b.data] for b in reply.flat_buttons()]
            await conversations.offer_menu(
                ctx.session, reply.to.channel, reply.to.chat_id, reply.to.user_id, menu
            )


def menu_choice(ctx: Context, text: str) -> str | None:
    """A numbered or labelled answer to the last menu shown in this chat."""
    menu: list[list[str]] = ctx.data.get("menu", [])
    if not menu or not text:
        return None
    choice = whole_number(text)
    if choice is not None and 1 <= choice <= len(menu):
        return menu[choice - 1][1]
    wanted = fold(text)
    matches = [data for label, data in menu if fold(label) == wanted]
    return matches[0] if len(matches) == 1 else None


def remember_menu(ctx: Context, replies: list[Reply], step_before: str) -> None:
    """Keep the last menu shown, so '2' or its label can answer it on any channel.

    A reply without buttons keeps the menu only while the step is unchanged (a hint);
    a new step without buttons clears it, so a typed number is read as a number.
    """
    buttons: list[Button] = [b for reply in replies for b in reply.flat_buttons()]
    data = {k: v for k, v in ctx.data.items() if k != "menu"}
    if buttons:
        data["menu"] = [[b.label, b.data] for b in buttons]
    elif ctx.step == step_before and ctx.step != conversations.IDLE and "menu" in ctx.data:
        data["menu"] = ctx.data["menu"]
    if data != ctx.data:
        conversations.save(ctx.conversation, ctx.step, data)
