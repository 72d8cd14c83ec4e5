"""A digest in parts (text, chart, workbook) over the real adapters (issue 11, points 2 and 5).

The text goes first. A chart or file that fails is retried on its own and never holds back
the text; a part that may have been sent (an unreadable 200, a connection closed after the
request) is never sent again, and the ledger never resends a reply of which something went.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from bot.app import App
from bot.channels import startup
from domain.periods import parse_period
from domain.schedule import SendKind
from handlers.router import Dispatcher
from scheduler import send_period
from services.broadcast import Broadcaster, DeliveryPolicy
from storage.db import Database
from storage.models import Delivery
from tests.delivery_fakes import FakeTime, ledger_rows, vn
from tests.e2e.conftest import World, WorldFactory, free_port, settings_for
from tests.e2e.conftest import make_world as make_world  # the fixture
from tests.e2e.fake_api import HANG_UP
from tests.helpers import FixedClock, login

LEADER = {"telegram": "7100000002", "zalo": "5a1000000002"}
TRIES = {"telegram": 3, "zalo": 4}  # the adapters' own attempts at one part
OPTIONAL = [("telegram", "sendPhoto"), ("telegram", "sendDocument"), ("zalo", "sendPhoto")]


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """A part retried on its own waits milliseconds, not seconds."""
    monkeypatch.setattr(startup, "WAIT", 0.01)


@asynccontextmanager
async def leader_world(make_world: WorldFactory, db: Database,
                       channel: str) -> AsyncIterator[World]:
    """A world where the commune leader gets the digest (with a chart on Zalo too)."""
    await login(db, "Đỗ Văn Liên", LEADER[channel], channel)
    port = free_port()
    async with make_world(channel, web_port=port,
                          public_base_url=f"http://127.0.0.1:{port}") as world:
        yield world


async def digest_passes(world: World, db: Database, passes: int = 2) -> list[Delivery]:
    """The leader's digest of 2024-Q3, in passes an hour apart (ledger retries come due)."""
    app, time = App(settings_for(world.driver.channel, ""), db, Dispatcher(db)), FakeTime()
    now = FixedClock(vn(2024, 10, 1, 8))
    for _ in range(passes):
        broadcaster = Broadcaster(world.running.registry, DeliveryPolicy(), time.sleep,
                                  time.monotonic)
        await send_period(app, world.running.registry, parse_period("2024-Q3"), now,
                          kinds=(SendKind.LEADER_DIGEST,), broadcaster=broadcaster)
        now.advance(hours=1)
    return await ledger_rows(db)


def methods(world: World) -> list[str]:
    """The sends the fake took, in order."""
    return [c.method for c in world.fake.calls if c.method.startswith("send") and c.accepted
            and c.method != "sendChatAction"]


@pytest.mark.parametrize(("channel", "part"), OPTIONAL)
async def test_a_failing_chart_or_file_never_holds_back_the_text(
        channel: str, part: str, make_world: WorldFactory, demo_db: Database) -> None:
    async with leader_world(make_world, demo_db, channel) as world:
        world.fake.fail_next(part, 502, times=TRIES[channel])  # the adapter's tries run out
        [row] = await digest_passes(world, demo_db)
        await world.fake.wait_until(lambda: world.fake.accepted(part))  # retried on its own
        sent = methods(world)
    assert row.state == "sent"
    assert sent[0] == "sendMessage" and sent.count(part) == 1 and sent.count("sendMessage") == 1
    assert len([c for c in world.fake.calls if c.method == part]) == TRIES[channel] + 1


@pytest.mark.parametrize(("channel", "part"), OPTIONAL)
async def test_a_chart_or_file_that_may_have_gone_is_never_resent(
        channel: str, part: str, make_world: WorldFactory, demo_db: Database) -> None:
    async with leader_world(make_world, demo_db, channel) as world:
        world.fake.garble_next(part)  # taken, then an answer that is not JSON
        [row] = await digest_passes(world, demo_db)
        tried = [c for c in world.fake.calls if c.method == part]
    assert row.state == "sent" and len(tried) == 1


@pytest.mark.parametrize("channel", ["telegram", "zalo"])
@pytest.mark.parametrize("answer", [200, HANG_UP])
async def test_text_that_may_have_gone_is_never_resent(
        channel: str, answer: int, make_world: WorldFactory, demo_db: Database,
        caplog: pytest.LogCaptureFixture) -> None:
    async with leader_world(make_world, demo_db, channel) as world:
        world.fake.garble_next("sendMessage", status=answer)
        [row] = await digest_passes(world, demo_db)
        texts = [c for c in world.fake.calls if c.method == "sendMessage"]
        charts = world.fake.accepted("sendPhoto")
    assert len(texts) == 1 and len(charts) == 1  # the chart still went
    assert row.state == "failed" and (row.error or "").startswith("maybe delivered")
    assert "method=sendMessage" in (row.error or "")
    [line] = [r.getMessage() for r in caplog.records if "delivery failed" in r.getMessage()]
    assert f"channel={channel} method=sendMessage" in line and f"delivery={row.id}" in line


@pytest.mark.parametrize("channel", ["telegram", "zalo"])
async def test_text_refused_sends_nothing_then_the_whole_digest_later(
        channel: str, make_world: WorldFactory, demo_db: Database) -> None:
    async with leader_world(make_world, demo_db, channel) as world:
        world.fake.fail_next("sendMessage", 503, times=TRIES[channel])
        [row] = await digest_passes(world, demo_db, passes=3)
        sent = methods(world)
    assert row.state == "sent" and row.attempts == 2
    assert sent.count("sendPhoto") == 1 and sent[0] == "sendMessage"
