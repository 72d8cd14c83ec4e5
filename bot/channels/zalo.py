"""Zalo Bot channel: updates in (polling or webhook), numbered-text menus and photo links out."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from bot.channels import failures, startup
from bot.channels.base import ChannelRegistry
from bot.channels.common import numbered, split_text
from bot.channels.intake import Intake, stop_receiving
from bot.channels.parts import Part, Sender, send_parts
from bot.channels.zalo_api import ZaloApi, ZaloApiError
from bot.channels.zalo_updates import describe, read, unwrap, update_key
from bot.web import MediaStore
from handlers.router import Dispatcher
from messaging.failures import Safe
from messaging.messages import Reply
from messaging.render import render
from storage.intake import Receipt

log = logging.getLogger(__name__)

CHANNEL = "zalo"
SECRET_HEADER = "X-Bot-Api-Secret-Token"
TEXT_LIMIT = 2000


def transient(error: BaseException) -> bool:
    """A start-up call worth trying again: no answer, a 5xx or a 429 (not a refusal)."""
    if isinstance(error, ZaloApiError):
        return error.code in (408, 429) or error.code >= 500
    return isinstance(error, httpx.TransportError)


class ZaloChannel:
    """Stores Zalo updates in the intake, answers them one at a time (in order) through the
    dispatcher."""

    name = CHANNEL

    def __init__(self, api: ZaloApi, dispatcher: Dispatcher, registry: ChannelRegistry,
                 media: MediaStore | None = None, webhook: tuple[str, str] | None = None,
                 poll_timeout: int = 30, intake: Intake | None = None) -> None:
        self.api, self.dispatcher, self.registry = api, dispatcher, registry
        self.media, self.webhook, self.poll_timeout = media, webhook, poll_timeout
        self.intake = intake
        self._poller: asyncio.Task[None] | None = None
        self.background = startup.Background(CHANNEL, transient)
        self.sender = Sender(CHANNEL, attempts=4)

    async def start(self, receive: bool = True) -> None:
        """Check the token, start polling when no webhook; setting or clearing the webhook
        is retried in the background (the poller waits out a webhook still set).

        `receive=False` (for `digest send` beside a running bot) only checks the token: the
        running bot's webhook is not cleared and nothing polls.
        """
        me = await startup.required(CHANNEL, "getMe", self.api.get_me, transient)
        mode = ("webhook" if self.webhook else "poll") if receive else "send-only"
        log.info("zalo bot ready id=%s mode=%s", me.get("id"), mode)
        if not receive:
            return
        intake = self.intake = self.intake or Intake(self.dispatcher.db, CHANNEL,
                                                     str(me.get("id") or "-"))
        intake.start(self, self.registry)
        if self.webhook:
            url, secret = self.webhook
            self.background.run("setWebhook", lambda: self.api.set_webhook(url, secret))
        else:
            self.background.run("deleteWebhook", self.api.delete_webhook)
            self._poller = asyncio.create_task(self._poll(), name="zalo-poll")

    async def stop(self) -> None:
        """Stop polling, answer what is stored (up to 5 s), close the client."""
        await stop_receiving(self.background, self._poller, self.intake, self.sender.later)
        await self.api.close()

    async def receive(self, update: dict[str, Any]) -> None:
        """An update from the webhook: stored before the web server answers 200."""
        if self.intake is None:
            raise RuntimeError("an update before the channel started")  # 503: sent again
        body = unwrap(update)  # bare or wrapped: one content, so a redelivery is one
        await self.intake.store([(update_key(body), body)])

    async def _poll(self) -> None:
        """getUpdates has no offset (each update is handed out once): store what came."""
        while True:
            try:
                updates = await self.api.get_updates(self.poll_timeout)
            except (ZaloApiError, httpx.TransportError) as error:
                log.warning("zalo poll failed error=%s", type(error).__name__)
                await asyncio.sleep(2)
                continue
            await self._keep([(update_key(u), u) for u in map(unwrap, updates)])

    async def _keep(self, updates: list[tuple[str, dict[str, Any]]]) -> None:
        """Store what Zalo handed out (it will not hand it out again), until it is stored."""
        assert self.intake is not None
        while True:
            try:
                await self.intake.store(updates)
                return
            except Exception as error:  # the database is unreachable: keep them, try again
                log.error("zalo store failed count=%d error=%s", len(updates),
                          type(error).__name__)
                await asyncio.sleep(1)

    def read(self, payload: dict[str, Any]) -> dict[str, Any]:
        """A stored update as is: `zalo_updates.read` reads any shape."""
        return payload

    async def answer(self, update: dict[str, Any],
                     receipt: Receipt) -> tuple[str, list[Reply]] | None:
        """Show 'typing…', run the dispatcher: the chat and its replies."""
        incoming = read(update)
        if isinstance(incoming, str):  # set aside, said so (never the text)
            log.info("zalo update ignored reason=%s %s", incoming, Safe(describe(update)))
            return None
        with contextlib.suppress(ZaloApiError, httpx.TransportError):
            await self.api.send_chat_action(incoming.chat_id)
        return incoming.chat_id, await self.dispatcher.handle(incoming, receipt)

    async def send(self, chat_id: str, reply: Reply) -> None:
        """Send a reply: text first, then the photo link (bot/channels/parts.py); raises
        NotSent (RetryAfter, RecipientGone) when nothing went, MaybeDelivered otherwise."""
        parts = self._parts(chat_id, reply)
        if not parts:  # Zalo refuses an empty text; nothing to say is not a failure
            log.warning("zalo reply empty, not sent chat=%s", chat_id)
        await send_parts(self.sender, parts)

    def _parts(self, chat_id: str, reply: Reply) -> list[Part]:
        """Text (menus numbered) in pieces under 2,000 characters, then a photo by link."""
        text = numbered(reply)
        if reply.image is not None and self.media is None:
            text += "\n" + render("channel_no_image")
        if reply.document is not None:
            text += "\n" + render("channel_no_file", name=reply.document[0])
        parts = [self._part("sendMessage", self.api.send_message, chat_id, piece)
                 for piece in split_text(text, TEXT_LIMIT) if piece.strip()]
        if reply.image is not None and self.media is not None:
            parts.append(self._part("sendPhoto", self.api.send_photo, chat_id,
                                    self.media.put(reply.image), optional=True))
        return parts

    def _part(self, method: str, send: Callable[..., Awaitable[Any]], *args: Any,
              optional: bool = False) -> Part:
        async def call() -> Any:
            try:
                return await send(*args)
            except Exception as error:
                raise failures.from_zalo(method, error) from error
        return Part(method, call, optional)
