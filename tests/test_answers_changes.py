"""CHANGES: a period's confirmed changes, counts first; names only in a private chat."""

from __future__ import annotations

import datetime as dt

from domain.statuses import ChangeKind
from handlers.router import Dispatcher
from storage.db import Database
from tests.helpers import Chat, FixedClock, login
from tests.household_changes import OFFICER, change


async def this_quarter(db: Database) -> None:
    """Three confirmed changes in Thôn Chợ this quarter (Q4 2026), one report pending."""
    await change(db, "pham van thuyet", ChangeKind.EXIT_TO_NEAR_POOR, dt.date(2026, 10, 10))
    await change(db, "pham thi dec", ChangeKind.EXIT_POVERTY, dt.date(2026, 11, 5))
    await change(db, "pham van thuong", ChangeKind.EXIT_NEAR_POVERTY, dt.date(2026, 11, 15))
    await change(db, "pham thi gang", ChangeKind.EXIT_POVERTY, dt.date(2026, 11, 10),
                 confirm=False)
    await change(db, "pham minh phuc", ChangeKind.EXIT_POVERTY, dt.date(2026, 9, 30))  # Q3


async def chat_as(db: Database, clock: FixedClock, name: str, private: bool = True) -> Chat:
    """A chat of a demo person."""
    return Chat(Dispatcher(db, clock=clock), await login(db, name), private=private,
                chat_id=None if private else "-100999")


async def test_changes_of_this_quarter_by_name(demo_db: Database, clock: FixedClock) -> None:
    await this_quarter(demo_db)
    officer = await chat_as(demo_db, clock, OFFICER)
    await officer.say("Thôn Chợ quý này có gì thay đổi")
    assert officer.text.splitlines() == [
        "Thôn Chợ, Xã Cẩm Bình – quý 4/2026 (đến hôm nay, 22/11/2026): 3 thay đổi đã xác nhận: "
        "1 hộ thoát nghèo, còn cận nghèo; 1 hộ thoát nghèo hẳn; 1 hộ thoát cận nghèo.",
        "Còn 1 báo cáo đang chờ xác nhận.",
        "- 10/10/2026: hộ ông Phạm Văn Thuyết (Thôn Chợ) thoát nghèo, còn cận nghèo.",
        "- 05/11/2026: hộ bà Phạm Thị Đéc (Thôn Chợ) thoát nghèo hẳn.",
        "- 15/11/2026: hộ ông Phạm Văn Thương (Thôn Chợ) thoát cận nghèo.",
    ]
    await officer.say("quý này Thôn Chợ có bao nhiêu hộ thoát nghèo")  # the same as a count
    assert "): 2 hộ thoát nghèo; thêm 1 hộ đã báo, đang chờ xác nhận." in officer.text


async def test_which_households_exited_this_month(demo_db: Database, clock: FixedClock) -> None:
    await this_quarter(demo_db)
    head = await chat_as(demo_db, clock, "Bùi Thị Minh")
    await head.say("tháng này có hộ nào thoát nghèo")
    assert head.text.splitlines() == [
        "Thôn Chợ, Xã Cẩm Bình – tháng 11/2026 (đến hôm nay, 22/11/2026): 1 thay đổi đã xác "
        "nhận: 1 hộ thoát nghèo hẳn.",
        "Còn 1 báo cáo đang chờ xác nhận.",
        "- 05/11/2026: hộ bà Phạm Thị Đéc (Thôn Chợ) thoát nghèo hẳn.",
    ]
    await head.say("quý 3 năm 2026 có gì thay đổi")
    assert "1 thay đổi đã xác nhận: 1 hộ thoát nghèo hẳn." in head.text
    assert "Phạm Minh Phúc" in head.text and "đến hôm nay" not in head.text


async def test_a_group_gets_the_counts_only(demo_db: Database, clock: FixedClock) -> None:
    await this_quarter(demo_db)
    leader = await chat_as(demo_db, clock, "Đỗ Văn Liên", private=False)
    replies = await leader.say("quý này có gì thay đổi")
    assert leader.text.startswith("Xã Cẩm Bình, Huyện Cẩm Thủy – quý 4/2026")
    assert "3 thay đổi đã xác nhận" in leader.text
    assert "Phạm" not in leader.text and all(r.to is None for r in replies)
    assert leader.text.endswith("(Tên hộ chỉ xem trong tin nhắn riêng với bot.)")
