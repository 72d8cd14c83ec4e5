"""Plan files as communes really save them: other encodings and separators, sheets, formulas,
wrong files. Each gets a Vietnamese message with file, row, column and what to do, and a file
with an error writes nothing."""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import func, select

from services.plan_import import import_plan
from storage.db import Database
from storage.models import Household, Unit, UnitPlan

BASE = {"nam": "2025", "tinh": "Tỉnh Thanh Hóa", "huyen": "Huyện Cẩm Thủy", "xa": "Xã Cẩm Bình"}
HEADER = ["nam", "tinh", "huyen", "xa", "thon", "chu_ho", "ho_ngheo", "ho_can_ngheo",
          "giam_ngheo", "can_bo_phu_trach", "truong_thon", "tinh_trang", "nhan_khau", "lao_dong"]
ROWS = [
    BASE | {"thon": "Thôn Chợ", "ho_ngheo": "14", "ho_can_ngheo": "5", "giam_ngheo": "7",
            "can_bo_phu_trach": "Bà Đỗ Thị Nga", "truong_thon": "Bà Bùi Thị Minh"},
    BASE | {"thon": "Thôn Chợ", "chu_ho": "Bà Phạm Thị Đéc", "tinh_trang": "nghèo",
            "nhan_khau": "4", "lao_dong": ""},
]
TONES = "\u0300\u0301\u0303\u0309\u0323"


def _text(rows: list[dict[str, str]], sep: str = ",") -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=HEADER, delimiter=sep, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows([{k: row.get(k, "") for k in HEADER} for row in rows])
    return buffer.getvalue()


def _cp1258(text: str) -> bytes:
    """Windows-1258 as Windows writes it: letters with their shape, tones as combining marks."""
    out = b""
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            base, *marks = unicodedata.normalize("NFD", char)
            shape = "".join(m for m in marks if m not in TONES)
            tone = "".join(m for m in marks if m in TONES)
            out += (unicodedata.normalize("NFC", base + shape) + tone).encode("cp1258")
    return out


def _sheet(book: Workbook, title: str, rows: list[list[object]]) -> None:
    sheet = book.create_sheet(title)
    for row in rows:
        sheet.append(row)


def _grid(rows: list[dict[str, str]]) -> list[list[object]]:
    """The header and the rows as sheet cells."""
    return [list(HEADER), *[[row.get(k, "") for k in HEADER] for row in rows]]


def _xlsx(path: Path, grid: list[list[object]],
          before: tuple[tuple[str, list[list[object]]], ...] = ()) -> Path:
    """A workbook: the sheets `before`, then the plan's sheet holding `grid`."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, cells in [*before, ("Kế hoạch", grid)]:
        _sheet(book, title, cells)
    book.save(path)
    return path


async def _count(db: Database, model: type) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _dec(db: Database) -> Household:
    async with db.session() as session:
        found = await session.scalar(select(Household).where(Household.name_key == "pham thi dec"))
    assert found is not None
    return found


async def test_png_renamed_xlsx_says_what_it_is(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "ke_hoach.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    result = await import_plan(db, path)
    assert [(p.row, p.column) for p in result.errors] == [(None, None)]
    assert "không phải tệp Excel .xlsx" in str(result.errors[0])
    assert "lưu lại dạng Excel Workbook (.xlsx)" in result.errors[0].reason
    assert str(result.errors[0]).startswith(str(path))
    assert await _count(db, Unit) == 0


async def test_utf16_tab_separated_imports(db: Database, tmp_path: Path) -> None:
    """Excel's "Unicode Text": UTF-16 with a byte-order mark, tab-separated."""
    path = tmp_path / "unicode.csv"
    path.write_bytes(_text(ROWS, "\t").encode("utf-16"))
    result = await import_plan(db, path)
    assert result.ok and result.created["household"] == 1, result.errors
    assert (await _dec(db)).head_name == "Phạm Thị Đéc"


