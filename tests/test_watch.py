"""The 36-month watch after an exit (issue 15.1), end to end through the scheduler and the
Dispatcher with a fixed clock across quarters: exit, the quarter's watch question (once,
through the ledger), 'có khó khăn' and what kind (flagged), 'tái nghèo' through the normal
report path, digests and answers showing the watch, the window's end; the window a setting."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest

from handlers.router import Dispatcher
from storage.db import Database
from tests.delivery_fakes import Process, ledger_rows, report_exit, vn
from tests.helpers import Chat, FixedClock, login

PEOPLE = {"head": "Bùi Thị Minh", "officer": "Đỗ Thị Nga", "leader": "Đỗ Văn Liên"}


@pytest.fixture
async def exited(demo_db: Database) -> Database:
    """Bà Đéc and bà Gang of Thôn Chợ exited poverty in September 2024 (confirmed)."""
    for chat, name in PEOPLE.items():
        await login(demo_db, name, chat, channel="telegram")
    await report_exit(demo_db, "pham thi dec", dt.date(2024, 9, 5), confirm=True,
                      at=vn(2024, 9, 6, 9))
    await report_exit(demo_db, "pham thi gang", dt.date(2024, 9, 7), confirm=True,
                      at=vn(2024, 9, 8, 9))
    return demo_db


@pytest.fixture
async def proc(exited: Database) -> AsyncIterator[Process]:
    """One bot process on the test database."""
    process = Process(exited.url, "p1")
    yield process
    await process.close()


def chat(proc: Process, clock: FixedClock, who: str) -> Chat:
    """The private Telegram chat of one of PEOPLE."""
    return Chat(Dispatcher(proc.db, clock=clock), who, channel="telegram")


async def watch_sends(proc: Process, period: str) -> list[str]:
    """States of the watch question rows of a period."""
    return [r.state for r in await ledger_rows(proc.db) if r.kind == "watch"
            and r.period == period]


async def test_watch_questions_flags_and_fall_back_across_quarters(proc: Process) -> None:
    await proc.tick(FixedClock(vn(2024, 12, 10, 7, 59)))
    assert await watch_sends(proc, "2024-Q4") == []
    await proc.tick(FixedClock(vn(2024, 12, 10, 8)))  # 21 days before the cut-off
    await proc.tick(FixedClock(vn(2024, 12, 10, 8, 10)))
    assert await watch_sends(proc, "2024-Q4") == ["sent"]  # once
    [question] = [r for r in proc.channel.to("head") if "Theo dõi" in r.text]
    assert question.text.splitlines()[-1] == "Hộ bà Phạm Thị Đéc (thoát nghèo 05/09/2024):"
    assert [b.label for b in question.flat_buttons()] == ["Vẫn ổn", "Có khó khăn", "Tái nghèo"]

    clock = FixedClock(vn(2024, 12, 11, 9))
    head = chat(proc, clock, "head")
    await head.say("2")  # by number, as on Zalo: the ledger offered the menu
    assert head.text == "Hộ bà Phạm Thị Đéc (thoát nghèo 05/09/2024) gặp khó khăn gì?"
    assert [b.label for r in head.last for b in r.flat_buttons()] == [
        "Ốm đau", "Mất việc", "Thiên tai", "Nợ", "Khác"]
    await head.say("om dau")  # the label, typed without diacritics
    assert head.text.splitlines()[0].startswith(
        "Đã ghi: hộ bà Phạm Thị Đéc (thoát nghèo 05/09/2024) – có khó khăn (ốm đau).")
    assert head.text.splitlines()[-1] == "Hộ bà Phạm Thị Gang (thoát nghèo 07/09/2024):"
    await head.press("Tái nghèo")
    assert "Thay đổi: Tái nghèo." in head.text
    await head.press("Xác nhận")
    officer = chat(proc, clock, "officer")
    await officer.say("/cho")
    await officer.press("Đồng ý")

    leader = chat(proc, clock, "leader")
    await leader.say("hộ thoát nghèo trong 36 tháng qua")
    lines = leader.text.splitlines()
    assert "Theo dõi hộ mới thoát nghèo (36 tháng): 1 hộ đang theo dõi; có khó khăn: 1; " \
        "tái nghèo: 1." in lines
    assert "- bà Phạm Thị Đéc (thoát nghèo 05/09/2024): có khó khăn: ốm đau" in lines
    assert "- bà Phạm Thị Gang (thoát nghèo 07/09/2024): tái nghèo" in lines

    await proc.tick(FixedClock(vn(2025, 1, 1, 8)))  # the year's digests
    officer_digest = proc.channel.to("officer")[-1].text
    assert ("Theo dõi hộ mới thoát nghèo (36 tháng): 1 hộ đang theo dõi; có khó khăn: 1 "
            "(bà Phạm Thị Đéc: ốm đau); tái nghèo: 1.") in officer_digest
    assert "có khó khăn: 1; tái nghèo: 1." in proc.channel.to("leader")[-1].text

    await proc.tick(FixedClock(vn(2025, 3, 10, 8)))  # next quarter (no 2025 plan): Bà Đéc only
    assert await watch_sends(proc, "2025-Q1") == ["sent"]
    assert proc.channel.to("head")[-1].text.splitlines()[-1].startswith("Hộ bà Phạm Thị Đéc")
    clock.moment = vn(2025, 3, 11, 9)
    await head.say("1")
    assert head.text.splitlines() == [
        "Đã ghi: hộ bà Phạm Thị Đéc (thoát nghèo 05/09/2024) – vẫn ổn.",
        "Cảm ơn anh/chị: đã trả lời đủ các hộ đang theo dõi quý 1/2025."]
    await head.say("/theodoi")
    assert head.text == "Không có hộ nào đang theo dõi cần trả lời trong quý 1/2025."

    await proc.tick(FixedClock(vn(2027, 12, 10, 8)))  # 36 months after 05/09/2024: over
    assert "sent" not in await watch_sends(proc, "2027-Q4")


async def test_the_watch_window_is_a_setting(exited: Database) -> None:
    process = Process(exited.url, "p1", watch_months=2, watch_days_before_cutoff=30)
    try:
        await process.tick(FixedClock(vn(2024, 12, 1, 8)))  # 30 days before 31/12
        assert "sent" not in await watch_sends(process, "2024-Q4")  # exits of September: over
        await process.tick(FixedClock(vn(2024, 9, 30, 8)))  # quarter 3, within two months
        assert await watch_sends(process, "2024-Q3") == ["sent"]
    finally:
        await process.close()


async def test_only_the_head_of_the_village_answers(proc: Process, exited: Database) -> None:
    await login(exited, "Trương Công Định", "to_head", channel="telegram")  # Thôn Tô
    await proc.tick(FixedClock(vn(2024, 12, 10, 8)))
    data = proc.channel.to("head")[-1].flat_buttons()[0].data
    other = chat(proc, FixedClock(vn(2024, 12, 11, 9)), "to_head")
    await other.say(button=data)
    assert other.text.startswith("Hộ này không thuộc thôn anh/chị phụ trách")
