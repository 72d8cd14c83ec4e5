"""Free text routed by its intent, by role: the issue's examples through the Dispatcher."""

from __future__ import annotations

import pytest

from handlers.answers import ANSWERS
from handlers.router import Dispatcher
from storage.db import Database
from tests.helpers import Chat, FixedClock, login
from understanding.types import Intent

HEAD, OFFICER, LEADER = "Bùi Thị Minh", "Đỗ Thị Nga", "Đỗ Văn Liên"


async def chat_as(db: Database, clock: FixedClock, name: str) -> Chat:
    """A private chat of a demo person."""
    return Chat(Dispatcher(db, clock=clock), await login(db, name))


@pytest.mark.parametrize("text", ["chào", "chao", "Chào anh", "alo", "CHÀO"])
async def test_a_greeting_never_shows_figures(demo_db: Database, clock: FixedClock,
                                              text: str) -> None:
    head = await chat_as(demo_db, clock, HEAD)
    await head.say(text)
    assert head.text.startswith("Chào anh/chị Bùi Thị Minh")
    assert "Thôn Chợ, Xã Cẩm Bình" not in head.text and "hộ nghèo" not in head.text


async def test_thanks_and_help_by_role(demo_db: Database, clock: FixedClock) -> None:
    head = await chat_as(demo_db, clock, HEAD)
    for text in ("cảm ơn", "ok", "thanks"):
        await head.say(text)
        assert head.text.startswith("Dạ, không có gì") and "hộ" not in head.text
    await head.say("làm sao để báo cáo")
    assert "Báo cáo thay đổi của hộ" in head.text and "/moi" not in head.text
    leader = await chat_as(demo_db, clock, LEADER)
    await leader.say("hướng dẫn")
    assert "/moi" in leader.text and "gõ một câu" not in leader.text


async def test_a_place_outside_scope_is_refused_by_name(demo_db: Database,
                                                        clock: FixedClock) -> None:
    head = await chat_as(demo_db, clock, HEAD)
    for text in ("Thôn Tô thế nào", "thon to the nao", "Thôn Tô sao rồi ạ?"):
        await head.say(text)
        assert head.text == "Thôn Tô không thuộc phạm vi anh/chị phụ trách."
    await head.say("Thôn Chợ thế nào")
    assert head.text.startswith("Thôn Chợ, Xã Cẩm Bình")


async def test_status_for_a_period_says_which(demo_db: Database, clock: FixedClock) -> None:
    leader = await chat_as(demo_db, clock, LEADER)
    await leader.say("Cẩm Bình quý 3 năm 2024 thế nào")
    assert "Xã Cẩm Bình" in leader.text and "quý 3/2024" in leader.text
    assert "30/09/2024" in leader.text  # as of the period's end, and said so
    await leader.say("tình hình xã")
    assert leader.text.startswith("Xã Cẩm Bình")


async def test_questions_with_change_words_never_open_a_report(demo_db: Database,
                                                               clock: FixedClock) -> None:
    officer = await chat_as(demo_db, clock, OFFICER)
    leader = await chat_as(demo_db, clock, LEADER)
    for chat, text in ((officer, "Thôn Chợ có bao nhiêu hộ thoát nghèo?"),
                       (leader, "Thôn Chợ còn bao nhiêu hộ chưa thoát nghèo?")):
        await chat.say(text)
        assert "Thêm hộ mới" not in chat.text and "Vai trò" not in chat.text
        assert "Có Bao Nhiêu" not in chat.text
        if Intent.COUNT not in ANSWERS:
            assert chat.text.startswith("Anh/chị hỏi về số hộ Thôn Chợ, bot chưa trả lời")
    await officer.say("hộ Phạm Thị Đéc thoát nghèo chưa")
    assert "Phạm Thị Đéc – Thôn Chợ" in officer.text and "khẩu" in officer.text  # the card


async def test_an_intent_without_handler_is_told_honestly(demo_db: Database,
                                                          clock: FixedClock) -> None:
    leader = await chat_as(demo_db, clock, LEADER)
    missing = [i for i in (Intent.RANKING, Intent.DIGEST, Intent.RATE) if i not in ANSWERS]
    texts = {Intent.RANKING: "thôn nào chậm nhất?", Intent.DIGEST: "báo cáo quý 3/2024",
             Intent.RATE: "tỷ lệ hộ nghèo"}
    for intent in missing:
        await leader.say(texts[intent])
        assert "bot chưa trả lời được câu này" in leader.text
        assert "Không tìm thấy" not in leader.text


