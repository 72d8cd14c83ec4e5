"""Reporting completeness end to end (issue 15.3): a head reports 'thôn không có thay đổi',
the deadline reminder goes only to villages that have not reported, officers and leaders
see who reported, on time or late, in their digests, /cho and by asking."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from handlers.router import Dispatcher
from storage.db import Database
from tests.delivery_fakes import Process, ledger_rows, vn
from tests.helpers import Chat, FixedClock, login

PEOPLE = {"head": "Bùi Thị Minh", "to_head": "Trương Công Định", "officer": "Đỗ Thị Nga",
          "leader": "Đỗ Văn Liên"}


@pytest.fixture
async def proc(demo_db: Database) -> AsyncIterator[Process]:
    """One bot process; the people of Thôn Chợ and Thôn Tô on the (fake) Telegram channel."""
    for chat, name in PEOPLE.items():
        await login(demo_db, name, chat, channel="telegram")
    process = Process(demo_db.url, "p1")
    yield process
    await process.close()


def chat(proc: Process, clock: FixedClock, who: str) -> Chat:
    """The private Telegram chat of one of PEOPLE."""
    return Chat(Dispatcher(proc.db, clock=clock), who, channel="telegram")


async def test_no_change_counts_as_reported_before_and_after_the_deadline(
        proc: Process) -> None:
    clock = FixedClock(vn(2024, 9, 10, 9))
    head, leader = chat(proc, clock, "head"), chat(proc, clock, "leader")
    await head.say("thon khong co thay doi")
    assert head.text.startswith("Đã ghi nhận: Thôn Chợ không có thay đổi trong quý 3/2024 – "
                                "đúng hạn (hạn 30/09/2024).")
    await head.say("quý này không có gì thay đổi")
    assert 'đã báo "không có thay đổi" cho quý 3/2024 từ trước' in head.text
    await leader.say("thôn nào chưa báo cáo")
    assert leader.text.splitlines()[1:3] == ["Đã báo cáo: Thôn Chợ: không có thay đổi.",
                                             "Hạn báo cáo: 30/09/2024."]
    await leader.say("thôn không có thay đổi")  # a leader reports nothing
    assert leader.text.startswith("Chỉ trưởng thôn")

    await proc.tick(FixedClock(vn(2024, 9, 23, 8)))  # the nudge before the cut-off
    nudged = {r.chat_id for r in await ledger_rows(proc.db) if r.kind == "nudge"
              and r.state == "sent"}
    assert nudged == {"to_head"}  # Thôn Chợ has reported: no nudge for Bà Minh
    assert "Thôn Tô chưa có báo cáo nào" in proc.channel.to("to_head")[-1].text

    await proc.tick(FixedClock(vn(2024, 10, 1, 8)))  # the digests after the cut-off
    officer_digest = proc.channel.to("officer")[-1].text
    assert ("Báo cáo quý 3/2024 (hạn 30/09/2024): 1/2 thôn đã báo cáo; quá hạn, chưa báo "
            "cáo: Thôn Tô.") in officer_digest
    leader_digest = proc.channel.to("leader")[-1].text
    assert "Báo cáo quý 3/2024 (hạn 30/09/2024): 1/11 thôn đã báo cáo; quá hạn" in leader_digest

    clock.moment = vn(2024, 10, 3, 9)  # Thôn Tô reports for quarter 3, late
    to_head = chat(proc, clock, "to_head")
    await to_head.say("quý 3/2024 không có thay đổi")
    assert to_head.text.startswith("Đã ghi nhận: Thôn Tô không có thay đổi trong quý 3/2024 – "
                                   "trễ hạn (hạn 30/09/2024).")
    await leader.say("thôn nào chưa báo cáo quý 3/2024")
    assert "Đã báo cáo: Thôn Chợ: không có thay đổi; Thôn Tô: không có thay đổi (trễ hạn)." \
        in leader.text
    officer = chat(proc, clock, "officer")
    await officer.say("/cho")  # quarter 4 has begun: nobody has reported for it yet
    assert "Báo cáo quý 4/2024 (hạn 31/12/2024): 0/2 thôn đã báo cáo; chưa báo cáo: Thôn Chợ," \
        " Thôn Tô." in officer.text


async def test_a_status_report_after_the_deadline_about_the_quarter_is_late(
        proc: Process) -> None:
    clock = FixedClock(vn(2024, 10, 2, 9))
    head, leader = chat(proc, clock, "head"), chat(proc, clock, "leader")
    await head.say("hộ bà Phạm Thị Đéc thoát nghèo ngày 5/9")
    await head.press("Xác nhận")
    await leader.say("thôn nào chưa báo cáo quý 3/2024")
    assert "Thôn Chợ: 1 báo cáo (trễ hạn)" in leader.text
    await leader.say("thôn nào chưa báo cáo")  # made in quarter 4: it counts there, on time
    assert "Thôn Chợ: 1 báo cáo." in leader.text
