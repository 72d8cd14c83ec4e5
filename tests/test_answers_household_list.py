"""HOUSEHOLD_LIST: households by name, only within the asker's scope, privately in a group."""

from __future__ import annotations

import datetime as dt

from handlers.router import Dispatcher
from services.household_lists import window
from storage.db import Database
from tests.helpers import Chat, FixedClock, login
from tests.household_changes import HEAD, OFFICER, some_changes


async def chat_as(db: Database, clock: FixedClock, name: str, private: bool = True) -> Chat:
    """A chat of a demo person."""
    return Chat(Dispatcher(db, clock=clock), await login(db, name), private=private,
                chat_id=None if private else "-100888")


def test_recent_means_the_last_36_months() -> None:
    assert window(None, dt.date(2026, 11, 22)) == (dt.date(2023, 11, 23), dt.date(2026, 11, 22))
    assert window(None, dt.date(2028, 2, 29))[0] == dt.date(2025, 3, 1)


async def test_lists_of_a_village_head(demo_db: Database, clock: FixedClock) -> None:
    await some_changes(demo_db)
    head = await chat_as(demo_db, clock, HEAD)
    await head.say("những hộ nào chưa thoát nghèo")
    assert head.text.splitlines() == [
        "Thôn Chợ, Xã Cẩm Bình: 13 hộ nghèo (đã xác nhận); bot có tên 6 hộ (những hộ đã nhập "
        "vào danh sách):",
        "ông Phạm Hùng Vinh, ông Phạm Minh Phúc, bà Phạm Thị Đéc, bà Phạm Thị Gang, "
        "ông Phạm Văn Thân, bà Trương Thị Giới.",
    ]
    await head.say("hộ nào sắp thoát")
    assert head.text.startswith("Thôn Chợ, Xã Cẩm Bình: 9 hộ đăng ký thoát nghèo hoặc thoát "
                                "cận nghèo năm 2024, chưa thoát:")
    assert "bà Phạm Thị Gang (đã báo, chờ xác nhận)" in head.text
    assert "Thuyết" not in head.text  # exited to near-poor: no longer waiting
    await head.say("hộ thoát nghèo trong 36 tháng qua")
    assert head.text.splitlines() == [
        "Thôn Chợ, Xã Cẩm Bình (từ 23/11/2023 đến 22/11/2026, đã xác nhận): 2 hộ thoát nghèo:",
        "bà Phạm Thị Đéc (20/08/2024, nay lại là hộ nghèo), ông Phạm Văn Thuyết (05/09/2024).",
        "Theo dõi hộ mới thoát nghèo (36 tháng): 1 hộ đang theo dõi; có khó khăn: 0; tái "
        "nghèo: 1.",
        "- bà Phạm Thị Đéc (thoát nghèo 20/08/2024): tái nghèo",
        "- ông Phạm Văn Thuyết (thoát nghèo 05/09/2024): chưa có câu trả lời",
    ]
    await head.say("hộ tái nghèo")
    assert head.text.endswith("1 hộ tái nghèo:\nbà Phạm Thị Đéc (02/11/2024).")


async def test_only_within_scope(demo_db: Database, clock: FixedClock) -> None:
    head = await chat_as(demo_db, clock, HEAD)
    await head.say("danh sách hộ nghèo Thôn Tô")
    assert head.text == "Thôn Tô không thuộc phạm vi anh/chị phụ trách."
    officer = await chat_as(demo_db, clock, OFFICER)
    await officer.say("danh sach ho can ngheo thon to")
    assert officer.text.startswith("Thôn Tô, Xã Cẩm Bình: 9 hộ cận nghèo (đã xác nhận); bot có "
                                   "tên 6 hộ")
    assert "bà Đỗ Thị Châu" in officer.text and "Phạm" not in officer.text


async def test_a_long_list_is_cut_short(demo_db: Database, clock: FixedClock) -> None:
    leader = await chat_as(demo_db, clock, "Đỗ Văn Liên")
    await leader.say("hộ nào sắp thoát")
    lines = leader.text.splitlines()
    assert lines[0].startswith("Xã Cẩm Bình, Huyện Cẩm Thủy: 57 hộ đăng ký")
    assert lines[-1] == "Còn 45 hộ khác; hỏi theo từng thôn để xem đủ tên."
    assert sum(line.count(",") + 1 for line in lines[1:-1]) == 12


async def test_a_group_gets_no_names(demo_db: Database, clock: FixedClock) -> None:
    head = await chat_as(demo_db, clock, HEAD, private=False)
    replies = await head.say("hộ nào sắp thoát")
    assert "Phạm Thị Đéc" not in head.text
    private = [r for r in replies if r.to is not None]
    assert private and "bà Phạm Thị Đéc" in private[0].text


async def test_a_plan_of_figures_only_says_it_has_no_names(demo_db: Database,
                                                           clock: FixedClock) -> None:
    admin = await chat_as(demo_db, clock, "admin")
    await admin.say("danh sách hộ nghèo Hồng Thượng")
    assert admin.text == ("Xã Hồng Thượng, Huyện A Lưới: 113 hộ nghèo (đã xác nhận); kế hoạch "
                          "đã nhập không có danh sách hộ nên bot chưa có tên hộ nào.")
    await admin.say("hộ nào sắp thoát ở Hồng Thượng")
    assert "0 hộ" not in admin.text and "chưa có tên hộ nào" in admin.text


async def test_a_past_period_lists_the_statuses_at_its_end(demo_db: Database,
                                                          clock: FixedClock) -> None:
    await some_changes(demo_db)  # Đéc out 20/08/2024 and back 02/11/2024; Thuyết out 05/09
    head = await chat_as(demo_db, clock, HEAD)
    await head.say("những hộ nào chưa thoát nghèo quý 3/2024")
    first, names = head.text.splitlines()[:2]
    assert "đến 30/09/2024" in first and "hiện nay" not in first
    assert "Đéc" not in names and "Thuyết" not in names  # out of poverty at the quarter's end
    assert "ông Phạm Hùng Vinh" in names
    await head.say("những hộ nào chưa thoát nghèo")
    assert "bà Phạm Thị Đéc" in head.text  # poor again today
