"""Questions in Vietnamese, any spelling, answered only within the asker's scope."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from handlers.router import Dispatcher
from services.plan_import import import_plan
from storage.db import Database
from tests.helpers import Chat, FixedClock, login


@pytest.fixture
async def leader(demo_db: Database, clock: FixedClock) -> Chat:
    account = await login(demo_db, "Đỗ Văn Liên")
    return Chat(Dispatcher(demo_db, clock=clock), account)


@pytest.mark.parametrize(
    "question",
    [
        "Thôn Chợ thế nào?",
        "tình hình thôn chợ",
        "thon cho",
        "THÔN CHỢ THẾ NÀO",
        "/tinhhinh Thôn Chợ",
        "thon cjo the nao",
        unicodedata.normalize("NFD", "Thôn Chợ thế nào?"),
    ],
)
async def test_thon_cho_in_any_spelling(leader: Chat, question: str) -> None:
    await leader.say(question)
    text = leader.text
    assert text.startswith("Thôn Chợ, Xã Cẩm Bình")
    assert "Hộ nghèo: đã giảm 0/7 hộ" in text
    assert "14 hộ nghèo (chỉ tiêu giảm 7), 5 hộ cận nghèo (chỉ tiêu giảm 3)" in text
    assert "cán bộ bà Đỗ Thị Nga; trưởng thôn bà Bùi Thị Minh" in text
    assert "bà Phạm Thị Đéc" in text  # registered to exit, not yet: the leader covers it


async def test_commune_question_sums_villages_and_shows_slips(leader: Chat) -> None:
    await leader.say("Cẩm Bình đến đâu rồi")
    assert "Hộ nghèo: đã giảm 0/23 hộ" in leader.text
    assert "67 hộ nghèo (chỉ tiêu giảm 23), 57 hộ cận nghèo (chỉ tiêu giảm 35)" in leader.text
    assert "hộ nghèo còn lại cuối năm: văn bản ghi 46, tính từ các dòng được 44" in leader.text
    await leader.say("xã mình đến đâu rồi")
    assert leader.text.startswith("Xã Cẩm Bình")


async def test_household_question(leader: Chat) -> None:
    await leader.say("hộ Phạm Thị Đéc")
    assert "Hộ bà Phạm Thị Đéc – Thôn Chợ, Xã Cẩm Bình" in leader.text
    assert "4 khẩu, 2 lao động" in leader.text


async def test_outside_scope_is_not_answered(
    leader: Chat, demo_db: Database, clock: FixedClock
) -> None:
    await leader.say("Hồng Thượng thế nào?")  # exists, outside Cẩm Bình: said so, no figures
    assert leader.text == "Xã Hồng Thượng không thuộc phạm vi anh/chị phụ trách."
    head = Chat(Dispatcher(demo_db, clock=clock), await login(demo_db, "Bùi Thị Minh"))
    await head.say("hộ Trương Thị Thanh")  # a household of Thôn Tô, not hers
    assert "Không tìm thấy hộ" in head.text


async def test_hong_thuong_rates_as_admin(demo_db: Database, clock: FixedClock) -> None:
    admin = Chat(Dispatcher(demo_db, clock=clock), await login(demo_db, "admin"))
    await admin.say("Hồng Thượng thế nào?")
    assert "113 hộ nghèo" in admin.text and "817 hộ, tỷ lệ nghèo 13,83%" in admin.text
    assert "hộ nghèo còn lại cuối năm: văn bản ghi 40, tính từ các dòng được 43" in admin.text
    assert "chỉ tiêu giảm hộ cận nghèo: văn bản ghi 75, tính từ các dòng được 74" in admin.text


async def test_ambiguous_name_asks_back(
    demo_db: Database, clock: FixedClock, tmp_path: Path
) -> None:
    other = tmp_path / "other.csv"
    other.write_text(
        "nam,tinh,xa,thon,ho_ngheo,giam_ngheo\n2024,Tỉnh Nghệ An,Xã Nghi Phong,Thôn Chợ,9,2\n",
        encoding="utf-8",
    )
    assert (await import_plan(demo_db, other)).ok
    admin = Chat(Dispatcher(demo_db, clock=clock), await login(demo_db, "admin"))
    await admin.say("Thôn Chợ thế nào?")
    labels = [b.label for b in admin.last[0].flat_buttons()]
    assert labels == ["Thôn Chợ, Xã Cẩm Bình", "Thôn Chợ, Xã Nghi Phong"]
    await admin.say("2")  # answered by number, as on Zalo or the console
    assert admin.text.startswith("Thôn Chợ, Xã Nghi Phong") and "0/2 hộ" in admin.text


async def test_unregistered_chat_gets_only_an_explanation(
    demo_db: Database, clock: FixedClock
) -> None:
    stranger = Chat(Dispatcher(demo_db, clock=clock), "stranger")
    for text in ("Thôn Chợ thế nào?", "hộ Phạm Thị Đéc", "/tinhhinh Thôn Chợ", "/baocao"):
        await stranger.say(text)
        assert "chưa được đăng ký" in stranger.text
        assert "Phạm" not in stranger.text and "14" not in stranger.text


async def test_group_chat_gets_figures_but_no_names(demo_db: Database, clock: FixedClock) -> None:
    group = Chat(Dispatcher(demo_db, clock=clock), await login(demo_db, "Đỗ Văn Liên"),
                 private=False)
    await group.say("Thôn Chợ thế nào?")
    assert "đã giảm 0/7" in group.text and "Phạm" not in group.text
    replies = await group.say("hộ Phạm Thị Đéc")
    assert "Đã gửi riêng" in group.text and "khẩu" not in group.text
    assert [r.to.chat_id for r in replies if r.to] == [group.user_id]  # the card, privately
