"""Property test: random and malformed platform updates, POSTed to the real webhooks.

Telegram and Zalo as production runs them (tornado web server, secret header, the real
adapters, python-telegram-bot's Application) against the fake Bot API servers. For every
batch: the webhook never answers 500, nothing is logged at ERROR (no crash in an adapter,
the dispatcher or PTB's error handler), a wrong secret is refused unhandled, every private
message or button press is dispatched once and each of its replies reaches the fake, and
updates the bot does not answer (edits, channel posts, group chatter, bots) are not dispatched.
"""

from __future__ import annotations

import json
import logging
import os
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.channels import zalo
from bot.web import WebServer
from messaging.messages import IncomingMessage, Reply
from storage.db import Database
from tests.e2e.conftest import WorldFactory
from tests.e2e.conftest import make_world as make_world  # the fixture
from tests.e2e.webhook_world import Errors, Hook, pieces, webhook_world
from tests.helpers import FixedClock, login
from tests.update_strategies import (
    ANSWER,
    ANY,
    IGNORE,
    broken,
    garbage_bodies,
    telegram_updates,
    wrong_secrets,
    zalo_updates,
)

EXAMPLES = int(os.environ.get("UPDATE_FUZZ_EXAMPLES", "200"))  # batches per platform and engine
SECRET = "fuzz-S3cret_token-0123456789"
PEOPLE = {"Bùi Thị Minh": 1, "Đỗ Văn Liên": 2}  # a village head and the commune leader
TG_USERS = [7_000_000_000 + n for n in PEOPLE.values()]
ZALO_USERS = [f"{0x5A10_0000_0000 + n:x}" for n in PEOPLE.values()]
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large])


Post = tuple[str, Any, str, str | None]  # kind (update, garbage), body, expectation, secret


async def play_batch(hook: Hook, batch: list[Post]) -> None:
    """POST the batch, wait for the bot, check statuses, logs, dispatches and sends."""
    hook.errors.records.clear()
    handled_before, calls_before = len(hook.recorder.handled), len(hook.fake.calls)
    statuses = []
    for kind, body, _, secret in batch:
        raw = body if kind == "garbage" else json.dumps(body).encode()
        statuses.append(await hook.post(raw, secret))
    await hook.settle()
    assert not hook.errors.records, [r.getMessage() for r in hook.errors.records]
    for (kind, _, expect, secret), status in zip(batch, statuses, strict=True):
        if secret != SECRET:
            assert status == 403
        elif kind == "garbage":
            assert status == 400
        else:
            assert status in ((200,) if expect in (ANSWER, IGNORE) else (200, 400)), status
    handled = hook.recorder.handled[handled_before:]
    check_dispatches(hook, batch, handled)
    expected: Counter[str] = Counter()
    for message, replies in handled:
        for reply in replies:
            if reply.to is None or reply.to.channel == hook.name:
                expected[reply.to.chat_id if reply.to else message.chat_id] += pieces(hook, reply)
    got = Counter(str(c.params["chat_id"]) for c in hook.sent_since(calls_before))
    assert got == expected


def check_dispatches(hook: Hook, batch: list[Post],
                     handled: list[tuple[IncomingMessage, list[Reply]]]) -> None:
    """Answered updates: dispatched once with replies; ignored or refused: not at all."""
    answered = Counter((m.update_key, m.chat_id) for m, replies in handled if replies)
    seen = Counter(m.update_key for m, _ in handled)
    for kind, body, expect, secret in batch:
        if kind == "garbage" or expect == ANY:
            continue
        key = update_key(hook, body)
        if secret != SECRET or expect == IGNORE:
            assert seen[key] == 0, (key, expect, secret)
        else:
            assert answered[key, answer_chat(hook, body)] == 1, (key, body)


def update_key(hook: Hook, update: dict[str, Any]) -> str:
    """The platform id the adapter records an update under."""
    if hook.name == "telegram":
        return str(update["update_id"])
    return f"m{update['message']['message_id']}"


