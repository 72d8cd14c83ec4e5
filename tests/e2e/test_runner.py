"""`giamngheo run`: both channels in one process, the scheduler hook, logs without tokens."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import types
from pathlib import Path
from typing import Any

import pytest

from bot import logs, runner
from bot.app import App
from bot.logs import KeyValueFormatter
from handlers.router import Dispatcher
from storage.db import Database
from tests.e2e.conftest import TOKENS, settings_for
from tests.e2e.fake_telegram import FakeTelegram
from tests.e2e.fake_zalo import FakeZalo


async def _no_scheduler(app: App, registry: Any) -> None:
    return None


async def test_one_process_runs_both_channels(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    masked: list[list[str]] = []
    monkeypatch.setattr(logs, "configure", lambda level, secrets: masked.append(secrets))
    monkeypatch.setattr(runner, "start_scheduler", _no_scheduler)
    telegram, zalo = FakeTelegram(TOKENS["telegram"]), FakeZalo(TOKENS["zalo"])
    settings = settings_for("telegram", await telegram.start(), zalo_bot_token=TOKENS["zalo"],
                            zalo_api_base_url=await zalo.start(),
                            database_url=f"sqlite:///{tmp_path / 'run.db'}")
    stop = asyncio.Event()
    task = asyncio.create_task(runner.run_channels(settings, stop))
    try:
        telegram.text({"id": 501, "is_bot": False, "first_name": "A"}, "xin chào")
        zalo.text({"id": "a1b2", "display_name": "B"}, "xin chào")
        await telegram.wait_until(lambda: telegram.sent(501))
        await zalo.wait_until(lambda: zalo.sent("a1b2"))
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)
        await telegram.stop()
        await zalo.stop()
    assert masked == [[TOKENS["telegram"], TOKENS["zalo"]]]
    assert "chưa được đăng ký" in zalo.sent("a1b2")[0].params["text"]


async def test_scheduler_hook_is_started_and_shut_down(
        demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Any] = []

    class Scheduler:
        def shutdown(self) -> None:
            calls.append("shutdown")

    def start(app: App, registry: Any) -> Scheduler:
        calls.append(sorted(registry.channels))
        return Scheduler()

    monkeypatch.setitem(sys.modules, "scheduler", types.SimpleNamespace(start=start))
    fake = FakeZalo(TOKENS["zalo"])
    app = App(settings_for("zalo", await fake.start()), demo_db, Dispatcher(demo_db))
    try:
        async with runner.serve(app):
            assert calls == [["zalo"]]
    finally:
        await fake.stop()
    assert calls == [["zalo"], "shutdown"]


def test_log_lines_are_key_value_and_never_hold_the_token() -> None:
    token = TOKENS["telegram"]
    try:
        raise RuntimeError(f"POST https://api.telegram.org/bot{token}/sendMessage failed")
    except RuntimeError:
        record = logging.LogRecord("bot", logging.ERROR, __file__, 1, "send failed url=%s",
                                   (f"https://api.telegram.org/bot{token}/x",), sys.exc_info())
    record.channel = "telegram"
    line = KeyValueFormatter([token]).format(record)
    assert token not in line
    assert "level=ERROR" in line and "channel=telegram" in line.splitlines()[0]


async def test_giamngheo_run_as_a_process(tmp_path: Path) -> None:
    telegram = FakeTelegram(TOKENS["telegram"])
    telegram.fail_next("setMyCommands", 500, times=2)  # retried in the background (issue 11)
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKENS["telegram"],
           "TELEGRAM_API_BASE_URL": await telegram.start(), "ZALO_BOT_TOKEN": "",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}", "TELEGRAM_WEBHOOK_URL": "",
           "ZALO_WEBHOOK_URL": "", "PUBLIC_BASE_URL": ""}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    try:
        telegram.text({"id": 502, "is_bot": False, "first_name": "C"}, "xin chào")
        await telegram.wait_until(lambda: telegram.sent(502), timeout=20)
        await telegram.wait_until(lambda: telegram.accepted("setMyCommands"), timeout=10)
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), 10)
        await telegram.stop()
    assert process.returncode == 0, output.decode()
    assert TOKENS["telegram"].encode() not in output and b"level=INFO" in output


async def test_giamngheo_run_keeps_answering_through_the_platforms_faults(
        tmp_path: Path) -> None:
    """Issue 11: a failing command menu and webhook call, an unreadable 200, a brief 5xx at
    getMe, the documentation's update shape: both channels keep answering, logs stay clean."""
    telegram, zalo = FakeTelegram(TOKENS["telegram"]), FakeZalo(TOKENS["zalo"])
    telegram.fail_next("setMyCommands", 502, times=2)
    telegram.garble_next("sendMessage")  # the first answer is taken, then unreadable
    zalo.fail_next("getMe", 503, times=5)  # more than the client's own 4 tries
    zalo.fail_next("deleteWebhook", 500, times=5)
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKENS["telegram"], "ZALO_BOT_TOKEN":
           TOKENS["zalo"], "TELEGRAM_API_BASE_URL": await telegram.start(),
           "ZALO_API_BASE_URL": await zalo.start(), "TELEGRAM_WEBHOOK_URL": "",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}", "ZALO_WEBHOOK_URL": "",
           "PUBLIC_BASE_URL": ""}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    person = {"id": 503, "is_bot": False, "first_name": "Phạm Thị Đéc"}
    zalo_person = {"id": "a5b6", "display_name": "Phạm Thị Đéc"}
    try:
        for _ in range(2):  # the first answer may have gone: not resent; the second arrives
            telegram.text(person, "hộ bà Phạm Thị Đéc thoát nghèo")
            zalo.updates.append(zalo.make(zalo_person, "xin chào", shape="documented"))
            zalo.push()
        await telegram.wait_until(lambda: len(telegram.sent(503)) == 2, timeout=30)
        await zalo.wait_until(lambda: len(zalo.sent("a5b6")) == 2, timeout=30)
        await telegram.wait_until(lambda: telegram.accepted("setMyCommands"), timeout=10)
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), 10)
        await telegram.stop()
        await zalo.stop()
    text = output.decode()
    assert process.returncode == 0, text
    assert len([c for c in telegram.calls if c.method == "sendMessage"]) == 2  # none resent
    assert "kind=maybe_sent" in text and "Đéc" not in text and "thoát nghèo" not in text
    assert all(token not in text for token in TOKENS.values())


async def test_web_view_is_served_next_to_the_webhooks(
        demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 16: with PUBLIC_BASE_URL set, `serve` puts the web view on the webhooks' port."""
    import httpx

    monkeypatch.setattr(runner, "start_scheduler", _no_scheduler)
    fake = FakeZalo(TOKENS["zalo"])
    settings = settings_for("zalo", await fake.start(), web_port=0,
                            public_base_url="https://bot.example.vn",
                            zalo_webhook_url="https://bot.example.vn/zalo",
                            zalo_webhook_secret="s" * 16)
    app = App(settings, demo_db, Dispatcher(demo_db))
    try:
        async with runner.serve(app) as running, httpx.AsyncClient() as client:
            assert running.web is not None
            base = f"http://127.0.0.1:{running.web.port}"
            assert (await client.get(f"{base}/web/")).status_code == 401
            assert (await client.get(f"{base}/web/static/style.css")).status_code == 200
            assert (await client.post(f"{base}/zalo", json={})).status_code == 403  # no secret
    finally:
        await fake.stop()
