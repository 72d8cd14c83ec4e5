"""Group chats over HTTP: figures stay in the group, everything personal goes private.

The real python-telegram-bot Application (and the real Zalo client) against the fake Bot
APIs, with updates from chats of type `group` and `supergroup` (Zalo: `GROUP`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select, update

from storage.db import Database
from storage.models import ChatIdentity, Household, Unit
from tests.e2e.conftest import WorldFactory
from tests.e2e.drivers import Person
from tests.e2e.fake_telegram import FakeTelegram, buttons
from tests.e2e.scenario import invite, onboard, quick_report

GROUP_ID = -100_555
KINDS = ["group", "supergroup"]
PERSONAL = ("Phạm Thị Đéc", "Đồng ý", "Không đồng ý", "/start")


def group_chat(kind: str) -> dict[str, Any]:
    """A Telegram group or supergroup the bot was added to."""
    return {"id": GROUP_ID if kind == "supergroup" else -555, "type": kind,
            "title": "BCĐ xã Cẩm Bình"}


def group_sends(fake: FakeTelegram, chat: dict[str, Any]) -> list[str]:
    """What the group saw; no keyboard may reach it."""
    calls = fake.sent(chat["id"])
    assert not any(buttons(call) for call in calls), "a button was posted to the group"
    return [str(call.params.get("text")) for call in calls]


async def in_group(fake: FakeTelegram, person: Person, chat: dict[str, Any], text: str,
                   answers: int) -> str:
    """Say `text` in the group as `person`; the group's `answers`-th message."""
    fake.text(person.account, text, chat=chat)
    await fake.wait_until(lambda: len(fake.sent(chat["id"])) >= answers)
    return group_sends(fake, chat)[answers - 1]


@pytest.mark.parametrize("kind", KINDS)
async def test_pending_reports_and_households_go_to_the_private_chat(
        kind: str, make_world: WorldFactory, demo_db: Database,
        clock: Callable[[], dt.datetime]) -> None:
    async with make_world("telegram") as world:
        fake, driver, chat = world.fake, world.driver, group_chat(kind)
        head, officer, leader = await onboard(driver, demo_db, clock())
        number = await quick_report(driver, head, officer)
        driver._mark(officer)
        note = await in_group(fake, officer, chat, "/cho", 1)
        assert note.startswith("Đã gửi riêng cho anh/chị")
        listing = await driver.expect(officer, "đang chờ xác nhận")
        assert "Phạm Thị Đéc" in listing
        await driver.press(officer, f"Đồng ý số {number}")  # in her private chat
        await driver.expect(officer, "Đã xác nhận")
        driver._mark(officer)
        note = await in_group(fake, officer, chat, "/tinhhinh hộ Phạm Thị Đéc", 2)
        assert note.startswith("Đã gửi riêng cho anh/chị")
        await driver.expect(officer, "Phạm Thị Đéc")
        figures = await in_group(fake, leader, chat, "/tinhhinh Thôn Chợ", 3)
        assert "Hộ nghèo: đã giảm 1/7" in figures
        sent = group_sends(fake, chat)
    assert not [text for text in sent for word in PERSONAL if word in text]


@pytest.mark.parametrize("kind", KINDS)
async def test_a_code_works_only_in_a_private_chat(
        kind: str, make_world: WorldFactory, demo_db: Database,
        clock: Callable[[], dt.datetime]) -> None:
    async with make_world("telegram") as world:
        fake, driver, chat = world.fake, world.driver, group_chat(kind)
        head, officer = driver.person("Bùi Thị Minh", 0), driver.person("Đỗ Thị Nga", 1)
        for person in (head, officer):
            code = await invite(demo_db, person.name, clock())
            refusal = await in_group(fake, person, chat, f"/start {code}", 1 + (person is officer))
            assert "chỉ dùng trong tin nhắn riêng" in refusal
            await driver.say(person, f"/start {code}")  # the same code, privately
            await driver.expect(person, "Đã kích hoạt")
        await quick_report(driver, head, officer)  # the notification: her private chat
        await fake.wait_until(lambda: len(fake.sent(officer.chat)) >= 2)
        assert len(group_sends(fake, chat)) == 2


