"""What the bot prints reads like a careful colleague wrote it (issue 12): every digest and
reminder of the demo data, and the answers of each role, checked for the forms that must
not come back. Each rule is also checked on a bad example, so the checks can fail."""

from __future__ import annotations

import re

import pytest

from domain.schedule import Calendar, SendKind, planned_sends
from handlers.router import Dispatcher
from services.deliveries import compose
from services.digests import Occasion
from services.recipients import recipients
from storage.db import Database
from tests.helpers import Chat, FixedClock, login
from tests.household_changes import some_changes

RULES = {
    "honorific upper case mid-sentence": re.compile(r"\S.*?\b(Ông|Bà) \w", re.M),
    "'bạn' instead of 'anh/chị'": re.compile(r"\b[Bb]ạn\b"),
    "dangling ';'": re.compile(r";\s*(\.|$)", re.M),
    "'chỉ tiêu giảm không giao'": re.compile(r"chỉ tiêu giảm không giao|\(không giao\)"),
    "an English role name": re.compile(
        r"village_head|commune_leader|district_officer|province_officer|\bofficer\b"),
}
QUESTIONS = {
    "Bùi Thị Minh": ["Thôn Chợ thế nào", "hộ Phạm Thị Đéc", "/toi", "báo cáo quý 3/2024",
                     "ai phụ trách Thôn Chợ", "thôn nào chưa báo cáo", "hướng dẫn"],
    "Đỗ Thị Nga": ["/cho", "Thôn Chợ thế nào", "tổng kết năm 2024", "thôn nào chậm nhất",
                   "Đỗ Thị Nga phụ trách thôn nào", "/toi"],
    "Đỗ Văn Liên": ["tình hình xã", "Thôn Chợ thế nào", "báo cáo quý 3/2024",
                    "báo cáo 6 tháng đầu năm 2024", "thôn nào chậm nhất",
                    "so sánh Thôn Chợ và Thôn Tô", "ai phụ trách xã", "Thôn Vinh thế nào"],
    "admin": ["tình hình", "tổng kết năm 2024", "xã nào chậm nhất", "Cam Phúc Nam thế nào"],
}


PLACE_THEN_FIGURE = re.compile(r"\b(?:Thôn|Xã|Phường|Tổ)((?: \w+){1,4}) \d+/\d+")


def _place_then_figure(text: str) -> str | None:
    """'Thôn Bình Hòa 1 0/2': a figure right after a place's name (capitalised words), no
    colon between."""
    for match in PLACE_THEN_FIGURE.finditer(text):
        if all(word[0].isupper() or word.isdigit() for word in match.group(1).split()):
            return match.group(0)
    return None


def broken(text: str) -> list[str]:
    """The rules this text breaks, with the offending part."""
    found = [f"{rule}: {m.group(0)!r}" for rule, pattern in RULES.items()
             if (m := pattern.search(text))]
    if (figure := _place_then_figure(text)) is not None:
        found.append(f"a figure right after a place's name: {figure!r}")
    return found


@pytest.mark.parametrize("bad", [
    "Phụ trách: cán bộ Bà Đỗ Thị Nga.", "Tổng hợp – 2 thôn bạn phụ trách.",
    "Chờ xác nhận: 1 hộ thoát nghèo;", "5 hộ cận nghèo (chỉ tiêu giảm không giao).",
    "Cần chú ý (2): Thôn Bình Hòa 1 0/2.", "Bà Minh – village_head."])
def test_each_rule_catches_its_bad_form(bad: str) -> None:
    assert broken(bad)


def test_good_forms_pass() -> None:
    assert not broken("Bà Phạm Thị Đéc – Thôn Chợ\nHộ bà Phạm Thị Đéc; hộ ông Phạm Văn Thuyết."
                      "\nCần chú ý (1 thôn): Thôn Bình Hòa 1: nghèo 0/2.")


async def test_every_digest_and_reminder_of_the_demo_reads_well(demo_db: Database) -> None:
    await some_changes(demo_db)  # confirmed, fallen back and pending reports in Thôn Chợ
    cal, seen = Calendar(), 0
    for send in planned_sends(2024, cal):
        async with demo_db.session() as session:
            for recipient in await recipients(session, send.kind, 2024):
                for reply in await compose(session, Occasion(send, cal, send.due), recipient) or []:
                    assert not broken(reply.text), (send.kind, recipient.user.name, reply.text)
                    seen += 1
    assert seen > 50 and SendKind.LEADER_DIGEST in {s.kind for s in planned_sends(2024, cal)}


async def test_answers_of_each_role_read_well(demo_db: Database, clock: FixedClock) -> None:
    await some_changes(demo_db)
    for name, questions in QUESTIONS.items():
        chat = Chat(Dispatcher(demo_db, clock=clock), await login(demo_db, name))
        for question in questions:
            await chat.say(question)
            assert chat.text and not broken(chat.text), (name, question, chat.text)
