"""Telegram adapter over HTTP: menu, buttons, retries, media, groups, webhook."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from telegram.error import NetworkError, TimedOut

from bot.channels.base import RecipientGone
from bot.channels.failures import from_telegram
from bot.channels.telegram import SECRET_HEADER
from messaging.failures import MaybeDelivered, NotSent
from messaging.messages import Button, Reply
from storage.db import Database
from tests.e2e.conftest import WorldFactory, with_leader
from tests.e2e.fake_telegram import buttons
from tests.e2e.scenario import LEADER, OFFICER, onboard, quick_report

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


async def test_command_menu_is_set_in_vietnamese(make_world: WorldFactory) -> None:
    async with make_world("telegram") as world:  # set in the background (issue 11)
        [call] = await world.fake.wait_until(lambda: world.fake.accepted("setMyCommands"))
    menu = {c["command"]: c["description"] for c in json.loads(call.params["commands"])}
    assert list(menu) == ["start", "baocao", "tinhhinh", "cho", "web", "toi", "huy", "trogiup"]
    assert menu["baocao"] == "Báo cáo thay đổi của hộ"


async def test_officer_confirms_from_the_notification_buttons(
        make_world: WorldFactory, demo_db: Database, clock: Callable[[], dt.datetime]) -> None:
    async with make_world("telegram") as world:
        driver = world.driver
        head, officer, _ = await onboard(driver, demo_db, clock())
        await quick_report(driver, head, officer)
        notice = world.fake.sent(officer.chat)[-1]
        assert [label for label, _ in buttons(notice)] == ["Đồng ý", "Không đồng ý"]
        await driver.press(officer, "Đồng ý")
        await driver.expect(officer, "Đã xác nhận")
        await driver.expect(head, f"Cán bộ {OFFICER} đã xác nhận")
        assert world.fake.accepted("answerCallbackQuery")


async def test_429_is_waited_out_and_sent_once(
        make_world: WorldFactory, demo_db: Database) -> None:
    async with with_leader(make_world, demo_db) as world:
        fake, driver = world.fake, world.driver
        leader = driver.person(LEADER, 2)
        fake.fail_next("sendMessage", 429, retry_after=1)
        started = time.monotonic()
        await driver.say(leader, "/toi")
        await driver.expect(leader, "Đỗ Văn Liên")
        assert time.monotonic() - started >= 1.0
        tries = [c for c in fake.calls if c.method == "sendMessage" and "Liên" in c.params["text"]]
        assert [c.accepted for c in tries[-2:]] == [False, True]


async def test_5xx_is_retried_without_doubling(
        make_world: WorldFactory, demo_db: Database) -> None:
    async with with_leader(make_world, demo_db) as world:
        fake, driver = world.fake, world.driver
        leader = driver.person(LEADER, 2)
        before = len(fake.sent(leader.chat))
        fake.fail_next("sendMessage", 502, times=2)
        await driver.say(leader, "/toi")
        await driver.expect(leader, "Đỗ Văn Liên")
        assert len(fake.sent(leader.chat)) == before + 1


def test_only_sends_that_surely_failed_are_retried() -> None:  # issue 11: one classifier
    refused = NetworkError("Bad Gateway")
    answer = (502, b'{"ok": false, "error_code": 502, "description": "Bad Gateway"}')
    try:
        raise TimedOut from httpx.ReadTimeout("read")
    except TimedOut as error:
        sent_maybe = error
    try:
        raise NetworkError("no route") from httpx.ConnectError("refused")
    except NetworkError as error:
        never_sent = error
    verdicts = [from_telegram("sendMessage", refused, [answer]),
                from_telegram("sendMessage", never_sent, []),
                from_telegram("sendMessage", sent_maybe, [])]
    assert [type(v) for v in verdicts] == [NotSent, NotSent, MaybeDelivered]
    assert verdicts[0].status == 502 and verdicts[0].transient


async def test_long_text_photo_document_and_buttons(
        make_world: WorldFactory, demo_db: Database) -> None:
    async with with_leader(make_world, demo_db) as world:
        fake, channel = world.fake, world.channel
        long = "\n".join(f"Dòng {n}: " + "x" * 90 for n in range(100))
        reply = Reply(long, buttons=[[Button("Một", "u:1")]], image=PNG,
                      document=("bao-cao.xlsx", b"PK\x03\x04data"))
        await channel.send("7000000002", reply)
        calls = fake.sent(7_000_000_002)[-5:]
        assert [c.method for c in calls] == ["sendMessage", "sendMessage", "sendMessage",
                                             "sendPhoto", "sendDocument"]  # text first
        assert calls[3].files["photo"] == PNG
        texts = [c.params["text"] for c in calls[:3]]
        assert "\n".join(texts) == long and all(len(t) <= 4096 for t in texts)
        assert [bool(buttons(c)) for c in calls[:3]] == [False, False, True]
        assert calls[4].files["document"] == b"PK\x03\x04data"


async def test_oversized_callback_data_falls_back_to_numbers(
        make_world: WorldFactory, demo_db: Database) -> None:
    async with with_leader(make_world, demo_db) as world:
        fake, channel = world.fake, world.channel
        await channel.send("7000000002", Reply("Chọn:", buttons=[[Button("A", "x" * 65)]]))
        [call] = fake.sent(7_000_000_002)[-1:]
        assert call.params["text"] == "Chọn:\n1. A" and not buttons(call)


async def test_group_answers_questions_but_takes_no_reports(
        make_world: WorldFactory, demo_db: Database) -> None:
    async with with_leader(make_world, demo_db) as world:
        fake, leader = world.fake, world.driver.person(LEADER, 2)
        group = {"id": -100_555, "type": "supergroup", "title": "BCĐ xã Cẩm Bình"}
        fake.text(leader.account, "hộ bà Phạm Thị Đéc thoát nghèo", chat=group)  # chatter
        fake.text(leader.account, "/tinhhinh Thôn Chợ", chat=group)
        await fake.wait_until(lambda: fake.sent(-100_555))
        fake.text(leader.account, "/baocao", chat=group)
        await fake.wait_until(lambda: len(fake.sent(-100_555)) == 2)
        first, second = (c.params["text"] for c in fake.sent(-100_555))
    assert "Hộ nghèo: đã giảm" in first
    assert "chỉ nhận trong tin nhắn riêng" in second and not fake.sent(leader.chat)


async def test_webhook_checks_the_secret(make_world: WorldFactory, demo_db: Database,
                                         clock: Callable[[], dt.datetime]) -> None:
    async with make_world("telegram", telegram_webhook_url="https://bot.example.vn/tg/hook",
                          telegram_webhook_secret="s3cret-TOKEN") as world:
        [hook] = await world.fake.wait_until(lambda: world.fake.accepted("setWebhook"))
        assert hook.params["url"] == "https://bot.example.vn/tg/hook"
        assert hook.params["secret_token"] == "s3cret-TOKEN"
        assert not world.fake.accepted("getUpdates")
        user = {"id": 7_000_000_009, "is_bot": False, "first_name": "Lạ"}
        message = {"message_id": 1, "date": int(time.time()), "from": user, "text": "hi",
                   "chat": {"id": user["id"], "type": "private"}}
        update: dict[str, Any] = {"update_id": 1, "message": message}
        url = f"http://127.0.0.1:{world.web_port}/tg/hook"
        async with httpx.AsyncClient() as client:
            bad = await client.post(url, json=update, headers={SECRET_HEADER: "wrong"})
            for _ in range(2):  # Telegram redelivers when it did not see our 200 in time
                good = await client.post(url, json=update,
                                         headers={SECRET_HEADER: "s3cret-TOKEN"})
            update["update_id"], update["message"]["text"] = 2, "/trogiup"
            await client.post(url, json=update, headers={SECRET_HEADER: "s3cret-TOKEN"})
        assert (bad.status_code, good.status_code) == (403, 200)
        await world.fake.wait_until(lambda: len(world.fake.sent(user["id"])) >= 2)
        assert len(world.fake.sent(user["id"])) == 2
        assert "chưa được đăng ký" in world.fake.sent(user["id"])[0].params["text"]


async def test_blocked_chat_is_reported_as_gone(
        make_world: WorldFactory, demo_db: Database) -> None:
    async with with_leader(make_world, demo_db) as world:
        world.fake.fail_next("sendMessage", 403)
        with pytest.raises(RecipientGone):
            await world.channel.send("7000000002", Reply("Nhắc báo cáo quý"))
