"""Two real bot processes behind one webhook, on one PostgreSQL database (issue 6, part 3).

The "webhook" is this test: it posts every update to both processes (a redelivery that
reaches the other process), and a conversation's steps alternate between them.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from bot.channels.telegram import SECRET_HEADER
from storage.db import Database
from storage.models import Household, StatusChange
from tests.e2e.conftest import TOKENS, free_port
from tests.e2e.fake_telegram import FakeTelegram, buttons
from tests.helpers import login

HEAD = "Bùi Thị Minh"  # village head of Thôn Chợ (Cẩm Bình)
CHAT = 7_000_000_101
SECRET = "multi-process-SECRET"
PG_ONLY = pytest.mark.parametrize(
    "demo_db", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)


@contextlib.asynccontextmanager
async def bot_process(db: Database, api: str, port: int) -> AsyncIterator[str]:
    """`python -m bot run` in webhook mode on `port`; yields its webhook URL."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "ZALO_", "WEB_", "PUBLIC_BASE_URL"))}
    env |= {"DATABASE_URL": db.url, "TELEGRAM_BOT_TOKEN": TOKENS["telegram"],
            "TELEGRAM_API_BASE_URL": api, "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "TELEGRAM_WEBHOOK_URL": "https://bot.example.vn/telegram", "WEB_PORT": str(port),
            "LOG_LEVEL": "WARNING"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, cwd=Path(__file__).parents[1])
    try:
        yield f"http://127.0.0.1:{port}/telegram"
    finally:
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 10)
        except TimeoutError:
            process.kill()
            await process.wait()


def _text(update_id: int, text: str) -> dict[str, Any]:
    user = {"id": CHAT, "is_bot": False, "first_name": "Minh"}
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": int(time.time()), "from": user, "text": text,
        "chat": {"id": CHAT, "type": "private"}}}


def _press(update_id: int, data: str) -> dict[str, Any]:
    user = {"id": CHAT, "is_bot": False, "first_name": "Minh"}
    return {"update_id": update_id, "callback_query": {
        "id": f"cb{update_id}", "from": user, "chat_instance": "ci", "data": data,
        "message": {"message_id": 1, "date": int(time.time()), "text": "…",
                    "chat": {"id": CHAT, "type": "private"}}}}


class Webhook:
    """Posts updates to the processes, and waits for the fake to receive the answers."""

    def __init__(self, fake: FakeTelegram, client: httpx.AsyncClient) -> None:
        self.fake, self.client = fake, client

    async def post(self, url: str, update: dict[str, Any]) -> None:
        """Deliver one update to one process, as Telegram's webhook would."""
        answer = await self.client.post(url, json=update, headers={SECRET_HEADER: SECRET})
        assert answer.status_code == 200

    async def replies(self, containing: str, count: int = 1) -> list[Any]:
        """Wait until `count` messages to the chat contain `containing`."""
        def found() -> list[Any]:
            calls = [c for c in self.fake.sent(CHAT) if containing in c.params.get("text", "")]
            return calls if len(calls) >= count else []
        return list(await self.fake.wait_until(found, timeout=15))


async def _ready(client: httpx.AsyncClient, fake: FakeTelegram, urls: list[str]) -> None:
    await fake.wait_until(lambda: len(fake.accepted("setWebhook")) == len(urls), timeout=20)
    for url in urls:
        health = url.replace("/telegram", "/healthz")
        assert (await client.get(health)).status_code == 200


@PG_ONLY
async def test_two_processes_apply_each_update_once_and_share_the_conversation(
        demo_db: Database) -> None:
    """A report begun on A and confirmed on B; every update also reaches the other one."""
    await login(demo_db, HEAD, str(CHAT), "telegram")
    before = await _reports_of(demo_db, "Phạm Thị Đéc")
    fake = FakeTelegram(TOKENS["telegram"])
    api = await fake.start()
    try:
        async with asyncio.timeout(30), httpx.AsyncClient(timeout=5) as client, \
                bot_process(demo_db, api, free_port()) as a, \
                bot_process(demo_db, api, free_port()) as b:
            await _ready(client, fake, [a, b])
            hook = Webhook(fake, client)
            step1 = _text(1, "hộ bà Phạm Thị Đéc thoát nghèo")
            await hook.post(a, step1)
            [asked] = await hook.replies("Thay đổi: Thoát nghèo hẳn")
            await hook.post(b, step1)  # redelivered to the other process
            [confirm] = [data for label, data in buttons(asked) if label == "Xác nhận"]
            step2 = _press(2, confirm)
            await hook.post(b, step2)  # step 2 on B continues step 1 handled by A
            await hook.replies("Đã lưu báo cáo số")
            await hook.post(a, step2)
            both = _text(3, "/trogiup")  # the same update to both at once
            await asyncio.gather(hook.post(a, both), hook.post(b, both))
            for process, update_id in ((a, 4), (b, 5)):  # updates are handled in order:
                await hook.post(process, _text(update_id, "/toi"))  # after these, all are
            await fake.wait_until(lambda: len(fake.sent(CHAT)) >= 5, timeout=15)
            await asyncio.sleep(0.5)  # a doubled answer would arrive about now
        sent = [c.params["text"] for c in fake.sent(CHAT)]
    finally:
        await fake.stop()
    assert sum("Thay đổi: Thoát nghèo hẳn" in t for t in sent) == 1, sent
    assert sum("Đã lưu báo cáo số" in t for t in sent) == 1, sent
    assert len(sent) == 5, sent  # one reply per update: 1, 2, 3 (twice delivered), 4, 5
    assert await _reports_of(demo_db, "Phạm Thị Đéc") == before + 1


async def _reports_of(db: Database, head: str) -> int:
    async with db.session() as session:
        return int(await session.scalar(
            select(func.count()).select_from(StatusChange).join(Household)
            .where(Household.head_name == head)) or 0)
