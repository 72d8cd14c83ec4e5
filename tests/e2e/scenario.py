"""The one scenario both channels play: onboarding, guided and quick report, confirm, ask."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from services.onboarding import create_invite
from storage.db import Database
from storage.models import Household, StatusChange
from storage.people import find_users
from tests.e2e.drivers import Driver, Person

HEAD, OFFICER, LEADER = "Bùi Thị Minh", "Đỗ Thị Nga", "Đỗ Văn Liên"
STORED = [  # (household head, kind, from, to, state) after the scenario, on any channel
    ("Phạm Thị Đéc", "exit_poverty", "poor", "out", "confirmed"),
    ("Phạm Văn Thân", "exit_to_near_poor", "poor", "near_poor", "pending"),
]


async def invite(db: Database, name: str, now: dt.datetime) -> str:
    """A one-time code for the existing user `name`, as `giamngheo invite` makes it."""
    async with db.session() as session, session.begin():
        [user] = await find_users(session, name)
        return await create_invite(session, now=now, ttl=dt.timedelta(hours=1), user=user)


async def onboard(driver: Driver, db: Database, now: dt.datetime) -> list[Person]:
    """An unknown chat is told how to register; each person redeems a code."""
    people = [driver.person(name, n) for n, name in enumerate((HEAD, OFFICER, LEADER))]
    await driver.say(people[0], "Thôn Chợ thế nào?")
    await driver.expect(people[0], "chưa được đăng ký")
    for person in people:
        await driver.say(person, f"/start {await invite(db, person.name, now)}")
        welcome = await driver.expect(person, "Đã kích hoạt")
        assert person.name in welcome
    return people


async def guided_report(driver: Driver, head: Person, officer: Person) -> None:
    """/baocao, then buttons all the way: household, change, no note, confirm."""
    await driver.say(head, "/baocao")
    await driver.expect(head, "chọn hộ")
    for label, answer in (("Ông Phạm Văn Thân", "Có thay đổi gì"),
                          ("Thoát nghèo, còn cận nghèo", "Ghi chú thêm"),
                          ("Bỏ qua", "bấm Xác nhận"), ("Xác nhận", "Đã lưu báo cáo số")):
        await driver.press(head, label)
        await driver.expect(head, answer)
    await driver.expect(officer, "Phạm Văn Thân")


async def quick_report(driver: Driver, head: Person, officer: Person) -> str:
    """One sentence, one confirmation; the officer is notified. Returns the report number."""
    await driver.say(head, "hộ bà Phạm Thị Đéc thoát nghèo")
    await driver.expect(head, "Thay đổi: Thoát nghèo hẳn")
    await driver.press(head, "Xác nhận")
    saved = await driver.expect(head, "Đã lưu báo cáo số")
    notice = await driver.expect(officer, "Phạm Thị Đéc")
    assert "Có báo cáo mới cần xác nhận" in notice
    match = re.search(r"số (\d+)", saved)
    assert match is not None
    return match.group(1)


async def confirm(driver: Driver, officer: Person, head: Person, number: str) -> None:
    """The officer lists pending reports and agrees; the reporter is told."""
    await driver.say(officer, "/cho")
    await driver.expect(officer, "đang chờ xác nhận")
    await driver.press(officer, f"Đồng ý số {number}")
    await driver.expect(officer, "Đã xác nhận")
    await driver.expect(head, f"Cán bộ {OFFICER} đã xác nhận")


async def ask(driver: Driver, leader: Person) -> str:
    """The commune leader asks about Thôn Chợ."""
    await driver.say(leader, "Thôn Chợ thế nào?")
    return await driver.expect(leader, "Hộ nghèo: đã giảm")


async def play(driver: Driver, db: Database, now: dt.datetime) -> None:
    """The whole scenario."""
    head, officer, leader = await onboard(driver, db, now)
    await guided_report(driver, head, officer)
    number = await quick_report(driver, head, officer)
    await confirm(driver, officer, head, number)
    assert "1/7" in await ask(driver, leader)


async def stored_changes(db: Database) -> list[tuple[str, str, str, str, str]]:
    """What the scenario left in the database, channel aside."""
    query = (select(Household.head_name, StatusChange.kind, StatusChange.from_status,
                    StatusChange.to_status, StatusChange.state)
             .join(Household, Household.id == StatusChange.household_id)
             .order_by(Household.head_name))
    async with db.session() as session:
        return [tuple(row) for row in await session.execute(query)]  # type: ignore[misc]
