"""The durable intake over HTTP: webhooks answer 200 only once the update is stored, a
redelivery is answered once and logged, an update id started again is a new update."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import logging
import time
from typing import Any

import pytest
from sqlalchemy import func, select, text, update

from storage.db import Database
from storage.models import ReceivedUpdate
from tests.e2e.conftest import WorldFactory
from tests.e2e.webhook_world import Hook, webhook_world
from tests.helpers import FixedClock

SECRET = "intake-S3cret_token-0123456789"
CHANNELS = ["telegram", "zalo"]
_ids = itertools.count(50_000)


def message(hook: Hook, sender: int, words: str, update_id: int | None = None) -> dict[str, Any]:
    """A private text message as the platform posts it to the webhook."""
    number = update_id if update_id is not None else next(_ids)
    if hook.telegram:
        user = {"id": sender, "is_bot": False, "first_name": "Lan"}
        return {"update_id": number, "message": {
            "message_id": number, "date": int(time.time()), "from": user, "text": words,
            "chat": {"id": sender, "type": "private"}}}
    user = {"id": f"{sender:x}", "display_name": "Lan"}
    return {"event_name": "message.text.received", "message": {
        "message_id": f"m{number:08x}", "from": user, "text": words,
        "chat": {"id": f"{sender:x}", "chat_type": "PRIVATE"}, "date": int(time.time() * 1000)}}


def answers(hook: Hook, sender: int, start: int = 0) -> list[Any]:
    """Messages the fake took for this sender's chat since call number `start`."""
    chat = str(sender) if hook.telegram else f"{sender:x}"
    return [c for c in hook.sent_since(start) if str(c.params["chat_id"]) == chat]


async def stored(db: Database) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(ReceivedUpdate)) or 0)


@pytest.mark.parametrize("name", CHANNELS)
async def test_webhook_answers_200_only_after_the_update_is_stored(
        name: str, demo_db: Database, clock: FixedClock) -> None:
    """With the store failing, the webhook says 503 (the platform retries), never 200."""
    async with webhook_world(name, demo_db, clock, SECRET) as hook:
        body = json.dumps(message(hook, 880_001, "xin chào")).encode()
        async with demo_db.engine.begin() as conn:
            await conn.execute(text("ALTER TABLE received_update RENAME TO received_away"))
        try:
            refused = await hook.post(body, SECRET)
        finally:
            async with demo_db.engine.begin() as conn:
                await conn.execute(text("ALTER TABLE received_away RENAME TO received_update"))
        assert refused == 503
        assert await stored(demo_db) == 0
        hook.errors.records.clear()  # the refused store, and the worker's failed reads
        assert await hook.post(body, SECRET) == 200  # the platform's retry
        assert await stored(demo_db) == 1  # already stored when the 200 came
        await hook.settle()
        assert len(answers(hook, 880_001)) == 1
        assert not hook.errors.records


@pytest.mark.parametrize("name", CHANNELS)
async def test_a_redelivered_update_is_answered_once_and_the_drop_logged(
        name: str, demo_db: Database, clock: FixedClock,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bot.channels.intake")
    async with webhook_world(name, demo_db, clock, SECRET) as hook:
        update = message(hook, 880_002, "Thôn Chợ thế nào?")
        body = json.dumps(update).encode()
        assert [await hook.post(body, SECRET) for _ in range(3)] == [200, 200, 200]
        await hook.settle()
        assert len(answers(hook, 880_002)) == 1
    drops = [r.getMessage() for r in caplog.records if "duplicate dropped" in r.getMessage()]
    key = str(update["update_id"]) if name == "telegram" else update["message"]["message_id"]
    assert len(drops) == 2 and all(f"update={key}" in line for line in drops), drops
    assert not any("Thôn Chợ" in r.getMessage() for r in caplog.records)


async def test_an_update_id_started_again_is_a_new_update(
        demo_db: Database, clock: FixedClock) -> None:
    """Telegram starts ids again (a week without updates, a new token or Bot API server):
    the same id with other content is new at once; after the window even the same body."""
    async with webhook_world("telegram", demo_db, clock, SECRET) as hook:
        first = message(hook, 880_003, "xin chào", update_id=77)
        again = message(hook, 880_003, "/trogiup", update_id=77)
        for update in (first, again):
            assert await hook.post(json.dumps(update).encode(), SECRET) == 200
            await hook.settle()
        assert len(answers(hook, 880_003)) == 2
        window = hook.channel.intake.window
        async with demo_db.transaction() as session:  # both rows are now older than the window
            await session.execute(update_all_received(dt.timedelta(hours=1) + window))
        start = len(hook.fake.calls)
        assert await hook.post(json.dumps(first).encode(), SECRET) == 200
        await hook.settle()
        assert len(answers(hook, 880_003, start)) == 1


def update_all_received(age: dt.timedelta) -> Any:
    """Every stored update received `age` ago."""
    return update(ReceivedUpdate).values(received_at=dt.datetime.now(dt.UTC) - age)


async def test_a_malformed_update_in_a_polled_batch_is_set_aside_and_later_ones_answered(
        make_world: WorldFactory, demo_db: Database,
        caplog: pytest.LogCaptureFixture) -> None:
    """Issue 11.8: python-telegram-bot cannot parse these two; they never block the batch."""
    caplog.set_level(logging.INFO)
    user = {"id": 880_004, "is_bot": False, "first_name": "Lan"}
    chat = {"id": 880_004, "type": "private"}
    async with make_world("telegram") as world:
        fake = world.fake
        no_instance = fake.update(callback_query={
            "id": "cb-x", "from": user, "data": "Phạm Thị Đéc",
            "message": {"message_id": 1, "date": int(time.time()), "chat": chat, "text": "…"}})
        bad_date = fake.update(message={"message_id": 2, "date": "hôm qua", "chat": chat,
                                        "from": user, "text": "hộ Phạm Thị Đéc thoát nghèo"})
        fake.text(user, "xin chào")
        await fake.wait_until(lambda: fake.sent(880_004))
        await world.channel.intake.settle()
    assert len(fake.sent(880_004)) == 1
    async with demo_db.session() as session:
        states = dict((await session.execute(
            select(ReceivedUpdate.update_id, ReceivedUpdate.state))).all())
    for bad in (no_instance, bad_date):
        assert states[str(bad["update_id"])] == "set_aside"
        [line] = [r.getMessage() for r in caplog.records
                  if f"set aside channel=telegram update={bad['update_id']} " in r.getMessage()]
        assert "reason=" in line
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "Phạm" not in logged and "hôm qua" not in logged