async def test_windows_1258_imports_with_a_warning(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "cp1258.csv"
    path.write_bytes(_cp1258(_text(ROWS)))
    result = await import_plan(db, path)
    assert result.ok, result.errors
    assert any("Windows-1258" in w.reason and "CSV UTF-8" in w.reason for w in result.warnings)
    assert (await _dec(db)).head_name == "Phạm Thị Đéc"  # composed (NFC), as typed in UTF-8
    async with db.session() as session:
        names = set((await session.scalars(select(Unit.name))).all())
    assert "Thôn Chợ" in names


async def test_unknown_encoding_asks_for_utf8(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes(_text(ROWS).encode("utf-8") + "Thôn Chợ".encode("utf-16-le"))
    result = await import_plan(db, path)
    assert not result.ok and "lưu lại dạng CSV UTF-8" in result.errors[0].reason
    assert await _count(db, Unit) == 0


async def test_semicolon_separated_imports(db: Database, tmp_path: Path) -> None:
    """Excel's CSV with Vietnamese regional settings separates with ';'."""
    path = tmp_path / "excel_vn.csv"
    path.write_text(_text(ROWS, ";"), encoding="utf-8-sig")
    result = await import_plan(db, path)
    assert result.ok and result.created["household"] == 1, result.errors


async def test_formula_without_saved_result_is_an_error_on_its_cell(
        db: Database, tmp_path: Path) -> None:
    """openpyxl saves formulas with no result (like files written by programs, not Excel)."""
    grid = _grid(ROWS)
    grid[1][HEADER.index("ho_can_ngheo")] = "=4+5"
    result = await import_plan(db, _xlsx(tmp_path / "formula.xlsx", grid))
    assert [(p.row, p.column) for p in result.errors] == [(2, "ho_can_ngheo")]
    assert "ô H2 là công thức =4+5" in result.errors[0].reason
    assert "bấm Lưu" in result.errors[0].reason
    assert await _count(db, UnitPlan) == 0


async def test_formula_with_saved_result_takes_the_result(db: Database, tmp_path: Path) -> None:
    grid = _grid(ROWS)
    grid[1][HEADER.index("ho_can_ngheo")] = "=4+5"
    path = _xlsx(tmp_path / "saved.xlsx", grid)
    parts = dict((n, zipfile.ZipFile(path).read(n)) for n in zipfile.ZipFile(path).namelist())
    sheet = next(n for n in parts if n.startswith("xl/worksheets/"))
    assert b"<f>4+5</f><v />" in parts[sheet]
    parts[sheet] = parts[sheet].replace(b"<f>4+5</f><v />", b"<f>4+5</f><v>9</v>")
    with zipfile.ZipFile(path, "w") as rewritten:
        for name, data in parts.items():
            rewritten.writestr(name, data)
    result = await import_plan(db, path)
    assert result.ok, result.errors
    async with db.session() as session:
        assert await session.scalar(select(UnitPlan.near_poor)) == 9


async def test_instructions_sheet_first(db: Database, tmp_path: Path) -> None:
    guide = [["HƯỚNG DẪN ĐIỀN MẪU"], ["Mỗi dòng là một xã, một thôn hoặc một hộ."]]
    title_rows = [["KẾ HOẠCH GIẢM NGHÈO NĂM 2025"], []]
    grid = [*title_rows, *_grid(ROWS)]
    result = await import_plan(db, _xlsx(tmp_path / "guide.xlsx", grid, (("Hướng dẫn", guide),)))
    assert result.ok and result.created["household"] == 1, result.errors
    assert any('trang "Kế hoạch"' in w.reason for w in result.warnings)


async def test_header_only_is_a_warning(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text(_text([]), encoding="utf-8")
    result = await import_plan(db, path)
    assert result.ok and not result.changed
    assert [(w.row, w.column) for w in result.warnings] == [(1, None)]
    assert "chỉ có dòng tiêu đề" in result.warnings[0].reason


async def test_every_error_of_a_file_in_one_run(db: Database, tmp_path: Path) -> None:
    """A bad number, a duplicated village and a household of a village with no row: all at
    once (the missing village used to appear only after the others were fixed)."""
    rows = [
        ROWS[0] | {"giam_ngheo": "bảy"},
        ROWS[0],
        ROWS[0] | {"thon": "Thôn Vinh", "ho_ngheo": "1"},
        ROWS[0] | {"thon": "Thôn Vinh", "ho_ngheo": "1"},
        ROWS[1] | {"thon": "Thôn Không Có"},
        ROWS[1] | {"nhan_khau": "bốn"},
    ]
    path = tmp_path / "bad.csv"
    path.write_text(_text(rows), encoding="utf-8")
    result = await import_plan(db, path)
    found = [(p.row, p.column) for p in result.errors]
    assert found == [(2, "giam_ngheo"), (5, "thon"), (6, "thon"), (7, "nhan_khau")]
    assert "thêm dòng thôn này" in result.errors[2].reason
    assert await _count(db, Unit) == 0


async def test_honorific_slips_are_warnings(db: Database, tmp_path: Path) -> None:
    rows = [
        ROWS[0],
        ROWS[0] | {"thon": "Thôn Tô", "can_bo_phu_trach": "Ông Đỗ Thị Nga", "truong_thon": ""},
        ROWS[1] | {"chu_ho": "Ông Đặng Thị Xuân"},
        ROWS[1] | {"chu_ho": "Bà Bùi Văn Tươi"},
    ]
    path = tmp_path / "titles.csv"
    path.write_text(_text(rows), encoding="utf-8")
    result = await import_plan(db, path)
    assert result.ok
    slips = {(w.row, w.column, w.reason.split(":")[0]) for w in result.warnings}
    assert slips == {
        (3, "can_bo_phu_trach", 'danh xưng "Ông" trước Đỗ Thị Nga, mà tên đệm "Thị" thường là '
                                "của nữ"),
        (3, "can_bo_phu_trach", 'Đỗ Thị Nga ghi là "Ông", ở dòng 2 ghi là "Bà"'),
        (4, "chu_ho", 'danh xưng "Ông" trước Đặng Thị Xuân, mà tên đệm "Thị" thường là của nữ'),
        (5, "chu_ho", 'danh xưng "Bà" trước Bùi Văn Tươi, mà tên đệm "Văn" thường là của nam'),
    }


async def test_empty_cells_stay_not_stated(demo_db: Database) -> None:
    """The plan gives no number of workers for five households: none, not 0; one says 0."""
    async with demo_db.session() as session:
        workers = dict((await session.execute(select(Household.head_name, Household.workers)))
                       .all())
    for name in ("Trương Thị Thanh", "Trịnh Văn Cẩn", "Trịnh Trọng Tâm", "Đặng Thị Xuân",
                 "Phạm Thị Hoa"):
        assert workers[name] is None, name
    assert workers["Hà Thị Quyết"] == 0  # "0 lao động chính"
    assert (await _dec(demo_db)).workers == 2
