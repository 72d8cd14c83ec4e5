"""The correction path over Telegram's HTTP API: request, approval buttons, everyone told."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from storage.db import Database
from tests.e2e.conftest import WorldFactory
from tests.e2e.fake_telegram import buttons
from tests.e2e.scenario import OFFICER, ask, confirm, onboard, quick_report, stored_changes


async def test_head_asks_officer_approves_figures_move_back(
        make_world: WorldFactory, demo_db: Database, clock: Callable[[], dt.datetime]) -> None:
    async with make_world("telegram") as world:
        driver = world.driver
        head, officer, leader = await onboard(driver, demo_db, clock())
        number = await quick_report(driver, head, officer)
        await confirm(driver, officer, head, number)
        assert "1/7" in await ask(driver, leader)
        await driver.say(head, "hộ Phạm Thị Đéc báo nhầm")
        await driver.expect(head, f"Yêu cầu sửa: Báo cáo số {number}")
        await driver.say(head, "hộ chưa thoát, báo nhầm")
        await driver.expect(head, f"Đã gửi yêu cầu sửa báo cáo số {number}")
        await driver.expect(officer, "đề nghị sửa (hủy) một báo cáo đã xác nhận")
        notice = world.fake.sent(officer.chat)[-1]
        assert [label for label, _ in buttons(notice)] == ["Đồng ý sửa", "Không đồng ý"]
        await driver.press(officer, "Đồng ý sửa")
        await driver.expect(officer, "Đã đồng ý sửa")
        await driver.expect(head, f"{OFFICER} đã đồng ý sửa")
        assert "0/7" in await ask(driver, leader)
    assert [row for row in await stored_changes(demo_db) if row[0] == "Phạm Thị Đéc"] == [
        ("Phạm Thị Đéc", "exit_poverty", "poor", "out", "corrected")]
