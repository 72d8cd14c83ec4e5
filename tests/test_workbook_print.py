"""The digest XLSX as a clerk prints it: A4 landscape, title and header repeated on each
page, an autofilter, totals that are the sums of their columns (the pace column's rounding
rule said on the sheet); LibreOffice converts it to PDF headless (skipped without it)."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from domain.periods import parse_period
from domain.progress import Flows, Track
from domain.schedule import Calendar
from services.figures import Figures
from services.period_files import period_file
from services.workbook import RATE, SUMMED, pace_due, summary_workbook
from storage.db import Database
from storage.unit_tree import unit_tree

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
COMMUNES = ("Xã Cẩm Bình", "Xã Hồng Thượng", "Phường Cam Phúc Nam")


async def _workbook(db: Database, name: str, period: str) -> bytes:
    async with db.session() as session:
        unit = next(n for n in (await unit_tree(session)).nodes if n.name == name)
        found = await period_file(session, unit, parse_period(period), "xlsx",
                                  dt.date(2026, 11, 22), Calendar())
    assert found is not None
    return found.content


def test_pace_is_rounded_half_up_per_row() -> None:
    """2,5 -> 3 (Python's round would give 2), 5,25 -> 5; no target, no pace."""
    assert [pace_due(5, 0.5), pace_due(7, 0.75), pace_due(3, 0.5), pace_due(None, 0.5)] == \
        [3, 5, 2, None]


@pytest.mark.parametrize("demo_db", ["sqlite"], indirect=True)
async def test_totals_are_the_sums_of_their_columns(demo_db: Database) -> None:
    """Every summed column of every demo commune's sheet, for a quarter, a half and a year;
    Cẩm Bình's pace column totals 18, as its rows add up (it said 17)."""
    for name in COMMUNES:
        for period in ("2024-Q3", "2024-H1", "2024"):
            sheet = load_workbook(io.BytesIO(await _workbook(demo_db, name, period))).active
            rows = list(sheet.iter_rows(min_row=3, values_only=True))
            end = next(i for i, row in enumerate(rows) if str(row[0]).startswith("Tổng cộng"))
            body, total = rows[:end], rows[end]
            for column in SUMMED:
                figures = [row[column] for row in body if row[column] is not None]
                assert total[column] == (sum(figures) if figures else None), (name, column)
            if all(row[1] for row in body):
                assert total[RATE] == pytest.approx(total[7] / total[1])
            if (name, period) == ("Xã Cẩm Bình", "2024-Q3"):
                assert total[5] == 18
            notes = [str(row[0]) for row in rows[end + 1:]]
            assert any("làm tròn cho từng dòng (từ 0,5 làm tròn lên)" in n for n in notes)
    notes = [str(r[0]) for r in load_workbook(io.BytesIO(
        await _workbook(demo_db, "Phường Cam Phúc Nam", "2024"))).active.iter_rows(
        values_only=True)]
    assert "Văn bản kế hoạch ghi hộ cận nghèo đầu năm: 174; các dòng trên không ghi" \
        " nên dòng tổng cộng để trống." in notes


@pytest.mark.parametrize("demo_db", ["sqlite"], indirect=True)
async def test_print_settings(demo_db: Database) -> None:
    """Both sheets: A4 landscape, one page wide, header rows repeated, an autofilter."""
    book = load_workbook(io.BytesIO(await _workbook(demo_db, "Xã Hồng Thượng", "2024-Q3")))
    summary, changes = book.worksheets
    for sheet, header in ((summary, 2), (changes, 1)):
        assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
        assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_title_rows == f"$1:${header}"
        assert sheet.auto_filter.ref.startswith(f"A{header}:")
    assert summary.auto_filter.ref == "A2:P9"  # the seven villages, not the totals under


def _long_workbook(rows: int) -> bytes:
    track = Track(10, 4, Flows(exits=1), Flows())
    parts = [Figures(f"Thôn {i}", dt.date(2026, 9, 30), 0.75, 100, track, track)
             for i in range(rows)]
    total = Figures("Xã Dài", dt.date(2026, 9, 30), 0.75, 100 * rows, track, track)
    return summary_workbook(total, parts, [], parse_period("2026-Q3"))


def _pdf_pages(xlsx: bytes, folder: Path) -> tuple[int, set[tuple[float, float]]]:
    """Convert with LibreOffice headless: the PDF's pages, and their sizes (points)."""
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "book.xlsx"
    source.write_bytes(xlsx)
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{folder / 'profile'}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(folder), str(source)],
                   check=True, capture_output=True, timeout=180)
    data = (folder / "book.pdf").read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", data))
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    return pages, {(round(float(w)), round(float(h))) for w, h in boxes}


@pytest.mark.skipif(SOFFICE is None, reason="no LibreOffice: apt-get install "
                    "libreoffice-calc-nogui (.ci/run does)")
@pytest.mark.parametrize("demo_db", ["sqlite"], indirect=True)
async def test_libreoffice_prints_it_on_a4_landscape(demo_db: Database, tmp_path: Path) -> None:
    """Cẩm Bình's digest: one landscape page per sheet; 120 villages: the summary runs on
    over several landscape pages (one page wide), nothing cut off to the right."""
    short = _pdf_pages(await _workbook(demo_db, "Xã Cẩm Bình", "2024-Q3"), tmp_path / "a")
    long = _pdf_pages(_long_workbook(120), tmp_path / "b")
    assert short == (2, {(842, 595)})  # A4 landscape: 842 x 595 points
    assert long[0] >= 3 and long[1] == {(842, 595)}