def answer_chat(hook: Hook, update: dict[str, Any]) -> str:
    """The chat a well-formed message or button press is answered in."""
    if hook.name == "zalo":
        return str(update["message"]["chat"]["id"])
    if "callback_query" in update:  # in the chat of the message, else the presser's own
        query = update["callback_query"]
        return str(query["message"]["chat"]["id"] if "message" in query else query["from"]["id"])
    return str(update["message"]["chat"]["id"])


@st.composite
def batches(draw: st.DrawFn,
            well_formed: st.SearchStrategy[tuple[dict[str, Any], str]]) -> list[Post]:
    """One to five posts: mostly well-formed updates, some broken, garbage or wrongly signed;
    sometimes a well-formed update delivered again (the platform's retry)."""
    secrets = st.one_of(st.just(SECRET), st.just(SECRET), st.just(SECRET), wrong_secrets(SECRET))
    posts: list[Post] = []
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["update", "update", "update", "broken", "garbage"]))
        secret = draw(secrets)
        if kind == "update":
            update, expect = draw(well_formed)
            posts.append(("update", update, expect, secret))
        elif kind == "broken":
            posts.append(("update", draw(broken(well_formed)), ANY, secret))
        else:
            posts.append(("garbage", draw(garbage_bodies()), ANY, secret))
    again = [p for p in posts if p[0] == "update" and p[2] != ANY and p[3] == SECRET]
    if again and draw(st.booleans()):
        posts.append((again[0][0], again[0][1], ANY, SECRET))  # must not be answered twice
    return posts


@pytest.fixture
async def telegram_hook(demo_db: Database, clock: FixedClock) -> AsyncIterator[Hook]:
    """Telegram behind its webhook; the head and the leader are registered."""
    for name, number in PEOPLE.items():
        await login(demo_db, name, str(7_000_000_000 + number), "telegram")
    async with webhook_world("telegram", demo_db, clock, SECRET) as hook:
        yield hook


@pytest.fixture
async def zalo_hook(demo_db: Database, clock: FixedClock) -> AsyncIterator[Hook]:
    """Zalo behind its webhook; the head and the leader are registered."""
    for name, number in PEOPLE.items():
        await login(demo_db, name, f"{0x5A10_0000_0000 + number:x}", "zalo")
    async with webhook_world("zalo", demo_db, clock, SECRET) as hook:
        yield hook


PRIVATE = {"id": 7_000_000_009, "type": "private", "first_name": "A"}
FOUND_TELEGRAM: list[Post] = [  # crashed the adapter or the dispatcher before they were fixed
    ("update", {"update_id": 9_000_000_001, "callback_query": {  # no "from"
        "id": "cb1", "chat_instance": "ci", "data": "u:1",
        "message": {"message_id": 1, "date": 1, "chat": PRIVATE}}}, ANY, SECRET),
    ("update", {"update_id": 9_000_000_002, "message": {  # text of the wrong type
        "message_id": 2, "date": 1, "chat": PRIVATE, "text": 5,
        "from": {"id": 7_000_000_009, "is_bot": False, "first_name": "A"}}}, ANY, SECRET),
    ("update", {"update_id": 9_000_000_003, "message": {  # no chat
        "message_id": 4, "date": 1, "text": "/toi",
        "from": {"id": 7_000_000_009, "is_bot": False, "first_name": "A"}}}, ANY, SECRET),
    ("update", {"update_id": 9_000_000_004, "callback_query": {  # its message has no chat
        "id": "cb2", "chat_instance": "ci", "data": "u:1", "message": {"message_id": 1, "date": 1},
        "from": {"id": 7_000_000_009, "is_bot": False, "first_name": "A"}}}, ANY, SECRET),
    ("update", {"update_id": 9_000_000_005, "message": {  # stopped PTB's update fetcher
        "message_id": 5, "date": 1, "text": "/toi", "chat": {"id": [1], "type": "private"},
        "from": {"id": 7_000_000_009, "is_bot": False, "first_name": "A"}}}, ANY, SECRET),
    ("update", {"update_id": 9_000_000_006, "message": {  # ... so this went unanswered
        "message_id": 6, "date": 1, "text": "/toi", "chat": PRIVATE,
        "from": {"id": 7_000_000_009, "is_bot": False, "first_name": "A"}}}, ANSWER, SECRET),
    ("update", {"update_id": 9_000_000_007, "callback_query": {  # id null: PTB drops the
        "id": None, "chat_instance": "ci", "data": "u:1",  # parameter, so the spinner call
        "message": {"message_id": 1, "date": 1, "chat": PRIVATE},  # had no callback_query_id
        "from": {"id": 7_000_000_009, "is_bot": False, "first_name": "A"}}}, ANY, SECRET),
    ("update", {"update_id": 10**70, "message": {  # ids too long to keep (PostgreSQL failed)
        "message_id": 3, "date": 1, "chat": {"id": -(10**70), "type": "private"}, "text": "/toi",
        "from": {"id": 10**70, "is_bot": False, "first_name": "A"}}}, ANY, SECRET),
]
ZALO_MESSAGE = {"message_id": "mz1", "date": 1, "from": {"id": "ab"}, "chat": {"id": "ab"}}
FOUND_ZALO: list[Post] = [
    ("update", {"event_name": "message.text.received", "message": 7}, ANY, SECRET),
    ("update", {"event_name": "message.text.received",
                "message": ZALO_MESSAGE | {"date": 10**20}}, ANY, SECRET),
    ("update", {"event_name": "message.text.received",  # too long to keep (PostgreSQL failed)
                "message": ZALO_MESSAGE | {"message_id": "f" * 200, "chat": {"id": "c" * 100},
                                           "from": {"id": "c" * 100}}}, ANY, SECRET),
]


