"""What the digests and reminders say, against figures computed by hand from the demo data.

Cẩm Bình 2024: 11 villages, 67 poor at the start (target 23), 57 near-poor (target 35).
Thôn Chợ: 14 poor (target 7), 5 near-poor (target 3). At the end of Q3 a village on pace
has reached 3/4 of its target: 23 x 0,75 = 17,25 -> about 17 households for the commune.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from matplotlib.image import imread
from openpyxl import load_workbook
from sqlalchemy import select

from bot.cli import main
from domain.periods import parse_period
from domain.schedule import Calendar, PlannedSend, SendKind, planned_sends
from handlers.router import Dispatcher
from messaging.messages import Reply
from services.deliveries import compose
from services.digests import Occasion
from services.recipients import recipients
from storage.db import Database
from storage.models import Unit
from storage.people import add_scope, create_user
from tests.delivery_fakes import report_exit, vn
from tests.helpers import Chat, login

CAL = Calendar()


def send_of(kind: SendKind, period: str) -> PlannedSend:
    """The planned send of this kind and period."""
    return next(s for s in planned_sends(int(period[:4]), CAL)
                if s.kind is kind and s.period == parse_period(period))


async def composed(db: Database, kind: SendKind, period: str, name: str) -> list[Reply]:
    """What `name` would get for this send at its time."""
    send = send_of(kind, period)
    async with db.session() as session:
        found = [r for r in await recipients(session, kind, send.period.year)
                 if r.user.name == name]
        assert len(found) == 1, name
        replies = await compose(session, Occasion(send, CAL, send.due), found[0])
    assert replies is not None
    return replies


async def test_commune_digest_figures_before_any_report(demo_db: Database) -> None:
    [digest] = await composed(demo_db, SendKind.LEADER_DIGEST, "2024-Q3", "Đỗ Văn Liên")
    lines = digest.text.splitlines()
    assert lines[0] == "Xã Cẩm Bình – quý 3/2024 (đến 30/09/2024)"
    assert lines[1] == "Giảm nghèo: 0/23 – chậm tiến độ; theo tiến độ cần khoảng 17 hộ (75%)."
    assert lines[2] == "Giảm cận nghèo: 0/35 – chậm tiến độ."
    assert "Đến 30/09/2024 (đã xác nhận): 67 hộ nghèo, 57 hộ cận nghèo." in lines
    assert "hộ nghèo còn lại cuối năm 46 (tính được 44)" in digest.text  # the plan's slip, shown
    assert sum(1 for line in lines if re.match(r"\d+\. Thôn ", line)) == 11  # ranked villages


async def test_one_confirmed_exit_in_thon_cho(demo_db: Database) -> None:
    await report_exit(demo_db, "pham thi dec", dt.date(2024, 8, 20), confirm=True,
                      at=vn(2024, 8, 20, 9))
    [digest] = await composed(demo_db, SendKind.LEADER_DIGEST, "2024-Q3", "Đỗ Văn Liên")
    assert "Giảm nghèo: 1/23 – chậm tiến độ" in digest.text
    assert "Đến 30/09/2024 (đã xác nhận): 66 hộ nghèo, 57 hộ cận nghèo." in digest.text
    assert "Thôn Chợ: 1/7 – chậm tiến độ" in digest.text
    assert digest.text.index("Thôn Chợ: 1/7") < digest.text.index("Thôn Bình Hòa 1: 0/2")
    [officer] = await composed(demo_db, SendKind.OFFICER_DIGEST, "2024-Q3", "Đỗ Thị Nga")
    assert "Thôn Chợ: giảm nghèo 1/7 – chậm tiến độ; cận nghèo 0/3" in officer.text
    assert "Thôn Tô: giảm nghèo 0/3" in officer.text


async def test_workbook_figures_and_changes(demo_db: Database) -> None:
    await report_exit(demo_db, "pham thi dec", dt.date(2024, 8, 20), confirm=True,
                      at=vn(2024, 8, 20, 9))
    [digest] = await composed(demo_db, SendKind.LEADER_DIGEST, "2024-Q3", "Đỗ Văn Liên")
    assert digest.document is not None
    book = load_workbook(io.BytesIO(digest.document[1]))
    summary, changes = book.worksheets
    assert summary.title == "Tổng hợp" and changes.title == "Thay đổi trong kỳ"
    rows = {row[0]: row for row in summary.iter_rows(min_row=3, values_only=True)}
    cho = rows["Thôn Chợ"]
    assert cho[2:8] == (14, 7, 1, 5, "chậm tiến độ", 13)  # start, target, net, pace, verdict, now
    total = rows["Tổng cộng (tính từ các thôn)"]
    assert total[2:6] == (67, 23, 1, 18) and total[7] == 66 and total[11:14] == (57, 35, 0)
    # 18: the sum of the rows (each rounded half up), no longer 23 × 0,75 rounded
    [change] = list(changes.iter_rows(min_row=2, values_only=True))
    assert change[2:8] == ("Thôn Chợ", "Bà Phạm Thị Đéc", "Thoát nghèo hẳn", "nghèo",
                           "ngoài diện", "đã xác nhận")
    assert change[8] == "Bùi Thị Minh" and change[10] == "Đỗ Thị Nga"


async def test_chart_is_a_portrait_png(demo_db: Database) -> None:
    [digest] = await composed(demo_db, SendKind.LEADER_DIGEST, "2024-Q3", "Đỗ Văn Liên")
    assert digest.image is not None
    height, width, _ = imread(io.BytesIO(digest.image), format="png").shape
    assert 900 <= width <= 1100 and height > width  # phone-shaped, legible without zoom


async def test_officer_digest_puts_pending_reports_first(demo_db: Database) -> None:
    await report_exit(demo_db, "pham thi gang", dt.date(2024, 9, 2), confirm=False,
                      at=vn(2024, 9, 2, 9))
    [digest] = await composed(demo_db, SendKind.OFFICER_DIGEST, "2024-Q3", "Đỗ Thị Nga")
    lines = digest.text.splitlines()
    assert lines[1] == "Chờ anh/chị xác nhận: 1 báo cáo (gõ /cho để xác nhận)."
    assert "Phạm Thị Gang" in lines[2] and "Thoát nghèo hẳn" in lines[2]
    assert "Thôn Chợ: giảm nghèo 0/7 – chậm tiến độ; cận nghèo 0/3 – chậm tiến độ; " \
           "chờ xác nhận 1." in lines


async def test_reminder_names_households_still_to_exit(demo_db: Database) -> None:
    await report_exit(demo_db, "pham thi dec", dt.date(2024, 8, 20), confirm=True,
                      at=vn(2024, 8, 20, 9))
    await report_exit(demo_db, "pham thi gang", dt.date(2024, 9, 2), confirm=False,
                      at=vn(2024, 9, 2, 9))
    [reminder] = await composed(demo_db, SendKind.REMINDER, "2024-Q3", "Bùi Thị Minh")
    assert reminder.text.startswith("Nhắc báo cáo quý 3/2024: chốt số liệu ngày 30/09/2024")
    assert "Thôn Chợ: đã giảm 1/7 hộ nghèo, 0/3 hộ cận nghèo." in reminder.text
    assert "Đăng ký thoát nhưng chưa thoát (9):" in reminder.text
    assert "Phạm Thị Đéc" not in reminder.text
    assert "bà Phạm Thị Gang (đã báo, chờ xác nhận)" in reminder.text
    assert reminder.flat_buttons()[0].data == "rs:"


async def test_review_and_deadline_reminders(demo_db: Database) -> None:
    [review] = await composed(demo_db, SendKind.REVIEW, "2024", "Đỗ Văn Liên")
    assert review.text.splitlines()[:2] == [
        "Rà soát hộ nghèo, hộ cận nghèo năm 2024: từ 01/09/2024 đến 14/12/2024.",
        "Hạn gửi báo cáo năm: 10/11/2024."]
    [deadline] = await composed(demo_db, SendKind.DEADLINE, "2024", "Đỗ Văn Liên")
    assert deadline.text.startswith("Còn 7 ngày đến hạn báo cáo năm 2024 (10/11/2024).")
    assert "Xã Cẩm Bình: giảm nghèo 0/23" in deadline.text


async def test_report_now_button_starts_the_guided_report(demo_db: Database) -> None:
    head = Chat(Dispatcher(demo_db), await login(demo_db, "Bùi Thị Minh"))
    await head.say(button="rs:")
    labels = [b.label for reply in head.last for b in reply.flat_buttons()]
    assert "Thôn Chợ: chọn hộ" in head.text and any("Phạm Thị Đéc" in x for x in labels)


@pytest.mark.parametrize("period", ["2024-Q3", "2024-H1", "2024"])
def test_cli_preview_writes_chart_and_workbook(sqlite_templates: dict[str, Path],
                                               tmp_path: Path, period: str) -> None:
    database = tmp_path / "demo.db"
    shutil.copy(sqlite_templates["demo"], database)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["digest", "preview", "--unit", "Cẩm Bình", "--period", period, "--as",
               "Đỗ Văn Liên", "--out", str(out)], env={"DATABASE_URL": f"sqlite:///{database}"})
    assert result.exit_code == 0, result.output
    assert "Xã Cẩm Bình" in result.output and "chưa liên kết Telegram/Zalo" in result.output
    assert {p.suffix for p in out.iterdir()} == {".png", ".xlsx"}


async def add_area_officer(db: Database, name: str, role: str, unit_name: str) -> None:
    """A district or province officer over the unit named (the demo has none)."""
    async with db.session() as session, session.begin():
        unit = await session.scalar(select(Unit).where(Unit.name == unit_name))
        assert unit is not None
        user = await create_user(session, "Ông", name, role, "test", None)
        await add_scope(session, user, unit.id, "test", None)


async def test_district_and_province_officers_get_their_communes(demo_db: Database) -> None:
    await add_area_officer(demo_db, "Lê Văn Huyện", "district_officer", "Huyện Cẩm Thủy")
    await add_area_officer(demo_db, "Lê Văn Tỉnh", "province_officer", "Tỉnh Thanh Hóa")
    await report_exit(demo_db, "pham thi dec", dt.date(2024, 8, 20), confirm=True,
                      at=vn(2024, 8, 20, 9))
    [district] = await composed(demo_db, SendKind.AREA_DIGEST, "2024-Q3", "Lê Văn Huyện")
    lines = district.text.splitlines()
    assert lines[0] == "Huyện Cẩm Thủy – quý 3/2024 (đến 30/09/2024)"
    assert lines[1] == "Giảm nghèo: 1/23 – chậm tiến độ; theo tiến độ cần khoảng 17 hộ (75%)."
    assert "1 xã có kế hoạch: 0 đạt hoặc vượt tiến độ, 0 đúng tiến độ, 1 chậm tiến độ" \
        " giảm nghèo." in lines
    assert "Chậm tiến độ (1 xã): Xã Cẩm Bình: nghèo 1/23 – chậm tiến độ, cận nghèo 0/35" \
        " – chậm tiến độ." in lines
    assert district.document is not None and district.image is None
    book = load_workbook(io.BytesIO(district.document[1]))
    rows = list(book.worksheets[0].iter_rows(min_row=2, values_only=True))
    assert rows[0][0] == "Xã/Phường" and rows[1][0] == "Xã Cẩm Bình"
    assert rows[1][2:5] == (67, 23, 1) and rows[2][0] == "Tổng cộng (tính từ các thôn)"
    [change] = list(book.worksheets[1].iter_rows(min_row=2, values_only=True))
    assert change[3] == "Bà Phạm Thị Đéc"  # the officer's role covers the village
    [province] = await composed(demo_db, SendKind.AREA_DIGEST, "2024-Q3", "Lê Văn Tỉnh")
    assert province.text.startswith("Tỉnh Thanh Hóa – quý 3/2024")
    async with demo_db.session() as session:
        others = await recipients(session, SendKind.AREA_DIGEST, 2024)
    assert sorted(r.user.name for r in others) == ["Lê Văn Huyện", "Lê Văn Tỉnh"]
