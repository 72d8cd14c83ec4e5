"""The digest's XLSX: figures per village with the commune total, and the period's changes."""

from __future__ import annotations

import datetime as dt
import io
import math
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties

from domain.periods import Period
from messaging.labels import label
from messaging.render import VERDICTS, render
from services.figures import Figures
from storage.models import StatusChange

# columns of the summary sheet (0-based): those summed in the totals row, and the rate's
SUMMED = (1, 2, 3, 4, 5, 7, 9, 10, 11, 12, 13, 15)
HOUSEHOLDS, POOR_NOW, RATE = 1, 7, 8
HEADER = PatternFill("solid", fgColor="DDEBF7")
TOTAL = PatternFill("solid", fgColor="F2F2F2")
BOLD = Font(bold=True)


@dataclass(frozen=True)
class ChangeRow:
    """One reported change of the period, flattened for the sheet."""

    change_id: int
    happened_on: dt.date
    village: str
    household: str
    kind: str
    from_status: str
    to_status: str
    state: str
    reporter: str
    reported_on: dt.date
    decider: str
    note: str

    @classmethod
    def of(cls, change: StatusChange, household: str, village: str, reporter: str,
           decider: str) -> ChangeRow:
        """Flatten a stored change with the names it refers to."""
        return cls(change.id, change.happened_on, village, household, change.kind,
                   change.from_status, change.to_status, change.state, reporter,
                   change.reported_at.date(), decider, change.reason or change.note or "")


def summary_workbook(progress: Figures, ranked: list[Figures],
                     changes: list[ChangeRow], period: Period, parts: str | None = None) -> bytes:
    """XLSX bytes: sheet of figures (villages in rank order, then the total), sheet of changes.

    `parts` names the first column when the rows are not villages (communes of a district).
    """
    book = Workbook()
    sheet = book.active
    sheet.title = _label("xlsx.summary")
    sheet.append([_label("xlsx.title", unit=progress.name, period=period,
                         as_of=progress.as_of)])
    sheet["A1"].font = Font(bold=True, size=13)
    headers = _label("xlsx.summary_headers").split("|")
    _header(sheet, [parts or headers[0], *headers[1:]])
    rows = [_figures(village.name, village) for village in ranked]
    for row in rows:
        sheet.append(row)
    last = sheet.max_row
    stated = _figures(_label("xlsx.total"), progress)
    total = totals(rows, stated)
    sheet.append(total)
    for cell in sheet[sheet.max_row]:
        cell.font, cell.fill = BOLD, TOTAL
    for disagreement in progress.disagreements:
        sheet.append([_label("xlsx.disagreement", d=disagreement)])
    for column in SUMMED:
        if stated[column] is not None and total[column] is None:  # rows silent: the document
            sheet.append([_label("xlsx.stated_only", header=headers[column],
                                 stated=stated[column])])
    sheet.append([_label("xlsx.rounding")])
    for row in sheet.iter_rows(min_row=3, min_col=9, max_col=9):
        row[0].number_format = "0.00%"
    print_setup(sheet, header_row=2, last_row=last, columns=len(headers))
    _finish(sheet, first_width=26)
    _changes_sheet(book.create_sheet(_label("xlsx.changes")), changes)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def totals(rows: list[list[Any]], stated: list[Any]) -> list[Any]:
    """The totals row: each summed column is the sum of the rows above it (blank when no
    row has a figure); the rate is of those sums; verdicts are the unit's own."""
    if not rows:
        return stated
    total = list(stated)
    for column in SUMMED:
        figures = [row[column] for row in rows if row[column] is not None]
        total[column] = sum(figures) if figures else None
    complete = all(row[HOUSEHOLDS] is not None and row[POOR_NOW] is not None for row in rows)
    total[RATE] = total[POOR_NOW] / total[HOUSEHOLDS] \
        if complete and total[HOUSEHOLDS] else None
    return total


def pace_due(target: int | None, expected: float) -> int | None:
    """Households due by the pace line: target × share of the year, half rounded up
    (2,5 -> 3), for each row; a total is the sum of its rows, never rounded again."""
    return None if target is None else math.floor(target * expected + 0.5)


def print_setup(sheet: Any, header_row: int, last_row: int, columns: int) -> None:
    """A4 landscape, one page wide, title and header repeated on every page, page numbers,
    an autofilter on the rows (not on the totals and notes under them)."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    sheet.print_title_rows = f"1:{header_row}"
    sheet.oddFooter.center.text = _label("xlsx.page")
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(columns)}{last_row}"


def _figures(name: str, p: Figures) -> list[Any]:
    poor, near = p.poor, p.near_poor
    pace = pace_due(poor.target, p.expected)
    waiting = sum(poor.pending.as_tuple()) + sum(near.pending.as_tuple())
    return [name, p.households, poor.start, poor.target, poor.confirmed.net, pace,
            VERDICTS[p.poor_verdict.value], poor.now, p.poor_rate_now, poor.confirmed.fell_back,
            poor.confirmed.entries - poor.confirmed.fell_back, near.start, near.target,
            near.confirmed.net, VERDICTS[p.near_poor_verdict.value], waiting]


def _changes_sheet(sheet: Any, changes: list[ChangeRow]) -> None:
    _header(sheet, _label("xlsx.change_headers").split("|"), row=1)
    for c in changes:
        sheet.append([c.change_id, c.happened_on, c.village, c.household, label(c.kind),
                      label(f"status.{c.from_status}"), label(f"status.{c.to_status}"),
                      _label(f"state.{c.state}"), c.reporter, c.reported_on, c.decider, c.note])
    for row in sheet.iter_rows(min_row=2):
        for index in (1, 9):
            row[index].number_format = "DD/MM/YYYY"
    last = sheet.max_row
    if not changes:
        sheet.append([_label("xlsx.no_changes")])
    print_setup(sheet, header_row=1, last_row=max(last, 2), columns=sheet.max_column)
    _finish(sheet, first_width=12)


def _header(sheet: Any, titles: list[str], row: int = 2) -> None:
    if row > sheet.max_row:
        sheet.append(titles)
    else:
        for column, title in enumerate(titles, start=1):
            sheet.cell(row=row, column=column, value=title)
    for cell in sheet[row]:
        cell.font, cell.fill = BOLD, HEADER
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = f"B{row + 1}"


def _finish(sheet: Any, first_width: int) -> None:
    sheet.column_dimensions["A"].width = first_width
    for column in range(2, sheet.max_column + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 14


def _label(key: str, **values: Any) -> str:
    return render("digest_labels", key=key, **values)