async def test_pending_in_words(demo_db: Database, clock: FixedClock) -> None:
    officer = await chat_as(demo_db, clock, OFFICER)
    await officer.say("có báo cáo nào chờ duyệt không")
    assert officer.text.splitlines() == [
        "Không có báo cáo nào đang chờ anh/chị xác nhận.",
        "Báo cáo quý 4/2026 (hạn 31/12/2026): 0/2 thôn đã báo cáo; chưa báo cáo: Thôn Chợ,"
        " Thôn Tô."]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("bà Gang thoát nghèo rồi", "Phạm Thị Gang – Thôn Chợ"),
        ("nhà ông Phạm Văn Thuyết thoát nghèo rồi nhé", "Phạm Văn Thuyết – Thôn Chợ"),
        ("ho ba pham thi dec thoat ngeo", "Phạm Thị Đéc – Thôn Chợ"),
        ("hộ ông Phạm Văn Thuyết chuyển sang Thôn Tô", "Phạm Văn Thuyết – Thôn Chợ"),
        ("hộ bà Phạm Thị Đéc thoát nghèo từ tháng 8", "Ngày: 01/08/2026"),
        ("hộ bà Phạm Thị Đéc thoát nghèo ngày 5/9", "Ngày: 05/09/2026"),
    ],
)
async def test_sentence_reports_as_people_write(demo_db: Database, clock: FixedClock,
                                                text: str, shown: str) -> None:
    head = await chat_as(demo_db, clock, HEAD)
    await head.say(text)
    assert shown in head.text and "Xác nhận" in head.text
    assert "Thêm hộ mới" not in head.text


@pytest.mark.parametrize("when", ["tháng 13", "ngày 31/2", "ngày 5/9/2027"])
async def test_a_bad_date_is_asked_again(demo_db: Database, clock: FixedClock,
                                         when: str) -> None:
    head = await chat_as(demo_db, clock, HEAD)
    await head.say(f"hộ bà Phạm Thị Đéc thoát nghèo {when}")
    assert "gửi lại câu báo cáo với ngày đúng" in head.text
    assert "Thêm hộ mới" not in head.text and "13" not in head.text.split("ví dụ")[0]


async def test_unsure_offers_choices_and_a_number_picks_one(demo_db: Database,
                                                            clock: FixedClock) -> None:
    leader = await chat_as(demo_db, clock, LEADER)
    await leader.say("Phạm Thị Đéc")
    labels = [b.label for b in leader.last[0].flat_buttons()]
    # a name no unit bears is likelier a household's: its card is offered first
    assert labels == ["Thông tin hộ Phạm Thị Đéc", "Tình hình Phạm Thị Đéc"]
    assert leader.text.startswith("Bot hiểu anh/chị nói về hộ Phạm Thị Đéc")
    await leader.say("1")
    assert "Phạm Thị Đéc – Thôn Chợ" in leader.text and "khẩu" in leader.text


async def test_admin_without_a_place_gets_the_top_units(demo_db: Database,
                                                        clock: FixedClock) -> None:
    admin = await chat_as(demo_db, clock, "admin")
    await admin.say("tình hình")
    assert "Tỉnh Thanh Hóa" in admin.text and "Tỉnh Thừa Thiên Huế" in admin.text
    await admin.say("Thôn Tô thế nào")
    assert admin.text.startswith("Thôn Tô, Xã Cẩm Bình")


async def test_never_echoes_folded_text(demo_db: Database, clock: FixedClock) -> None:
    leader = await chat_as(demo_db, clock, LEADER)
    await leader.say("Thôn Đồng Tâm thế nào")  # no such village anywhere
    assert 'Không tìm thấy "Thôn Đồng Tâm"' in leader.text


async def test_small_talk_and_refusals_stay_in_a_group(demo_db: Database,
                                                       clock: FixedClock) -> None:
    head = Chat(Dispatcher(demo_db, clock=clock), await login(demo_db, HEAD), private=False,
                chat_id="-100777")
    await head.say("chào")
    assert head.text.startswith("Chào anh/chị Bùi Thị Minh")
    await head.say("Thôn Tô thế nào")
    assert head.text == "Thôn Tô không thuộc phạm vi anh/chị phụ trách."
    await head.say("hộ Phạm Thị Đéc thoát nghèo chưa")  # a card: sent privately, not here
    assert "khẩu" not in head.text and "Phạm Thị Đéc" not in head.text