@SETTINGS
@given(batch=batches(telegram_updates(TG_USERS)))
@example(batch=FOUND_TELEGRAM)
async def test_telegram_webhook_takes_any_update(telegram_hook: Hook, batch: list[Post]) -> None:
    """Random, malformed and forged Telegram updates: no 500, no crash, answers exactly once."""
    await play_batch(telegram_hook, batch)
    presses = [b["callback_query"]["id"] for k, b, e, s in batch
               if e == ANSWER and s == SECRET and "callback_query" in b]
    answers = [c.params for c in telegram_hook.fake.calls if c.method == "answerCallbackQuery"]
    assert all(a.get("callback_query_id") for a in answers), answers  # never for no query
    assert set(presses) <= {a["callback_query_id"] for a in answers}  # every spinner stopped


@SETTINGS
@given(batch=batches(zalo_updates(ZALO_USERS)))
@example(batch=FOUND_ZALO)
async def test_zalo_webhook_takes_any_update(zalo_hook: Hook, batch: list[Post]) -> None:
    """Random, malformed and forged Zalo updates: no 500, no crash, answers exactly once."""
    await play_batch(zalo_hook, batch)


async def test_zalo_polling_skips_malformed_results(make_world: WorldFactory) -> None:
    """getUpdates answering odd results (not an object, no message): skipped, the next
    update is answered, nothing crashes."""
    errors = Errors()
    logging.getLogger().addHandler(errors)
    try:
        async with make_world("zalo") as world:
            fake, person = world.fake, world.driver.person("Lạ", 9)
            fake.updates.extend([7, "update", [3], {"message": 5}, {"event_name": 1},
                                 fake.make(person.account, "xin chào")])
            fake.push()
            await fake.wait_until(lambda: fake.sent(person.chat))
    finally:
        logging.getLogger().removeHandler(errors)
    assert not errors.records, [r.getMessage() for r in errors.records]


async def test_deeply_nested_json_is_refused_not_a_500() -> None:
    """Garbage nested deeper than the JSON parser recurses: 400 like any garbage."""
    taken: list[dict[str, Any]] = []

    async def sink(update: dict[str, Any]) -> None:
        taken.append(update)

    web = WebServer("127.0.0.1", 0)
    web.add_webhook("/hook", zalo.SECRET_HEADER, SECRET, sink)
    await web.start()
    try:
        async with httpx.AsyncClient() as client:
            response = await client.post(f"http://127.0.0.1:{web.port}/hook",
                                         content=b"[" * 100_000,
                                         headers={zalo.SECRET_HEADER: SECRET})
    finally:
        await web.stop()
    assert response.status_code == 400 and not taken
