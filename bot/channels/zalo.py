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
from bot.channels.common import deliver, numbered, split_text
from bot.channels.parts import Part, Sender, send_parts
from bot.channels.zalo_api import ZaloApi, ZaloApiError
from bot.channels.zalo_updates import describe, read
from bot.web import MediaStore
from handlers.router import Dispatcher
from messaging.failures import Safe
from messaging.messages import Reply
from messaging.render import render

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
    """Receives Zalo updates one at a time (in order), answers through the dispatcher."""

    name = CHANNEL

    def __init__(self, api: ZaloApi, dispatcher: Dispatcher, registry: ChannelRegistry,
                 media: MediaStore | None = None, webhook: tuple[str, str] | None = None,
                 poll_timeout: int = 30) -> None:
        self.api, self.dispatcher, self.registry = api, dispatcher, registry
        self.media, self.webhook, self.poll_timeout = media, webhook, poll_timeout
        self.queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
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
        if self.webhook:
            url, secret = self.webhook
            self.background.run("setWebhook", lambda: self.api.set_webhook(url, secret))
        else:
            self.background.run("deleteWebhook", self.api.delete_webhook)
            self._tasks.append(asyncio.create_task(self._poll(), name="zalo-poll"))
        self._tasks.append(asyncio.create_task(self._work(), name="zalo-work"))

    async def stop(self) -> None:
        """Stop polling, answer what is already queued (up to 5 s), close the client."""
        await self.background.stop()
        await self.sender.later.stop()
        if self._tasks and not self.webhook:
            self._tasks[0].cancel()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.queue.join(), 5)
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.api.close()

    async def receive(self, update: dict[str, Any]) -> None:
        """Queue an update (from the webhook or the poller); answered in arrival order."""
        await self.queue.put(update)

    async def _poll(self) -> None:
        while True:
            try:
                for update in await self.api.get_updates(self.poll_timeout):
                    await self.receive(update)
            except (ZaloApiError, httpx.TransportError) as error:
                log.warning("zalo poll failed error=%s", type(error).__name__)
                await asyncio.sleep(2)

    async def _work(self) -> None:
        while True:
            update = await self.queue.get()
            try:
                await self.handle(update)
            except Exception:
                log.exception("zalo update failed %s", Safe(describe(update)))
            finally:
                self.queue.task_done()

    async def handle(self, update: dict[str, Any]) -> None:
        """Answer one update."""
        incoming = read(update)
        if isinstance(incoming, str):  # set aside, said so (never the text)
            log.info("zalo update ignored reason=%s %s", incoming, Safe(describe(update)))
            return
        with contextlib.suppress(ZaloApiError, httpx.TransportError):
            await self.api.send_chat_action(incoming.chat_id)
        replies = await self.dispatcher.handle(incoming)
        await deliver(self, self.registry, incoming.chat_id, replies)

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
