"""Send failures in a conversation over the real adapters (issue 11, points 2 and 6): a reply
that may have gone (an unreadable 200, a connection closed after the request) is never sent
again, and the log line says channel, method, status and the platform's description, never
the text."""

from __future__ import annotations

import logging

import pytest

from storage.db import Database
from tests.e2e.conftest import WorldFactory, with_leader
from tests.e2e.fake_api import HANG_UP
from tests.e2e.scenario import LEADER


@pytest.mark.parametrize("channel", ["telegram", "zalo"])
@pytest.mark.parametrize(("answer", "status"), [(200, "status=200"),
                                                (HANG_UP, "status=no-answer")])
async def test_a_reply_that_may_have_gone_is_not_resent_and_the_bot_goes_on(
        channel: str, answer: int, status: str, make_world: WorldFactory, demo_db: Database,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    async with with_leader(make_world, demo_db, channel) as world:
        fake, driver = world.fake, world.driver
        leader = driver.person(LEADER, 2)
        fake.garble_next("sendMessage", status=answer)
        await driver.say(leader, "/toi")
        await fake.wait_until(lambda: [r for r in caplog.records if "send failed" in r.msg])
        await driver.say(leader, "/toi")  # the next message is answered as usual
        await driver.expect(leader, "Đỗ Văn Liên")
        tries = [c for c in fake.calls if c.method == "sendMessage"]
    assert len(tries) == 2 and all(c.accepted for c in tries)  # the first was not resent
    [line] = [r.getMessage() for r in caplog.records if "send failed" in r.getMessage()]
    assert f"channel={channel} method=sendMessage {status}" in line
    assert "kind=maybe_sent" in line and "Đỗ Văn Liên" not in line


@pytest.mark.parametrize("channel", ["telegram", "zalo"])
async def test_a_refusal_is_logged_with_the_platforms_description(
        channel: str, make_world: WorldFactory, demo_db: Database,
        caplog: pytest.LogCaptureFixture) -> None:
    async with with_leader(make_world, demo_db, channel) as world:
        fake, driver = world.fake, world.driver
        leader = driver.person(LEADER, 2)
        fake.fail_next("sendMessage", 400)
        await driver.say(leader, "/toi")
        await fake.wait_until(lambda: [r for r in caplog.records if "send failed" in r.msg])
    [line] = [r.getMessage() for r in caplog.records if "send failed" in r.getMessage()]
    assert f"channel={channel} method=sendMessage status=400 description='injected'" in line
    assert "kind=not_sent" in line
    assert len([c for c in fake.calls if c.method == "sendMessage"]) == 1  # 400: not retried
