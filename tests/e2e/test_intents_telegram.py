"""Intents through the real Telegram adapter: small talk, scope refusal, choices as buttons,
the answers of handlers/answers."""

from __future__ import annotations

from storage.db import Database
from tests.e2e.conftest import WorldFactory, with_leader
from tests.e2e.fake_telegram import buttons
from tests.e2e.scenario import LEADER


async def test_intents_over_telegram(make_world: WorldFactory, demo_db: Database) -> None:
    async with with_leader(make_world, demo_db) as world:
        driver = world.driver
        leader = driver.person(LEADER, 2)
        await driver.say(leader, "chào")
        greeting = await driver.expect(leader, "Chào anh/chị Đỗ Văn Liên")
        assert "hộ nghèo" not in greeting
        await driver.say(leader, "Hồng Thượng thế nào?")
        await driver.expect(leader, "Xã Hồng Thượng không thuộc phạm vi anh/chị phụ trách.")
        await driver.say(leader, "Phạm Thị Đéc")
        await driver.expect(leader, "Bot hiểu anh/chị nói về hộ Phạm Thị Đéc")
        offered = [label for label, _ in buttons(world.fake.sent(leader.chat)[-1])]
        assert offered == ["Thông tin hộ Phạm Thị Đéc", "Tình hình Phạm Thị Đéc"]
        await driver.press(leader, "Thông tin hộ")
        await driver.expect(leader, "Phạm Thị Đéc – Thôn Chợ, Xã Cẩm Bình")
        await driver.say(leader, "thon cho sao roi a")
        await driver.expect(leader, "Thôn Chợ, Xã Cẩm Bình – kế hoạch năm 2024")


async def test_answers_over_telegram(make_world: WorldFactory, demo_db: Database) -> None:
    async with with_leader(make_world, demo_db) as world:
        driver = world.driver
        leader = driver.person(LEADER, 2)
        await driver.say(leader, "Thôn nào chậm nhất?")
        slowest = await driver.expect(leader, "thôn chậm tiến độ")
        assert "1. Thôn Chợ: nghèo 0/7 – chậm tiến độ; cận nghèo 0/3" in slowest
        await driver.say(leader, "Thôn Chợ có bao nhiêu hộ nghèo?")
        await driver.expect(leader, "Thôn Chợ, Xã Cẩm Bình: 14 hộ nghèo (đã xác nhận")
        await driver.say(leader, "tỷ lệ hộ nghèo của xã")
        await driver.expect(leader, "kế hoạch năm 2024 không ghi tổng số hộ nên bot chưa tính")
        await driver.say(leader, "so sánh Thôn Chợ và Thôn Tô")
        await driver.expect(leader, "Thôn Tô nhanh hơn so với tiến độ")
        await driver.say(leader, "ai phụ trách Thôn Hạc Sơn")
        people = await driver.expect(leader, "Phụ trách Thôn Hạc Sơn, Xã Cẩm Bình:")
        assert "- Trưởng thôn: ông Đặng Ngọc Đình." in people
        await driver.say(leader, "danh sách hộ nghèo Thôn Chợ")
        await driver.expect(leader, "ông Phạm Hùng Vinh, ông Phạm Minh Phúc, bà Phạm Thị Đéc")
        await driver.say(leader, "quý này có gì thay đổi")
        await driver.expect(leader, "chưa có thay đổi nào đã xác nhận")
        await driver.say(leader, "thôn nào chưa báo cáo?")
        await driver.expect(leader, "11/11 thôn chưa báo cáo trong quý")
        await driver.say(leader, "báo cáo quý 3/2024")
        await driver.expect(leader, "Xã Cẩm Bình – quý 3/2024 (đến 30/09/2024)")
