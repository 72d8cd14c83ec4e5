"""A reply sent in parts (chart, text, workbook) whose later part fails is never sent again.

The first part has arrived, so the adapter raises MaybeDelivered: the ledger gives the digest
up (and tells the admins) instead of sending the chart a second time, and a 429 on a later
part is not waited out by sending the whole reply again (docs/scheduler.md, "Exactly once").
"""

from __future__ import annotations

import pytest

from bot.app import App
from domain.periods import parse_period
from domain.schedule import SendKind
from handlers.router import Dispatcher
from scheduler import send_period
from services.broadcast import Broadcaster, DeliveryPolicy
from storage.db import Database
from tests.delivery_fakes import FakeTime, ledger_rows, vn
from tests.e2e.conftest import WorldFactory, free_port, settings_for
from tests.e2e.conftest import make_world as make_world  # the fixture
from tests.helpers import FixedClock, login

LEADER = {"telegram": "7100000002", "zalo": "5a1000000002"}
CASES = [  # channel, the later part, how it fails, tries that exhaust the adapter's retries
    ("telegram", "sendDocument", 502, 3),
    ("zalo", "sendMessage", 503, 4),
    ("zalo", "sendMessage", 429, 4),
]


@pytest.mark.parametrize(("channel", "later", "status", "tries"), CASES)
async def test_a_digest_whose_later_part_failed_is_not_sent_again(
        channel: str, later: str, status: int, tries: int, make_world: WorldFactory,
        demo_db: Database) -> None:
    await login(demo_db, "Đỗ Văn Liên", LEADER[channel], channel)
    port = free_port()
    async with make_world(channel, web_port=port,
                          public_base_url=f"http://127.0.0.1:{port}") as world:
        world.fake.fail_next(later, status, times=tries)
        app, time = App(settings_for(channel, ""), demo_db, Dispatcher(demo_db)), FakeTime()
        now = FixedClock(vn(2024, 10, 1, 8))
        for _ in range(2):  # the second pass would retry a digest the ledger holds as failed
            broadcaster = Broadcaster(world.running.registry, DeliveryPolicy(), time.sleep,
                                      time.monotonic)
            await send_period(app, world.running.registry, parse_period("2024-Q3"), now,
                              kinds=(SendKind.LEADER_DIGEST,), broadcaster=broadcaster)
            now.advance(hours=1)
        charts = world.fake.accepted("sendPhoto")
        tried = [c for c in world.fake.calls if c.method == later]
    [row] = await ledger_rows(demo_db)
    assert len(charts) == 1 and len(tried) == tries
    assert row.state == "failed" and (row.error or "").startswith("maybe delivered")
