"""Group chats get figures only: personal replies go to the asker's private chat."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from handlers.router import Dispatcher
from messaging.messages import Address
from storage.db import Database
from storage.models import ChatIdentity, Household
from tests.helpers import Chat, FixedClock, login, outbox

GROUP = "-100555"
NAMES = ("Phạm Thị Đéc", "Đồng ý", "Không đồng ý")


async def _pending_report(db: Database, dispatcher: Dispatcher) -> Chat:
    head = Chat(dispatcher, await login(db, "Bùi Thị Minh"))
    await head.say("hộ bà Phạm Thị Đéc thoát nghèo")
    await head.press("Xác nhận")
    assert "Đã lưu báo cáo số" in head.text
    return head


def _shown(replies: list) -> str:
    return "\n".join(r.text + " ".join(b.label for b in r.flat_buttons())
                     for r in replies if r.to is None)


@pytest.mark.parametrize("text", ["/cho", "/tinhhinh hộ Phạm Thị Đéc", "/toi", "/moi Thôn Chợ"])
async def test_personal_answers_go_to_the_private_chat(
        demo_db: Database, clock: FixedClock, text: str) -> None:
    dispatcher = Dispatcher(demo_db, clock=clock)
    await _pending_report(demo_db, dispatcher)
    officer = await login(demo_db, "Đỗ Thị Nga")
    in_group = Chat(dispatcher, officer, private=False, chat_id=GROUP)
    replies = await in_group.say(text)
    assert in_group.text == "Đã gửi riêng cho anh/chị (thông tin có dữ liệu cá nhân không đăng " \
                            "trong nhóm)."
    assert not any(r.buttons for r in in_group.last)
    [private] = outbox(replies)
    assert private.to == Address("test", officer, officer)
    assert "Đỗ Thị Nga" in private.text or "Phạm Thị Đéc" in private.text or "Mã" in private.text


async def test_pending_list_in_private_is_answered_by_number(
        demo_db: Database, clock: FixedClock) -> None:
    dispatcher = Dispatcher(demo_db, clock=clock)
    head = await _pending_report(demo_db, dispatcher)
    officer = await login(demo_db, "Đỗ Thị Nga")
    replies = await Chat(dispatcher, officer, private=False, chat_id=GROUP).say("/cho")
    [private] = outbox(replies)
    assert "Phạm Thị Đéc" in private.text and private.flat_buttons()[0].label.startswith("Đồng ý")
    mine = Chat(dispatcher, officer)
    replies = await mine.say("1")  # the menu was remembered for the private chat
    assert "Đã xác nhận" in mine.text
    assert any("đã xác nhận" in r.text and r.to and r.to.chat_id == head.user_id
               for r in replies)


async def test_without_a_private_chat_the_group_is_told_to_open_one(
        demo_db: Database, clock: FixedClock) -> None:
    dispatcher = Dispatcher(demo_db, clock=clock)
    await _pending_report(demo_db, dispatcher)
    officer = await login(demo_db, "Đỗ Thị Nga")
    async with demo_db.session() as session, session.begin():  # as migration 0007 leaves it
        await session.execute(update(ChatIdentity).where(ChatIdentity.external_id == officer)
                              .values(chat_id=None, chat_type=None))
    in_group = Chat(dispatcher, officer, private=False, chat_id=GROUP)
    replies = await in_group.say("/cho")
    assert "mở trò chuyện riêng với bot" in in_group.text and not outbox(replies)
    assert not any(name in _shown(replies) for name in NAMES)
    await Chat(dispatcher, officer).say("/toi")  # writing privately makes it her chat again
    replies = await in_group.say("/cho")
    assert [r.to.chat_id for r in outbox(replies) if r.to] == [officer]


async def test_figures_stay_in_the_group_without_names(
        demo_db: Database, clock: FixedClock) -> None:
    dispatcher = Dispatcher(demo_db, clock=clock)
    await _pending_report(demo_db, dispatcher)
    leader = Chat(dispatcher, await login(demo_db, "Đỗ Văn Liên"), private=False, chat_id=GROUP)
    replies = await leader.say("/tinhhinh Thôn Chợ")
    assert "Hộ nghèo: đã giảm" in leader.text and not outbox(replies)
    assert "Phạm Thị Đéc" not in leader.text and "Đã gửi riêng" not in leader.text


async def test_a_household_button_pressed_in_a_group_goes_private(
        demo_db: Database, clock: FixedClock) -> None:
    dispatcher = Dispatcher(demo_db, clock=clock)
    async with demo_db.session() as session:
        dec = await session.scalar(select(Household.id).where(Household.name_key == "pham thi dec"))
    officer = await login(demo_db, "Đỗ Thị Nga")
    in_group = Chat(dispatcher, officer, private=False, chat_id=GROUP)
    replies = await in_group.say(button=f"h:{dec}")
    assert "Đã gửi riêng" in in_group.text and "Phạm Thị Đéc" not in _shown(replies)
    assert "Phạm Thị Đéc" in outbox(replies)[0].text


async def test_reports_and_codes_are_refused_in_a_group(
        demo_db: Database, clock: FixedClock) -> None:
    dispatcher = Dispatcher(demo_db, clock=clock)
    head = Chat(dispatcher, await login(demo_db, "Bùi Thị Minh"), private=False, chat_id=GROUP)
    for text in ("/baocao", "hộ bà Phạm Thị Đéc thoát nghèo"):
        replies = await head.say(text)
        assert "chỉ nhận trong tin nhắn riêng" in head.text and not outbox(replies)
