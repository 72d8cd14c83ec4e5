"""Zalo adapter over HTTP: retries, long text, photos by expiring link, webhook, events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import httpx
import pytest

from bot.channels.base import RetryAfter
from bot.channels.zalo import SECRET_HEADER
from bot.web import MediaStore
from messaging.messages import Reply
from messaging.render import render
from storage.db import Database
from tests.e2e.conftest import WorldFactory, free_port, with_leader
from tests.e2e.fake_zalo import FakeZalo
from tests.e2e.scenario import LEADER, onboard, quick_report

PNG = b"\x89PNG\r\n\x1a\n" + b"1" * 64
LEADER_CHAT = f"{0x5A10_0000_0000 + 2:x}"


def texts(fake: FakeZalo, chat: str = LEADER_CHAT) -> list[str]:
    """Texts the fake accepted for one chat."""
    return [c.params["text"] for c in fake.sent(chat)]


@pytest.mark.parametrize("status", [429, 503])
async def test_refusals_are_retried_and_sent_once(
        status: int, make_world: WorldFactory, demo_db: Database) -> None:
    async with with_leader(make_world, demo_db, "zalo") as world:
        fake, leader = world.fake, world.driver.person(LEADER, 2)
        fake.fail_next("sendMessage", status, times=2, retry_after=None)
        await world.driver.say(leader, "/toi")
        await world.driver.expect(leader, "Đỗ Văn Liên")
        tries = [c.accepted for c in fake.calls if c.method == "sendMessage"]
    assert tries == [False, False, True]


async def test_a_send_that_may_have_arrived_is_not_repeated(
        make_world: WorldFactory, demo_db: Database) -> None:
    async with with_leader(make_world, demo_db, "zalo") as world:
        fake, leader = world.fake, world.driver.person(LEADER, 2)
        world.channel.api._client.timeout = httpx.Timeout(0.3)
        fake.slow_next("sendMessage", 0.6)  # Zalo took it, but answers after our timeout
        await world.driver.say(leader, "/toi")
        await fake.wait_until(lambda: any(c.method == "sendMessage" for c in fake.calls))
        await world.driver.say(leader, "/trogiup")
        await world.driver.expect(leader, "Anh/chị có thể")
    assert sum("Đỗ Văn Liên" in c.params["text"] for c in fake.calls
               if c.method == "sendMessage") == 1


async def test_long_text_is_split_under_2000(make_world: WorldFactory, demo_db: Database) -> None:
    async with with_leader(make_world, demo_db, "zalo") as world:
        long = "\n".join(f"Hộ {n}: " + "y" * 120 for n in range(40))
        await world.channel.send(LEADER_CHAT, Reply(long))
        sent = texts(world.fake)
    assert len(sent) == 3 and all(len(t) <= 2000 for t in sent) and "\n".join(sent) == long


async def test_photo_goes_by_expiring_link(make_world: WorldFactory, demo_db: Database) -> None:
    port = free_port()
    async with with_leader(make_world, demo_db, "zalo", web_port=port,
                           public_base_url=f"http://127.0.0.1:{port}") as world:
        await world.channel.send(LEADER_CHAT, Reply("Biểu đồ Thôn Chợ", image=PNG))
        [photo] = world.fake.sent(LEADER_CHAT, "sendPhoto")
        url = photo.params["photo"]
        async with httpx.AsyncClient() as client:
            image = await client.get(url)
            guessed = await client.get(f"http://127.0.0.1:{port}/media/not-a-key")
    assert image.content == PNG and image.headers["content-type"] == "image/png"
    assert guessed.status_code == 404 and len(url.rsplit("/", 1)[1]) >= 40
    assert texts(world.fake) == ["Biểu đồ Thôn Chợ"]


async def test_photo_without_public_url_falls_back_to_text(
        make_world: WorldFactory, demo_db: Database) -> None:
    async with with_leader(make_world, demo_db, "zalo") as world:
        await world.channel.send(LEADER_CHAT, Reply("Biểu đồ", image=PNG))
        assert not world.fake.sent(LEADER_CHAT, "sendPhoto")
        assert texts(world.fake) == ["Biểu đồ\n" + render("channel_no_image")]


def test_media_links_expire() -> None:
    now = [100.0]
    store = MediaStore("https://bot.example.vn/", ttl=3600, clock=lambda: now[0])
    key = store.put(PNG).rsplit("/", 1)[1]
    assert store.get(key) == PNG
    now[0] += 3601
    assert store.get(key) is None


async def test_webhook_checks_the_secret_and_applies_once(
        make_world: WorldFactory, demo_db: Database) -> None:
    async with with_leader(make_world, demo_db, "zalo", zalo_webhook_secret="zalo-s3cret",
                           zalo_webhook_url="https://bot.example.vn/zalo/hook") as world:
        fake, leader = world.fake, world.driver.person(LEADER, 2)
        await fake.wait_until(lambda: fake.webhook)  # set in the background (issue 11)
        assert fake.webhook == {"url": "https://bot.example.vn/zalo/hook",
                                "secret_token": "zalo-s3cret"}
        assert not fake.accepted("getUpdates")
        update = fake.make(leader.account, "/toi")
        url = f"http://127.0.0.1:{world.web_port}/zalo/hook"
        async with httpx.AsyncClient() as client:
            bad = await client.post(url, json=update, headers={SECRET_HEADER: "nope"})
            for _ in range(2):
                good = await client.post(url, json=update, headers={SECRET_HEADER: "zalo-s3cret"})
            await client.post(url, json=fake.make(leader.account, "/trogiup"),
                              headers={SECRET_HEADER: "zalo-s3cret"})
        await fake.wait_until(lambda: len(texts(fake)) >= 2)
        assert (bad.status_code, good.status_code) == (403, 200)
        assert len(texts(fake)) == 2 and "Đỗ Văn Liên" in texts(fake)[0]


async def test_groups_get_answers_to_commands_only(
        make_world: WorldFactory, demo_db: Database) -> None:
    async with with_leader(make_world, demo_db, "zalo") as world:
        fake, leader = world.fake, world.driver.person(LEADER, 2)
        sticker = "message.sticker.received"
        fake.updates.append(fake.make(leader.account, "", event=sticker, group="9a9a"))
        fake.updates.append(fake.make(leader.account, "chào cả nhà", group="9a9a"))
        fake.updates.append(fake.make(leader.account, "", event=sticker))
        fake.updates.append(fake.make(leader.account, "/tinhhinh Thôn Chợ", group="9a9a"))
        fake.push()
        await fake.wait_until(lambda: texts(fake) and texts(fake, "9a9a"))
        [answer] = texts(fake, "9a9a")
        assert "Hộ nghèo: đã giảm" in answer and len(texts(fake)) == 1


async def test_officer_answers_the_notification_by_number(
        make_world: WorldFactory, demo_db: Database, clock: Callable[[], dt.datetime]) -> None:
    async with make_world("zalo") as world:
        head, officer, _ = await onboard(world.driver, demo_db, clock())
        await quick_report(world.driver, head, officer)
        await world.driver.press(officer, "Đồng ý")
        await world.driver.expect(officer, "Đã xác nhận", timeout=1.5)


async def test_lasting_429_is_handed_to_the_scheduler(
        make_world: WorldFactory, demo_db: Database) -> None:
    async with with_leader(make_world, demo_db, "zalo") as world:
        world.fake.fail_next("sendMessage", 429, times=4, retry_after=None)
        with pytest.raises(RetryAfter):
            await world.channel.send(LEADER_CHAT, Reply("Nhắc báo cáo quý"))
        assert not world.fake.sent(LEADER_CHAT)
