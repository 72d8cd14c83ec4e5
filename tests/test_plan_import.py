"""Plan import: demo figures match the documents, errors, warnings, idempotence, XLSX."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import func, select

from services.demo import DEMO_FOLDER
from services.plan_import import import_plan
from storage.db import Database
from storage.models import AuditEvent, ExitRegistration, Household, Unit, UnitPlan, User

CAM_BINH = DEMO_FOLDER / "cam_binh_2024.csv"
HONG_THUONG = DEMO_FOLDER / "hong_thuong_2024.csv"


async def _count(db: Database, model: type) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _plan(db: Database, name_key: str) -> UnitPlan:
    async with db.session() as session:
        plan = await session.scalar(
            select(UnitPlan)
            .join(Unit, Unit.id == UnitPlan.unit_id)
            .where(Unit.name_key == name_key)
        )
        assert plan is not None
        return plan


async def test_demo_figures_match_the_documents(demo_db: Database) -> None:
    cho = await _plan(demo_db, "cho")
    assert (cho.poor, cho.target_poor, cho.near_poor, cho.target_near_poor) == (14, 7, 5, 3)
    assert (cho.officer_name, cho.head_name) == ("Bà Đỗ Thị Nga", "Bà Bùi Thị Minh")
    cam_binh = await _plan(demo_db, "cam binh")
    assert (cam_binh.poor, cam_binh.target_poor, cam_binh.near_poor, cam_binh.target_near_poor) == (
        67,
        23,
        57,
        35,
    )
    assert cam_binh.leader_name == "Ông Đỗ Văn Liên"
    hong_thuong = await _plan(demo_db, "hong thuong")
    assert (hong_thuong.households, hong_thuong.population, hong_thuong.poor) == (817, 3014, 113)
    cam_phuc_nam = await _plan(demo_db, "cam phuc nam")
    assert (cam_phuc_nam.households, cam_phuc_nam.poor, cam_phuc_nam.target_poor) == (1856, 21, 4)
    async with demo_db.session() as session:
        villages = await session.scalar(
            select(func.count()).select_from(Unit).where(Unit.level == "village")
        )
        # 11 villages (Cẩm Bình) + 7 (Hồng Thượng) + 4 residential groups (Cam Phúc Nam)
        assert villages == 22
        # 58 named rows, one household named twice (Triệu Văn Thìn): 57 households
        assert await session.scalar(select(func.count()).select_from(Household)) == 57
        assert await session.scalar(select(func.count()).select_from(ExitRegistration)) == 57
        dec = await session.scalar(select(Household).where(Household.name_key == "pham thi dec"))
        assert dec is not None and (dec.members, dec.workers, dec.status) == (4, 2, "poor")


async def test_demo_users_are_the_people_the_seeds_name(demo_db: Database) -> None:
    async with demo_db.session() as session:
        roles = dict((await session.execute(select(User.name, User.role))).all())
    assert roles["Đỗ Văn Liên"] == "commune_leader"
    assert roles["Bùi Thị Minh"] == "village_head"
    assert roles["Đỗ Thị Nga"] == "officer"
    assert roles["Quản trị"] == "admin"


async def test_reimport_changes_nothing(demo_db: Database) -> None:
    audits = await _count(demo_db, AuditEvent)
    result = await import_plan(demo_db, CAM_BINH)
    assert result.ok and not result.changed
    assert await _count(demo_db, AuditEvent) == audits


async def test_warnings_show_the_documents_slips(db: Database) -> None:
    result = await import_plan(db, HONG_THUONG)
    assert result.ok
    texts = [str(w) for w in result.warnings]
    assert any("văn bản ghi tổng 40, cộng 7 thôn được 43" in t for t in texts)
    assert any("văn bản ghi tổng 75, cộng 7 thôn được 74" in t for t in texts)
    cam_binh = await import_plan(db, CAM_BINH)
    assert any("Triệu Văn Thìn đã ghi ở dòng" in str(w) for w in cam_binh.warnings)


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    with CAM_BINH.open(encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        for row in rows:
            writer.writerow({key: row.get(key, "") for key in header})
    return path


BASE = {"nam": "2024", "tinh": "Tỉnh Thanh Hóa", "huyen": "Huyện Cẩm Thủy", "xa": "Xã Cẩm Bình"}


async def test_every_error_is_reported_and_nothing_written(db: Database, tmp_path: Path) -> None:
    path = _write(
        tmp_path / "bad.csv",
        [
            BASE | {"thon": "Thôn Chợ", "ho_ngheo": "14", "giam_ngheo": "bảy"},
            BASE
            | {
                "thon": "Thôn Chợ",
                "chu_ho": "Bà Phạm Thị Đéc",
                "tinh_trang": "giàu",
                "nhan_khau": "4",
            },
            BASE
            | {
                "thon": "Thôn Tô",
                "chu_ho": "Ông A B",
                "tinh_trang": "nghèo",
                "nhan_khau": "2",
                "lao_dong": "3",
            },
            BASE | {"nam": "", "thon": "Thôn Xanh"},
        ],
    )
    result = await import_plan(db, path)
    assert not result.ok
    found = {(p.row, p.column) for p in result.errors}
    assert found == {(2, "giam_ngheo"), (3, "tinh_trang"), (4, "lao_dong"), (5, "nam")}
    assert all(p.file.endswith("bad.csv") for p in result.errors)
    assert await _count(db, Unit) == 0


async def test_household_of_unknown_village_rolls_everything_back(
    db: Database, tmp_path: Path
) -> None:
    path = _write(
        tmp_path / "orphan.csv",
        [
            BASE | {"thon": "Thôn Chợ", "ho_ngheo": "14"},
            BASE | {"thon": "Thôn Không Có", "chu_ho": "Bà X Y", "tinh_trang": "nghèo"},
        ],
    )
    result = await import_plan(db, path)
    assert [(p.row, p.column) for p in result.errors] == [(3, "thon")]
    assert await _count(db, UnitPlan) == 0


async def test_updated_file_updates_and_is_audited(db: Database, tmp_path: Path) -> None:
    first = _write(
        tmp_path / "v1.csv", [BASE | {"thon": "Thôn Chợ", "ho_ngheo": "14", "giam_ngheo": "7"}]
    )
    assert (await import_plan(db, first)).changed
    second = _write(
        tmp_path / "v2.csv", [BASE | {"thon": "Thôn Chợ", "ho_ngheo": "15", "giam_ngheo": "7"}]
    )
    result = await import_plan(db, second)
    assert result.updated["plan"] == 1
    assert (await _plan(db, "cho")).poor == 15
    async with db.session() as session:
        update = await session.scalar(select(AuditEvent).where(AuditEvent.action == "plan.update"))
    assert update is not None and update.before == {"poor": 14}
    assert update.after is not None and update.after["poor"] == 15


async def test_xlsx_imports_like_csv(db: Database, tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    with CAM_BINH.open(encoding="utf-8") as handle:
        for row in csv.reader(handle):
            sheet.append([int(c) if c.isdigit() else c for c in row])
    path = tmp_path / "cam_binh.xlsx"
    workbook.save(path)
    result = await import_plan(db, path)
    assert result.ok and result.created["household"] == 57
    assert (await _plan(db, "cho")).poor == 14


async def test_unknown_column_and_wrong_extension(db: Database, tmp_path: Path) -> None:
    bad_header = tmp_path / "x.csv"
    bad_header.write_text("nam,tinh,xa,mau_sac\n2024,A,B,do\n", encoding="utf-8")
    result = await import_plan(db, bad_header)
    assert [(p.row, p.column) for p in result.errors] == [(1, "mau_sac")]
    other = tmp_path / "x.txt"
    other.write_text("hello", encoding="utf-8")
    assert "csv" in (await import_plan(db, other)).errors[0].reason