@pytest.mark.parametrize("kind", KINDS)
async def test_without_a_private_chat_the_group_gets_a_note(
        kind: str, make_world: WorldFactory, demo_db: Database,
        clock: Callable[[], dt.datetime]) -> None:
    async with make_world("telegram") as world:
        fake, driver, chat = world.fake, world.driver, group_chat(kind)
        head, officer, _ = await onboard(driver, demo_db, clock())
        await quick_report(driver, head, officer)
        async with demo_db.session() as session, session.begin():  # a link 0007 cleared
            await session.execute(update(ChatIdentity).where(
                ChatIdentity.external_id == str(officer.chat)).values(chat_id=None,
                                                                      chat_type=None))
        before = len(fake.sent(officer.chat))
        note = await in_group(fake, officer, chat, "/cho", 1)
        assert "mở trò chuyện riêng với bot" in note
        assert len(fake.sent(officer.chat)) == before


async def test_moving_an_account_asks_first(
        make_world: WorldFactory, demo_db: Database, clock: Callable[[], dt.datetime]) -> None:
    async with make_world("telegram") as world:
        driver = world.driver
        _, officer, leader = await onboard(driver, demo_db, clock())
        await driver.say(officer, f"/start {await invite(demo_db, leader.name, clock())}")
        await driver.expect(officer, "Tài khoản này đang gắn với")
        await driver.press(officer, "Giữ nguyên")
        await driver.expect(officer, "Mã vẫn còn dùng được")
        await driver.say(officer, "/toi")
        await driver.expect(officer, "Đỗ Thị Nga")
        await driver.say(officer, f"/start {await invite(demo_db, leader.name, clock())}")
        await driver.press(officer, "Chuyển sang người mới")
        welcome = await driver.expect(officer, "Đã kích hoạt")
        assert "Đỗ Văn Liên" in welcome and "không còn gắn với" in welcome


async def test_forged_household_buttons_get_one_answer(
        make_world: WorldFactory, demo_db: Database, clock: Callable[[], dt.datetime]) -> None:
    async with demo_db.session() as session:
        elsewhere = await session.scalar(
            select(Household.id).join(Unit, Unit.id == Household.village_id)
            .where(Unit.name_key != "cho").order_by(Household.id))
        last = await session.scalar(select(Household.id).order_by(Household.id.desc()))
    assert elsewhere is not None and last is not None
    async with make_world("telegram") as world:
        fake, driver = world.fake, world.driver
        head, _, _ = await onboard(driver, demo_db, clock())
        answers = []
        for data in (f"h:{elsewhere}", f"h:{last + 1}", "h:" + "9" * 40):
            count = len(fake.sent(head.chat))
            fake.press(head.account, data)
            await fake.wait_until(lambda n=count: len(fake.sent(head.chat)) > n)
            answers.append(fake.sent(head.chat)[-1].params["text"])
    assert len(set(answers)) == 1 and "không thuộc phạm vi" in answers[0]


async def test_zalo_group_gets_a_note_and_the_list_goes_private(
        make_world: WorldFactory, demo_db: Database, clock: Callable[[], dt.datetime]) -> None:
    async with make_world("zalo") as world:
        fake, driver = world.fake, world.driver
        head, officer, _ = await onboard(driver, demo_db, clock())
        await quick_report(driver, head, officer)
        driver._mark(officer)
        fake.text(officer.account, "/cho", group="9a9a9a9a")
        await fake.wait_until(lambda: fake.sent("9a9a9a9a"))
        listing = await driver.expect(officer, "đang chờ xác nhận")
        [note] = [c.params["text"] for c in fake.sent("9a9a9a9a")]
    assert note.startswith("Đã gửi riêng") and "1. Đồng ý" in listing


@pytest.mark.parametrize("kind", KINDS)
async def test_a_decision_button_pressed_in_a_group_answers_privately(
        kind: str, make_world: WorldFactory, demo_db: Database,
        clock: Callable[[], dt.datetime]) -> None:
    async with make_world("telegram") as world:
        fake, driver, chat = world.fake, world.driver, group_chat(kind)
        head, officer, _ = await onboard(driver, demo_db, clock())
        number = await quick_report(driver, head, officer)
        driver._mark(officer)
        fake.update(callback_query={  # a keyboard forwarded or forged into the group
            "id": "cb-group", "from": officer.account, "chat_instance": "ci",
            "data": f"ok:{number}", "message": {"message_id": 1, "date": 1, "chat": chat,
                                               "text": "…"}})
        await driver.expect(officer, "Đã xác nhận")
        await driver.expect(head, "đã xác nhận")
        [note] = group_sends(fake, chat)
    assert note.startswith("Đã gửi riêng")
