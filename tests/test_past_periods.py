"""A digest or reminder for a past period tells that period: reports dated later (2026, when
the plan is 2024's) neither count, nor wait, nor silence a reminder."""

from __future__ import annotations

import datetime as dt

from domain.schedule import SendKind
from messaging.messages import Reply
from services.deliveries import compose
from services.digests import Occasion
from services.recipients import recipients
from storage.db import Database
from tests.delivery_fakes import report_exit, vn
from tests.test_digests import CAL, composed, send_of


async def _reports_of_2026(db: Database) -> None:
    """Bà Phạm Thị Đéc exited (confirmed), Ông Phạm Văn Thuyết waits: both in Nov. 2026."""
    await report_exit(db, "pham thi dec", dt.date(2026, 11, 20), confirm=True,
                      at=vn(2026, 11, 20, 9))
    await report_exit(db, "pham van thuyet", dt.date(2026, 11, 21), confirm=False,
                      at=vn(2026, 11, 21, 9))


async def test_officer_digest_of_2024_q3_lists_no_2026_report(demo_db: Database) -> None:
    await _reports_of_2026(demo_db)
    [digest] = await composed(demo_db, SendKind.OFFICER_DIGEST, "2024-Q3", "Đỗ Thị Nga")
    assert "Không có báo cáo nào chờ xác nhận." in digest.text
    assert "2026" not in digest.text and "Thuyết" not in digest.text
    assert "Thôn Chợ: giảm nghèo 0/7 – chậm tiến độ; cận nghèo 0/3 – chậm tiến độ." in digest.text


async def test_leader_digest_is_labelled_with_the_period_end(demo_db: Database) -> None:
    await _reports_of_2026(demo_db)
    [digest] = await composed(demo_db, SendKind.LEADER_DIGEST, "2024-Q3", "Đỗ Văn Liên")
    assert "Đến 30/09/2024 (đã xác nhận): 67 hộ nghèo, 57 hộ cận nghèo." in digest.text
    assert "Hiện nay" not in digest.text and "Chờ xác nhận" not in digest.text
    assert "Giảm nghèo: 0/23" in digest.text


async def test_reminder_of_2024_q3_names_households_as_they_were(demo_db: Database) -> None:
    await _reports_of_2026(demo_db)
    [reminder] = await composed(demo_db, SendKind.REMINDER, "2024-Q3", "Bùi Thị Minh")
    assert "Đăng ký thoát nhưng chưa thoát (10): bà Phạm Thị Đéc," in reminder.text
    assert "chờ xác nhận" not in reminder.text


async def test_nudge_of_2024_q3_is_not_silenced_by_2026_reports(demo_db: Database) -> None:
    await _reports_of_2026(demo_db)
    nudge = await _nudge(demo_db)
    assert nudge is not None and "Thôn Chợ chưa có báo cáo nào" in nudge[0].text
    await report_exit(demo_db, "pham thi gang", dt.date(2024, 9, 2), confirm=False,
                      at=vn(2024, 9, 2, 9))
    assert await _nudge(demo_db) is None  # a report made in the quarter silences it


async def test_deadline_of_2024_counts_no_2026_pending(demo_db: Database) -> None:
    await _reports_of_2026(demo_db)
    [deadline] = await composed(demo_db, SendKind.DEADLINE, "2024", "Đỗ Thị Nga")
    assert "chờ xác nhận" not in deadline.text and "/cho" not in deadline.text


async def test_review_reminder_never_tells_a_head_to_type_cho(demo_db: Database) -> None:
    await _reports_of_2026(demo_db)
    [head] = await composed(demo_db, SendKind.REVIEW, "2024", "Bùi Thị Minh")
    assert "/cho" not in head.text and "Báo cáo ngay" in head.text
    [officer] = await composed(demo_db, SendKind.REVIEW, "2024", "Đỗ Thị Nga")
    assert "/cho" in officer.text


async def _nudge(db: Database) -> list[Reply] | None:
    send = send_of(SendKind.NUDGE, "2024-Q3")
    async with db.session() as session:
        [head] = [r for r in await recipients(session, SendKind.NUDGE, 2024)
                  if r.user.name == "Bùi Thị Minh"]
        return await compose(session, Occasion(send, CAL, send.due), head)
