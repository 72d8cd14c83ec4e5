"""Start-up that survives the platforms (issue 11, point 1): a failing command menu or webhook
call is retried in the background, one channel failing never stops the other, and the
process exits only when no channel can run."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot import logs, runner
from bot.app import App
from bot.channels import startup
from handlers.router import Dispatcher
from storage.db import Database
from tests.e2e.conftest import TOKENS, WorldFactory, settings_for
from tests.e2e.fake_api import HANG_UP
from tests.e2e.fake_telegram import FakeTelegram
from tests.e2e.fake_zalo import FakeZalo

STRANGER = {"id": 7_000_000_077, "is_bot": False, "first_name": "Lạ"}
ZALO_STRANGER = {"id": "a1b2", "display_name": "Lạ"}


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries after milliseconds, not seconds."""
    monkeypatch.setattr(startup, "WAIT", 0.01)


@pytest.mark.parametrize("status", [500, 502, 429, HANG_UP])
async def test_a_failing_command_menu_is_retried_while_the_bot_answers(
        make_world: WorldFactory, status: int) -> None:
    async with make_world("telegram") as world:
        fake = world.fake
        if status == 429:
            fake.fail_next("setMyCommands", 429, times=2, retry_after=0)
        elif status == HANG_UP:
            fake.hang_up_next("setMyCommands", times=2)
        else:
            fake.fail_next("setMyCommands", status, times=3)
        fake.text(STRANGER, "xin chào")
        await fake.wait_until(lambda: fake.sent(STRANGER["id"]))
        await fake.wait_until(lambda: fake.accepted("setMyCommands"))
    tried = [c for c in fake.calls if c.method == "setMyCommands"]
    assert len(tried) >= 2 and len(fake.accepted("setMyCommands")) == 1


async def test_a_refused_command_menu_is_logged_once_and_given_up(
        make_world: WorldFactory, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    async with make_world("telegram") as world:
        world.fake.fail_next("setMyCommands", 400)
        world.fake.text(STRANGER, "xin chào")
        await world.fake.wait_until(lambda: world.fake.sent(STRANGER["id"]))
        await asyncio.sleep(0.1)  # a retry, if there were one, would come by now
    assert len([c for c in world.fake.calls if c.method == "setMyCommands"]) == 1
    [line] = [r.getMessage() for r in caplog.records
              if r.name.startswith("bot") and "setMyCommands" in r.getMessage()]
    assert "channel=telegram" in line and "given_up=refused" in line and "injected" in line


async def test_getme_failing_briefly_delays_the_start_only(demo_db: Database) -> None:
    fake = FakeTelegram(TOKENS["telegram"])
    fake.fail_next("getMe", 503, times=2)
    async with _serve(demo_db, telegram=fake) as _:
        fake.text(STRANGER, "xin chào")
        await fake.wait_until(lambda: fake.sent(STRANGER["id"]))


async def test_a_zalo_webhook_failing_at_start_is_set_later(demo_db: Database) -> None:
    fake = FakeZalo(TOKENS["zalo"])
    fake.fail_next("setWebhook", 502, times=5)  # more than the client's own 4 tries
    async with _serve(demo_db, zalo=fake, zalo_webhook_url="https://bot.example.vn/zalo"):
        await fake.wait_until(lambda: fake.accepted("setWebhook"))


async def test_one_channel_failing_never_stops_the_other(
        demo_db: Database, caplog: pytest.LogCaptureFixture) -> None:
    telegram, zalo = FakeTelegram("another:token"), FakeZalo(TOKENS["zalo"])  # 401 for ours
    async with _serve(demo_db, telegram=telegram, zalo=zalo):
        zalo.text(ZALO_STRANGER, "xin chào")
        await zalo.wait_until(lambda: zalo.sent("a1b2"))
        await telegram.wait_until(lambda: len(_start_failures(caplog)) >= 2)  # retried
        telegram.token = TOKENS["telegram"]  # the platform takes the token again
        telegram.text(STRANGER, "xin chào")
        await telegram.wait_until(lambda: telegram.sent(STRANGER["id"]))
    assert all("channel=telegram error=InvalidToken" in line for line in _start_failures(caplog))


def _start_failures(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "channel failed to start" in r.getMessage()]


async def test_the_process_exits_when_no_channel_can_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(logs, "configure", lambda level, secrets: None)
    telegram = FakeTelegram("another:token")
    settings = settings_for("telegram", await telegram.start(),
                            database_url=f"sqlite:///{tmp_path / 'run.db'}")
    try:
        with pytest.raises(SystemExit) as exited:
            await runner.run_channels(settings, asyncio.Event())
    finally:
        await telegram.stop()
    assert exited.value.code == 1
    assert any("no channel could start" in r.getMessage() for r in caplog.records)


@contextlib.asynccontextmanager
async def _serve(db: Database, telegram: FakeTelegram | None = None,
                 zalo: FakeZalo | None = None, **values: Any) -> AsyncIterator[None]:
    """The runner's `serve` with the channels whose fake is given."""
    fields: dict[str, Any] = {"telegram_bot_token": None, "zalo_bot_token": None}
    for name, fake in (("telegram", telegram), ("zalo", zalo)):
        if fake is not None:
            fields[f"{name}_bot_token"] = TOKENS[name]
            fields[f"{name}_api_base_url"] = await fake.start()
    app = App(settings_for("telegram", "", **{**fields, **values}), db, Dispatcher(db))
    try:
        async with asyncio.timeout(20), runner.serve(app, with_scheduler=False):
            yield
    finally:
        for fake in (telegram, zalo):
            if fake is not None:
                await fake.stop()
