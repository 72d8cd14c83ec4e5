"""Zalo's documented shapes over HTTP (issue 11, point 7): a webhook body bare or wrapped in
`{"ok": true, "result": …}`, the documentation's getUpdates sample (no event_name,
`from.first_name`), unreadable shapes logged without their text, no empty text sent, and a
ZALO_WEBHOOK_SECRET outside the documented 8-256 characters refused at start-up."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot import logs, runner
from bot.channels.zalo import SECRET_HEADER
from bot.settings import BadSetting
from messaging.messages import Reply
from storage.db import Database
from tests.e2e.conftest import WorldFactory, settings_for, with_leader
from tests.e2e.fake_zalo import FakeZalo
from tests.e2e.scenario import LEADER

SECRET, PATH = "zalo-s3cret-8plus", "/zalo/hook"
HOOK = {"zalo_webhook_secret": SECRET, "zalo_webhook_url": f"https://bot.example.vn{PATH}"}


def answers(fake: FakeZalo, chat: str) -> list[str]:
    """Texts the fake took for one chat."""
    return [c.params["text"] for c in fake.sent(chat)]


async def test_the_documented_getupdates_sample_is_answered(
        make_world: WorldFactory, demo_db: Database) -> None:
    async with with_leader(make_world, demo_db, "zalo") as world:
        fake, leader = world.fake, world.driver.person(LEADER, 2)
        fake.updates.append(fake.make(leader.account, "/toi", shape="documented"))
        fake.push()
        await fake.wait_until(lambda: answers(fake, leader.chat))
    assert "Đỗ Văn Liên" in answers(fake, leader.chat)[0]


async def test_webhook_bodies_bare_or_wrapped_are_both_answered_once(
        make_world: WorldFactory, demo_db: Database) -> None:
    async with with_leader(make_world, demo_db, "zalo", **HOOK) as world:
        fake, leader = world.fake, world.driver.person(LEADER, 2)
        bare = fake.make(leader.account, "/toi")
        wrapped = {"ok": True, "result": bare}  # the same message again, wrapped: applied once
        other = fake.make(leader.account, "/trogiup", shape="wrapped")
        statuses = [await _post(world.web_port, body) for body in (bare, wrapped, other)]
        await fake.wait_until(lambda: len(answers(fake, leader.chat)) >= 2)
        await asyncio.sleep(0.1)  # a doubled answer would arrive by now
    assert statuses == [200, 200, 200] and len(answers(fake, leader.chat)) == 2


@pytest.mark.parametrize(("body", "reason"), [
    ({"ok": True, "result": "hộ bà Phạm Thị Đéc"}, "no_message"),
    ({"event_name": "message.sticker.received", "message": {
        "message_id": "s1", "from": {"id": "a1"}, "chat": {"id": "9a9a", "chat_type": "GROUP"},
        "text": "hộ bà Phạm Thị Đéc"}}, "group_chatter"),
    ({"message": {"message_id": "n1", "from": {"id": "a1"}, "chat": {"id": "a1"},
                  "sticker": "0e07"}}, "no_event"),
    ({"message": {"message_id": "e1", "from": {"id": "a1", "first_name": "Phạm Thị Đéc"},
                  "chat": {"id": "a1"}, "text": "   "}}, "empty"),
])
async def test_unreadable_shapes_are_logged_without_their_text(
        body: dict[str, Any], reason: str, make_world: WorldFactory, demo_db: Database,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    async with with_leader(make_world, demo_db, "zalo", **HOOK) as world:
        assert await _post(world.web_port, body) == 200
        await world.fake.wait_until(lambda: _ignored(caplog))
    [line] = _ignored(caplog)
    assert f"reason={reason}" in line and "Đéc" not in line and "sendMessage" not in [
        c.method for c in world.fake.calls]


async def test_an_empty_text_is_never_sent(make_world: WorldFactory, demo_db: Database) -> None:
    async with with_leader(make_world, demo_db, "zalo") as world:
        for text in ("", "  \n  "):
            await world.channel.send("5a1000000002", Reply(text))
        await world.channel.send("5a1000000002", Reply("\n\nTổng hợp\n\n"))
    assert [c.params["text"] for c in world.fake.calls if c.method == "sendMessage"] == [
        "Tổng hợp\n\n"]


@pytest.mark.parametrize("secret", ["short", "x" * 257, "có dấu tiếng Việt"])
async def test_a_webhook_secret_zalo_would_refuse_stops_the_start(
        secret: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logs, "configure", lambda level, secrets: None)
    settings = settings_for("zalo", "http://127.0.0.1:9/bot", zalo_webhook_secret=secret,
                            zalo_webhook_url="https://bot.example.vn/zalo",
                            database_url=f"sqlite:///{tmp_path / 'run.db'}")
    with pytest.raises(SystemExit) as exited:
        await runner.run_channels(settings, asyncio.Event())
    assert "ZALO_WEBHOOK_SECRET must be" in str(exited.value.code)
    assert secret not in str(exited.value.code)
    with pytest.raises(BadSetting):
        runner.make_channels(runner.App(settings, None, None), runner.Running(  # type: ignore
            runner.ChannelRegistry()))


async def _post(port: int, body: Any) -> int:
    async with httpx.AsyncClient() as client:
        answer = await client.post(f"http://127.0.0.1:{port}{PATH}", json=body,
                                   headers={SECRET_HEADER: SECRET})
    return answer.status_code


def _ignored(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "zalo update ignored" in r.getMessage()]
