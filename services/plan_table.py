"""The cells of a plan file as a commune's clerk saves it: CSV in any common encoding and
separator, XLSX on the sheet that holds the plan, formulas without a saved result marked."""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

IsHeader = Callable[[list[str]], bool]
Rows = list[tuple[int, list[str]]]  # row number in the file, the cells' text
SEPARATORS = (",", ";", "\t")
LOOK = 20  # rows searched for the header (title rows may stand above it)
RESAVE_CSV = "lưu lại dạng CSV UTF-8 (Excel: Lưu thành → CSV UTF-8 (Comma delimited))"
RESAVE_XLSX = "mở bằng Excel rồi lưu lại dạng Excel Workbook (.xlsx) hoặc CSV UTF-8"
_TONES = "\u0300\u0301\u0303\u0309\u0323"
VIETNAMESE = {unicodedata.normalize("NFC", base + tone) for base in "aăâeêioôơuưy"
              for tone in ("", *_TONES)} | {"đ"}
PUNCTUATION = set("–—‘’“”…•°·«»\u00a0")


class Unreadable(Exception):
    """The file cannot be read as a plan table; the message says why and what to do."""


@dataclass
class Table:
    """The rows of the sheet that holds the plan, and how it was read."""

    rows: Rows
    notes: list[str] = field(default_factory=list)  # warnings: an encoding guessed, a sheet
    uncomputed: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col): why


def read_table(path: Path, is_header: IsHeader) -> Table:
    """The cells of a .csv or .xlsx file; Unreadable with a Vietnamese reason otherwise."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise Unreadable("chỉ nhận tệp .csv hoặc .xlsx")
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise Unreadable("không tìm thấy tệp") from exc
    except OSError as exc:
        raise Unreadable(f"không mở được tệp ({exc.strerror})") from exc
    if suffix == ".xlsx":
        return _xlsx(data, is_header)
    text, note = _decode(data)
    table = Table(_csv_rows(text, is_header))
    table.notes += [note] if note else []
    return table


def header_index(rows: Rows, is_header: IsHeader) -> int:
    """Index of the header among `rows`: the first row that is one, else the first row."""
    return next((i for i, (_, cells) in enumerate(rows[:LOOK]) if is_header(cells)), 0)


def _decode(data: bytes) -> tuple[str, str | None]:
    """Text of a CSV and a note when the encoding was guessed; UTF-8, UTF-16, Windows-1258."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return _strict(data, codec), None
    sample = data[:400]
    if sample.count(0) * 4 > len(sample):  # UTF-16 with no BOM: every other byte is 0
        little = sample[1::2].count(0) > sample[0::2].count(0)
        return _strict(data, "utf-16-le" if little else "utf-16-be"), None
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    text = _strict(data, "cp1258")
    odd = {c for c in unicodedata.normalize("NFC", text).lower()
           if ord(c) > 127 and c not in VIETNAMESE | PUNCTUATION}
    if odd:
        raise Unreadable(f"không nhận ra bảng mã của tệp (không phải UTF-8): {RESAVE_CSV}")
    note = f"tệp không phải UTF-8, đã đọc theo bảng mã Windows-1258; nếu sai chữ, {RESAVE_CSV}"
    return text, note


def _strict(data: bytes, codec: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise Unreadable(f"không đọc được bảng mã của tệp: {RESAVE_CSV}") from exc


def _csv_rows(text: str, is_header: IsHeader) -> Rows:
    """Rows split on the separator that yields the plan's header (Excel's ';' included)."""
    parsed = {sep: _split(text, sep) for sep in SEPARATORS}
    found = [sep for sep in SEPARATORS
             if any(is_header(cells) for _, cells in parsed[sep][:LOOK])]
    first_line = text.partition("\n")[0]
    sep = found[0] if found else max(SEPARATORS, key=first_line.count)
    return parsed[sep]


def _split(text: str, sep: str) -> Rows:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    try:
        return [(number, [cell.strip() for cell in cells])
                for number, cells in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise Unreadable(f"không đọc được dòng {reader.line_num}: {RESAVE_CSV}") from exc


def _xlsx(data: bytes, is_header: IsHeader) -> Table:
    """The first sheet holding the plan's header (else the first); formulas' saved results."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise Unreadable(f"không phải tệp Excel .xlsx đọc được: {RESAVE_XLSX}") from exc
    try:
        sheets = [(sheet.title, _cells(sheet)) for sheet in book.worksheets]
    finally:
        book.close()
    if not sheets:
        raise Unreadable(f"tệp không có trang tính nào: {RESAVE_XLSX}")
    index = next((i for i, (_, rows) in enumerate(sheets)
                  if any(is_header([_text(c) for c in cells]) for cells in rows[:LOOK])), 0)
    title, rows = sheets[index]
    table = Table([])
    if index:
        table.notes.append(f'đọc trang "{title}" (trang "{sheets[0][0]}" không có tiêu đề của mẫu)')
    cached = _cached(data, title) if any(_formula(c) for r in rows for c in r) else []
    for number, cells in enumerate(rows, start=1):
        texts = []
        for col, cell in enumerate(cells):
            value = _at(cached, number - 1, col) if _formula(cell) else cell
            if _formula(cell) and value is None:
                table.uncomputed[(number, col)] = _uncomputed(number, col, str(cell))
            texts.append(_text(value))
        table.rows.append((number, texts))
    return table


def _uncomputed(row: int, col: int, formula: str) -> str:
    from openpyxl.utils import get_column_letter

    return (f"ô {get_column_letter(col + 1)}{row} là công thức {formula} nhưng tệp không lưu "
            "kết quả: mở tệp bằng Excel, bấm Lưu rồi nhập lại, hoặc ghi số thay cho công thức")


def _cells(sheet: Any) -> list[list[Any]]:
    return [list(row) for row in sheet.iter_rows(min_row=1, values_only=True)]


def _cached(data: bytes, title: str) -> list[list[Any]]:
    """The results Excel saved beside each formula (None where none was saved)."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        rows = _cells(book[title])
    finally:
        book.close()
    return rows


def _at(rows: list[list[Any]], row: int, col: int) -> Any:
    return rows[row][col] if row < len(rows) and col < len(rows[row]) else None


def _formula(value: object) -> bool:
    return isinstance(value, str) and value.startswith("=")


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
