"""Worlds for end-to-end tests: a fake Bot API server and the real runner talking to it."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import socket
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from bot.app import App
from bot.channels.telegram import TelegramChannel
from bot.channels.zalo import ZaloChannel
from bot.runner import Running, serve
from bot.settings import Settings
from handlers.router import Dispatcher
from storage.db import Database
from tests.e2e.drivers import Driver, TelegramDriver, ZaloDriver
from tests.e2e.fake_telegram import FakeTelegram
from tests.e2e.fake_zalo import FakeZalo
from tests.e2e.scenario import LEADER
from tests.helpers import login

TOKENS = {"telegram": "123456:TEST-telegram-token", "zalo": "9876543210:TEST-zalo-token"}
WORLD_TIMEOUT = 30.0  # a whole test, start to stop


@dataclass
class World:
    """One channel running for real against its fake platform."""

    fake: Any
    running: Running
    driver: Driver

    @property
    def web_port(self) -> int:
        """The port the bot's web server listens on."""
        assert self.running.web is not None
        return self.running.web.port

    @property
    def channel(self) -> Any:
        """The running channel object."""
        return self.running.registry.channels[self.driver.channel]


def free_port() -> int:
    """A port nobody listens on right now (for PUBLIC_BASE_URL before the server starts)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def settings_for(channel: str, base_url: str, **values: Any) -> Settings:
    """Settings with only this channel on, pointed at the fake, ignoring the environment."""
    fields: dict[str, Any] = {
        "telegram_bot_token": None, "zalo_bot_token": None, "telegram_webhook_url": None,
        "zalo_webhook_url": None, "public_base_url": None, "web_listen": "127.0.0.1",
        "web_port": 0, f"{channel}_bot_token": TOKENS[channel],
        f"{channel}_api_base_url": base_url}
    return Settings(_env_file=None, **{**fields, **values})  # type: ignore[call-arg]


def speed_up(running: Running) -> None:
    """Short backoffs so retry tests take milliseconds, not seconds."""
    for channel in running.registry.channels.values():
        if isinstance(channel, TelegramChannel):
            channel.sender.backoff = 0.02
        if isinstance(channel, ZaloChannel):
            channel.api.backoff = channel.sender.backoff = 0.02


WorldFactory = Callable[..., contextlib.AbstractAsyncContextManager[World]]


@pytest.fixture
def make_world(demo_db: Database, clock: Callable[[], dt.datetime]) -> WorldFactory:
    """`async with make_world("telegram", **settings) as world:` on the demo database."""
    @contextlib.asynccontextmanager
    async def world(channel: str, **values: Any) -> AsyncIterator[World]:
        fake: FakeTelegram | FakeZalo
        driver: Driver
        if channel == "telegram":
            fake = FakeTelegram(TOKENS[channel])
            driver = TelegramDriver(fake)
        else:
            fake = FakeZalo(TOKENS[channel])
            driver = ZaloDriver(fake)
        base_url = await fake.start()
        app = App(settings_for(channel, base_url, **values), demo_db,
                  Dispatcher(demo_db, "Asia/Ho_Chi_Minh", clock))
        try:
            async with asyncio.timeout(WORLD_TIMEOUT), serve(app, with_scheduler=False) as running:
                speed_up(running)
                yield World(fake, running, driver)
        finally:
            await fake.stop()
    return world


@contextlib.asynccontextmanager
async def with_leader(make_world: WorldFactory, db: Database,
                      channel: str = "telegram", **values: Any) -> AsyncIterator[World]:
    """A world where the commune leader's chat (person number 2) is already linked."""
    async with make_world(channel, **values) as world:
        await login(db, LEADER, str(world.driver.person(LEADER, 2).chat), channel)
        yield world
