"""The double-send window (issue 10.4): the platform took a send, the process died before the
ledger recorded it. No platform offers an idempotency key, so the window cannot be closed:
the ledger commits `sending` before the request goes out, and a restart finds the row there
and never sends it again (at most one copy; the admins are told it may be lost). Killed
deterministically: the fake takes the message and holds its answer until the kill."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import select

from storage.db import Database
from storage.models import Delivery
from tests.e2e.conftest import TOKENS
from tests.e2e.fake_telegram import FakeTelegram
from tests.e2e.test_kill import bot
from tests.helpers import login

LEADER, ADMIN, STRANGER = 7_200_000_001, 7_200_000_002, 7_200_000_003
DIGEST = ("digest", "send", "--period", "2024-Q3", "--kind", "leader_digest")
LEASE = {"DELIVERY_LEASE_MINUTES": "0.001"}  # the restart may take over at once


def digest_texts(fake: FakeTelegram, chat: int) -> list[str]:
    return [t for c in fake.sent(chat) if (t := str(c.params.get("text", "")))
            .startswith("Xã Cẩm Bình – quý 3/2024")]


async def test_a_digest_taken_by_the_platform_before_a_kill_is_never_sent_again(
        demo_db: Database, tmp_path: Path) -> None:
    fake = FakeTelegram(TOKENS["telegram"])
    api = await fake.start()
    await login(demo_db, "Đỗ Văn Liên", str(LEADER), "telegram")
    await login(demo_db, "admin", str(ADMIN), "telegram")
    log = tmp_path / "bot.log"
    fake.hold_next("sendMessage")
    try:
        async with bot(demo_db, api, log, *DIGEST, **LEASE) as first:
            await fake.wait_until(lambda: fake.held, timeout=60)
            first.kill()  # the platform has the digest; the ledger does not know
            await first.wait()
        assert len(digest_texts(fake, LEADER)) == 1
        async with bot(demo_db, api, log, *DIGEST, **LEASE) as second:
            await asyncio.wait_for(second.wait(), 60)
    finally:
        await fake.stop()
    output = log.read_text(errors="replace")
    assert second.returncode == 0, output
    assert len(digest_texts(fake, LEADER)) == 1, output  # at most one copy
    async with demo_db.session() as session:
        row = (await session.scalars(select(Delivery).where(
            Delivery.kind == "leader_digest"))).one()
    assert row.state == "failed" and row.reported_at is not None, (row.state, row.error)
    assert "maybe sent by a stopped process, not resent" in output
    told = " ".join(str(c.params.get("text", "")) for c in fake.sent(ADMIN))
    assert "Đỗ Văn Liên" in told and "có thể đã tới" in told, told


async def test_a_reply_taken_by_the_platform_before_a_kill_is_never_sent_again(
        demo_db: Database, tmp_path: Path) -> None:
    fake = FakeTelegram(TOKENS["telegram"])
    api = await fake.start()
    user = {"id": STRANGER, "is_bot": False, "first_name": "Người dùng"}
    log = tmp_path / "bot.log"
    fake.hold_next("sendMessage")
    try:
        async with bot(demo_db, api, log) as first:
            fake.text(user, "xin chào")
            await fake.wait_until(lambda: fake.held, timeout=60)
            first.kill()  # the platform has the answer; the intake does not know
            await first.wait()
        fake.text(user, "/trogiup")
        async with bot(demo_db, api, log):
            await fake.wait_until(lambda: len(fake.sent(STRANGER)) >= 2, timeout=60)
            await fake.wait_until(lambda: "not resent" in log.read_text(), timeout=30)
            await asyncio.sleep(2.0)  # a resent answer would have come by now (lease 1 s)
    finally:
        await fake.stop()
    output = log.read_text(errors="replace")
    answers = [str(c.params.get("text", "")) for c in fake.sent(STRANGER)]
    assert len(answers) == 2 and answers[0] != answers[1], answers  # hello once, help once
    assert "intake reply maybe sent by a stopped process, not resent channel=telegram" in output
    assert "xin chào" not in output
