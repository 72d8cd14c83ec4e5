"""A year with no plan: next year's plan file from today's confirmed figures (it imports),
the reminder that the plan is missing, and the CLI saying why nothing goes out."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from sqlalchemy import select

from domain.schedule import SendKind, due_sends
from services.plan_import import import_plan
from services.plan_next import next_year_rows, write_rows
from services.recipients import recipients
from storage.db import Database
from storage.models import Unit, UnitPlan
from storage.unit_tree import unit_tree
from tests.delivery_fakes import report_exit, vn
from tests.test_digests import CAL, composed


async def _rows(db: Database, year: int, today: dt.date) -> list[dict[str, str]]:
    async with db.session() as session:
        tree = await unit_tree(session)
        [commune] = [u for u in tree.by_id.values() if u.name == "Xã Cẩm Bình"]
        return await next_year_rows(session, commune, year, today)


async def _plan_of(db: Database, name: str, year: int) -> UnitPlan | None:
    async with db.session() as session:
        return await session.scalar(select(UnitPlan).join(Unit, Unit.id == UnitPlan.unit_id)
                                    .where(Unit.name == name, UnitPlan.year == year))


async def test_next_year_file_starts_from_confirmed_counts_and_imports(
        demo_db: Database, tmp_path: Path) -> None:
    await report_exit(demo_db, "pham thi dec", dt.date(2026, 11, 20), confirm=True,
                      at=vn(2026, 11, 20, 9))
    await report_exit(demo_db, "pham thi gang", dt.date(2026, 11, 21), confirm=False,
                      at=vn(2026, 11, 21, 9))  # pending: not counted, still listed
    rows = await _rows(demo_db, 2027, dt.date(2026, 12, 3))
    [commune] = [r for r in rows if not r.get("thon")]
    assert (commune["ho_ngheo"], commune["ho_can_ngheo"], commune["lanh_dao"]) == \
        ("66", "57", "Ông Đỗ Văn Liên")
    [cho] = [r for r in rows if r.get("thon") == "Thôn Chợ" and not r.get("chu_ho")]
    assert (cho["ho_ngheo"], cho["ho_can_ngheo"]) == ("13", "5")
    assert not cho.get("giam_ngheo") and not cho.get("giam_can_ngheo")  # for the commune
    assert cho["can_bo_phu_trach"] == "Bà Đỗ Thị Nga" and "03/12/2026" in cho["ghi_chu"]
    heads = {r["chu_ho"]: r for r in rows if r.get("chu_ho")}
    assert "Bà Phạm Thị Đéc" not in heads and len(heads) == 56
    assert heads["Bà Phạm Thị Gang"]["tinh_trang"] == "nghèo"
    assert heads["Ông Đặng Thị Xuân"]["lao_dong"] == ""  # not stated stays not stated
    path = tmp_path / "ke_hoach_2027.xlsx"
    write_rows(rows, path)
    result = await import_plan(demo_db, path)
    assert result.ok and result.created["plan"] == 12, result.errors
    plan = await _plan_of(demo_db, "Thôn Chợ", 2027)
    assert plan is not None and (plan.poor, plan.near_poor, plan.target_poor) == (13, 5, None)


async def test_csv_is_utf8_with_bom_in_the_import_format(demo_db: Database, tmp_path: Path) -> None:
    path = tmp_path / "ke_hoach.csv"
    write_rows(await _rows(demo_db, 2025, dt.date(2024, 12, 1)), path)
    assert path.read_bytes().startswith("\ufeffnam,tinh,huyen,xa,thon".encode())
    with path.open(encoding="utf-8-sig") as handle:
        assert {r["nam"] for r in csv.DictReader(handle)} == {"2025"}
    assert (await import_plan(demo_db, path)).ok


async def test_plan_missing_reminder_before_the_year(demo_db: Database, tmp_path: Path) -> None:
    assert (SendKind.PLAN_MISSING, "2025") in {
        (s.kind, s.period.key) for s in due_sends(vn(2024, 12, 2, 9), CAL)}
    [admin] = await composed(demo_db, SendKind.PLAN_MISSING, "2025", "Quản trị")
    assert admin.text.startswith("Chưa có kế hoạch giảm nghèo năm 2025 cho 3 xã: Phường Cam "
                                 "Phúc Nam (4 thôn), Xã Cẩm Bình (11 thôn), Xã Hồng Thượng")
    assert 'giamngheo plan next-year --unit "Phường Cam Phúc Nam" --year 2025' in admin.text
    [officer] = await composed(demo_db, SendKind.PLAN_MISSING, "2025", "Đỗ Thị Nga")
    assert "Xã Cẩm Bình (2 thôn)" in officer.text and "giamngheo" not in officer.text
    path = tmp_path / "cam_binh_2025.csv"
    write_rows(await _rows(demo_db, 2025, dt.date(2024, 12, 1)), path)
    assert (await import_plan(demo_db, path)).ok
    [admin] = await composed(demo_db, SendKind.PLAN_MISSING, "2025", "Quản trị")
    assert "cho 2 xã" in admin.text and "Cẩm Bình" not in admin.text
    async with demo_db.session() as session:
        names = {r.user.name for r in await recipients(session, SendKind.PLAN_MISSING, 2025)}
    assert "Đỗ Thị Nga" not in names and "Quản trị" in names

