"""A Bot API failing 30 % of sends (429, 5xx, timeouts): replies and digests arrive once.

The fake Telegram fails at random (seeded): 429 and 5xx are refused calls the adapter retries;
a timeout is a send the fake took but answered too late, so the adapter cannot know it
landed and must not send it again (docs/channels.md: lost, never doubled).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter
from collections.abc import Callable

import httpx
import pytest

from bot.app import App
from bot.channels.telegram import TelegramChannel
from domain.periods import parse_period
from handlers.router import Dispatcher
from scheduler import send_period
from services.broadcast import Broadcaster, DeliveryPolicy
from storage.db import Database
from tests.delivery_fakes import FakeTime, ledger_rows, vn
from tests.e2e.conftest import World, WorldFactory, settings_for
from tests.e2e.conftest import make_world as make_world  # the fixture
from tests.e2e.fake_telegram import SENDS, FakeTelegram
from tests.e2e.scenario import STORED, play, stored_changes
from tests.helpers import FixedClock, login

RATE, SEED = 0.3, 3
READ_TIMEOUT = 0.2  # seconds; the fake answers a "timed out" send after 0.5 s
DIGEST_PEOPLE = {"Đỗ Thị Nga": "7100000001", "Đỗ Văn Liên": "7100000002",
                 "Bùi Thị Minh": "7100000003"}  # officer, leader, head (no digest)


def make_flaky(world: World) -> FakeTelegram:
    """Turn failures on for sends, with a short client read timeout so tests stay quick."""
    channel = world.channel
    assert isinstance(channel, TelegramChannel)
    channel.application.bot.request._client.timeout = httpx.Timeout(
        READ_TIMEOUT, connect=1.0, pool=1.0)
    fake: FakeTelegram = world.fake
    fake.flaky(RATE, frozenset(SENDS), seed=SEED)
    return fake


def received(fake: FakeTelegram) -> Counter[tuple[int, str, str]]:
    """(chat, method, text or caption or file name) of every send the fake took."""
    return Counter((int(c.params["chat_id"]), c.method,
                    str(c.params.get("text") or c.params.get("caption") or sorted(c.files)))
                   for c in fake.sent())


async def test_conversation_replies_arrive_once(make_world: WorldFactory, demo_db: Database,
                                                clock: Callable[[], dt.datetime]) -> None:
    async with asyncio.timeout(20), make_world("telegram") as world:
        fake = make_flaky(world)
        await play(world.driver, demo_db, clock())  # every expected reply arrived
        refused = [c for c in fake.calls if c.method in SENDS and not c.accepted]
        doubled = [key for key, times in received(fake).items() if times > 1]
    assert refused, "the fake failed nothing: the test proves nothing"
    assert not doubled
    assert await stored_changes(demo_db) == STORED


@pytest.mark.parametrize("period", ["2024-Q3"])
async def test_digests_delivered_once_over_retries(make_world: WorldFactory, demo_db: Database,
                                                   period: str) -> None:
    for name, chat in DIGEST_PEOPLE.items():
        await login(demo_db, name, chat, channel="telegram")
    async with asyncio.timeout(20), make_world("telegram") as world:
        fake = make_flaky(world)
        app = App(settings_for("telegram", ""), demo_db, Dispatcher(demo_db))
        now = FixedClock(vn(2024, 10, 1, 8))
        time = FakeTime()
        for _ in range(8):  # passes an hour apart: retries become due
            broadcaster = Broadcaster(world.running.registry, DeliveryPolicy(), time.sleep,
                                      time.monotonic)
            await send_period(app, world.running.registry,
                              parse_period(period), now, token="flaky",
                              broadcaster=broadcaster)
            now.advance(hours=1)
        rows = await ledger_rows(demo_db)
        got = received(fake)
    officer, leader = int(DIGEST_PEOPLE["Đỗ Thị Nga"]), int(DIGEST_PEOPLE["Đỗ Văn Liên"])
    assert sorted(r.kind for r in rows) == ["leader_digest", "officer_digest"]
    for row in rows:  # sent, or given up on because a retry could double it
        assert row.state == "sent" or (row.state == "failed"
                                       and (row.error or "").startswith("maybe delivered"))
    assert {chat for chat, _, _ in got} == {officer, leader}
    assert [key for key, times in got.items() if times > 1] == []
    if all(row.state == "sent" for row in rows):
        assert {m for chat, m, _ in got if chat == leader} == {"sendPhoto", "sendDocument"}
