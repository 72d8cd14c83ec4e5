"""`digest send` beside a running bot: channels that send without receiving.

A second poller makes Telegram answer 409 to the running bot, and clearing or setting a
webhook would cut the running bot off its updates; a send-only channel does neither.
"""

from __future__ import annotations

import asyncio

import pytest

from bot.app import App
from bot.runner import serve
from handlers.router import Dispatcher
from messaging.messages import Reply
from storage.db import Database
from tests.e2e.conftest import TOKENS, settings_for
from tests.e2e.fake_telegram import FakeTelegram
from tests.e2e.fake_zalo import FakeZalo

RECEIVING = {"getUpdates", "setWebhook", "deleteWebhook", "setMyCommands"}


@pytest.mark.parametrize("channel", ["telegram", "zalo"])
@pytest.mark.parametrize("receive", [False, True])
async def test_send_only_channels_leave_the_running_bot_alone(
        demo_db: Database, channel: str, receive: bool) -> None:
    fake = FakeTelegram(TOKENS[channel]) if channel == "telegram" else FakeZalo(TOKENS[channel])
    settings = settings_for(channel, await fake.start(),
                            **{f"{channel}_webhook_url": "https://bot.example.vn/hook"})
    app = App(settings, demo_db, Dispatcher(demo_db))
    try:
        async with asyncio.timeout(15), serve(app, with_scheduler=False,
                                              receive=receive) as running:
            await running.registry.channels[channel].send("4242", Reply("Tổng hợp quý 3/2024"))
            if receive:  # set in the background (issue 11)
                await fake.wait_until(lambda: fake.accepted("setWebhook"))
            assert (running.web is None) is not receive
    finally:
        await fake.stop()
    methods = {call.method for call in fake.calls}
    assert any(call.params.get("text") == "Tổng hợp quý 3/2024" for call in fake.calls)
    if receive:
        assert "setWebhook" in methods
    else:
        assert not methods & RECEIVING, methods
