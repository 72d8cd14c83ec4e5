"""A channel in webhook mode behind the bot's web server, with what watches it: the replies
the dispatcher gave each update, and everything logged at ERROR."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx

from bot.app import App
from bot.channels import telegram, zalo
from bot.channels.common import numbered, split_text
from bot.runner import serve
from handlers.router import Dispatcher
from messaging.messages import IncomingMessage, Reply
from storage.db import Database
from tests.e2e.conftest import TOKENS, settings_for
from tests.e2e.fake_telegram import SENDS as FAKE_TELEGRAM_SENDS
from tests.e2e.fake_telegram import FakeTelegram
from tests.e2e.fake_zalo import SENDS as FAKE_ZALO_SENDS
from tests.e2e.fake_zalo import FakeZalo
from tests.helpers import FixedClock

WAIT = 20.0  # seconds for the bot to handle a batch


class Errors(logging.Handler):
    """Every record logged at ERROR or above, from any library."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class Recorder:
    """Wraps the dispatcher: what each handled message was, and the replies it got."""

    def __init__(self, dispatcher: Dispatcher) -> None:
        self.dispatcher = dispatcher
        self.handled: list[tuple[IncomingMessage, list[Reply]]] = []

    async def handle(self, message: IncomingMessage, receipt: Any = None) -> list[Reply]:
        """Dispatch and remember."""
        replies = await self.dispatcher.handle(message, receipt)
        self.handled.append((message, replies))
        return replies


@dataclass
class Hook:
    """One channel in webhook mode against its fake platform, and what watches it."""

    name: str
    url: str
    fake: Any
    channel: Any
    recorder: Recorder
    client: httpx.AsyncClient
    errors: Errors

    @property
    def telegram(self) -> bool:
        """Telegram (else Zalo)."""
        return self.name == "telegram"

    async def post(self, body: bytes, secret: str | None) -> int:
        """POST a raw body to the webhook, as the platform would."""
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers[telegram.SECRET_HEADER if self.telegram else zalo.SECRET_HEADER] = secret
        response = await self.client.post(self.url, content=body, headers=headers)
        return response.status_code

    async def settle(self) -> None:
        """Wait until every stored update was handled and its replies sent."""
        await self.channel.intake.settle(WAIT)

    def sent_since(self, start: int) -> list[Any]:
        """Sends the fake took since call number `start`."""
        sends = FAKE_TELEGRAM_SENDS if self.telegram else FAKE_ZALO_SENDS
        return [c for c in self.fake.calls[start:] if c.method in sends and c.accepted]


@contextlib.asynccontextmanager
async def webhook_world(name: str, db: Database, clock: FixedClock,
                        secret: str) -> AsyncIterator[Hook]:
    """The channel `name` behind the bot's web server, its fake, a client and a log watcher."""
    fake: FakeTelegram | FakeZalo = FakeTelegram(TOKENS[name]) if name == "telegram" \
        else FakeZalo(TOKENS[name])
    hook_url = f"https://bot.example.vn/{name}/hook"
    app = App(settings_for(name, await fake.start(), **{f"{name}_webhook_url": hook_url,
                                                          f"{name}_webhook_secret": secret}),
              db, Dispatcher(db, "Asia/Ho_Chi_Minh", clock))
    errors = Errors()
    logging.getLogger().addHandler(errors)
    try:
        async with serve(app, with_scheduler=False) as running, httpx.AsyncClient() as client:
            assert running.web is not None
            channel: Any = running.registry.channels[name]
            recorder = channel.dispatcher = Recorder(channel.dispatcher)
            yield Hook(name, f"http://127.0.0.1:{running.web.port}/{name}/hook", fake, channel,
                       recorder, client, errors)
    finally:
        logging.getLogger().removeHandler(errors)
        await fake.stop()


def pieces(hook: Hook, reply: Reply) -> int:
    """How many sends a text reply takes on this channel (the adapters' own rules)."""
    assert reply.image is None and reply.document is None, "fuzzed replies are text only"
    text = reply.text
    if not hook.telegram or (reply.buttons and telegram.keyboard(reply) is None):
        text = numbered(reply)
    return len(split_text(text, telegram.TEXT_LIMIT if hook.telegram else zalo.TEXT_LIMIT))
