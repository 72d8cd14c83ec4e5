"""Read a plan file (CSV or XLSX) into validated records, collecting every error."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from domain.names import fold, nfc, split_unit_prefix
from domain.statuses import Status
from services.plan_table import Unreadable, header_index, read_table

LEVELS = ("province", "district", "commune", "village")
REQUIRED = ("nam", "tinh", "xa")
EMPTY = ("chỉ có dòng tiêu đề, chưa có dòng số liệu nào: không nhập gì; điền các dòng xã, "
         "thôn, hộ theo mẫu (data/FORMAT.md)")
PATH_COLUMNS = ["nam", "tinh", "huyen", "xa", "thon", "chu_ho", "ma_ho"]
COUNT_COLUMNS = [
    "so_ho", "so_khau", "ho_ngheo", "ho_can_ngheo", "khau_ngheo",
    "giam_ngheo", "giam_can_ngheo", "ngheo_con_lai", "can_ngheo_con_lai",
]  # fmt: skip
PEOPLE_COLUMNS = ["can_bo_phu_trach", "truong_thon", "lanh_dao"]
HOUSEHOLD_COLUMNS = [
    "tinh_trang", "nhan_khau", "lao_dong", "nguyen_nhan", "btxh", "dang_ky_thoat", "thieu_hut",
]  # fmt: skip
COLUMNS = [*PATH_COLUMNS, *COUNT_COLUMNS, *PEOPLE_COLUMNS, *HOUSEHOLD_COLUMNS, "ghi_chu"]
DEPRIVATIONS = [
    "viec_lam", "nguoi_phu_thuoc", "dinh_duong", "bhyt", "giao_duc_nguoi_lon", "di_hoc_tre_em",
    "chat_luong_nha", "dien_tich_nha", "nuoc_sinh_hoat", "nha_tieu", "vien_thong",
    "tiep_can_thong_tin",
]  # fmt: skip
STATUS_WORDS = {
    "ngheo": Status.POOR,
    "ho ngheo": Status.POOR,
    "can ngheo": Status.NEAR_POOR,
    "ho can ngheo": Status.NEAR_POOR,
}
Report = Callable[[str, str], None]
YES = {"co", "x", "1", "yes", "true", "dung"}
NO = {"khong", "0", "no", "false", "sai"}


@dataclass(frozen=True)
class Problem:
    """An error or warning tied to a place in the file."""

    file: str
    row: int | None
    column: str | None
    reason: str

    def __str__(self) -> str:
        place = self.file + (f", dòng {self.row}" if self.row else "")
        place += f", cột {self.column}" if self.column else ""
        return f"{place}: {self.reason}"


@dataclass
class PlanRow:
    """One validated row: a commune, a village or a household."""

    row: int
    year: int
    path: tuple[str, str, str, str]  # province, district ('' if none), commune, village
    counts: dict[str, int | None]
    people: dict[str, str | None]
    note: str | None
    household: HouseholdFields | None = None

    @property
    def is_commune(self) -> bool:
        """A commune row: no village named."""
        return not self.path[3]


@dataclass
class HouseholdFields:
    """The household part of a row."""

    head: str
    code: str | None
    status: Status
    members: int | None
    workers: int | None
    cause: str | None
    social_protection: bool | None
    registered: bool | None
    deprivations: dict[str, bool] | None


@dataclass
class PlanFile:
    """What was read: rows that passed, and every problem found."""

    name: str
    rows: list[PlanRow] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # how it was read, an empty table
    villages: set[tuple[str, ...]] = field(default_factory=set)  # every village row's place


def read_plan(path: Path) -> PlanFile:
    """Read and validate every row; errors are collected, not raised."""
    plan = PlanFile(name=str(path))
    try:
        table = read_table(path, is_header)
    except Unreadable as exc:
        plan.errors.append(Problem(plan.name, None, None, str(exc)))
        return plan
    plan.warnings += [Problem(plan.name, None, None, note) for note in table.notes]
    raw = [(number, cells) for number, cells in table.rows if any(cells)]
    if not raw:
        plan.errors.append(Problem(plan.name, None, None, "tệp trống, thiếu dòng tiêu đề"))
        return plan
    at = header_index(raw, is_header)
    header_row, header = raw[at][0], [_column_key(cell) for cell in raw[at][1]]
    _check_header(plan, header_row, header, raw[at][1])
    if plan.errors:
        return plan
    if not raw[at + 1:]:
        plan.warnings.append(Problem(plan.name, header_row, None, EMPTY))
    for number, cells in raw[at + 1:]:
        values = {
            key: nfc(cells[i]) if i < len(cells) else "" for i, key in enumerate(header) if key
        }
        errors_before = len(plan.errors)
        for (row, col), reason in sorted(table.uncomputed.items()):
            if row == number and col < len(header) and header[col]:
                plan.errors.append(Problem(plan.name, number, header[col], reason))
        _read_row(plan, number, values, errors_before)
    return plan


def is_header(cells: list[str]) -> bool:
    """A row naming the template's required columns (any case or diacritics)."""
    return set(REQUIRED) <= {_column_key(cell) for cell in cells}


def place_key(path: tuple[str, ...]) -> tuple[str, ...]:
    """Province, district, commune, village as the database matches them (no prefix)."""
    return tuple(split_unit_prefix(part, level)[1] if part else ""
                 for part, level in zip(path, LEVELS, strict=True))


def _check_header(plan: PlanFile, row: int, header: list[str], cells: list[str]) -> None:
    for index, key in enumerate(header):
        if key and key not in COLUMNS:
            plan.errors.append(Problem(plan.name, row, cells[index], "cột không có trong mẫu"))
    for required in REQUIRED:
        if required not in header:
            plan.errors.append(Problem(plan.name, row, required, "thiếu cột bắt buộc"))


def _column_key(cell: str) -> str:
    return fold(cell).replace(" ", "_")


def _read_row(plan: PlanFile, number: int, values: dict[str, str], errors_before: int) -> None:
    problem = _problem_reporter(plan, number)
    year = _integer(values.get("nam", ""), "nam", problem, required=True)
    if year is not None and not 2000 <= year <= 2100:
        problem("nam", f"năm {year} không hợp lệ")
    path = tuple(values.get(key, "") for key in ("tinh", "huyen", "xa", "thon"))
    for key, value in (("tinh", path[0]), ("xa", path[2])):
        if not value:
            problem(key, "bắt buộc, đang để trống")
    counts = {key: _integer(values.get(key, ""), key, problem) for key in COUNT_COLUMNS}
    people = {
        key: values.get(key) or None for key in ("can_bo_phu_trach", "truong_thon", "lanh_dao")
    }
    if path[3] and not values.get("chu_ho"):
        plan.villages.add(place_key(path))
    household = None
    if values.get("chu_ho"):
        if not path[3]:
            problem("thon", "dòng hộ phải ghi thôn của hộ")
        household = _household(values, problem)
    if len(plan.errors) == errors_before and year is not None:
        plan.rows.append(
            PlanRow(number, year, path, counts, people, values.get("ghi_chu") or None, household)  # type: ignore[arg-type]
        )


def _problem_reporter(plan: PlanFile, number: int) -> Report:
    def report(column: str, reason: str) -> None:
        plan.errors.append(Problem(plan.name, number, column, reason))

    return report


def _household(values: dict[str, str], problem: Report) -> HouseholdFields | None:
    status = STATUS_WORDS.get(fold(values.get("tinh_trang", "")))
    if status is None:
        problem("tinh_trang", f'"{values.get("tinh_trang", "")}" phải là "nghèo" hoặc "cận nghèo"')
    members = _integer(values.get("nhan_khau", ""), "nhan_khau", problem)
    workers = _integer(values.get("lao_dong", ""), "lao_dong", problem)
    if members == 0:
        problem("nhan_khau", "hộ phải có ít nhất 1 khẩu")
    if members is not None and workers is not None and workers > members:
        problem("lao_dong", f"{workers} lao động nhiều hơn {members} khẩu")
    deprivations = _deprivations(values.get("thieu_hut", ""), problem)
    social = _yes_no(values.get("btxh", ""), "btxh", problem)
    registered = _yes_no(values.get("dang_ky_thoat", ""), "dang_ky_thoat", problem)
    if status is None:
        return None
    return HouseholdFields(
        head=values["chu_ho"],
        code=values.get("ma_ho") or None,
        status=status,
        members=members,
        workers=workers,
        cause=values.get("nguyen_nhan") or None,
        social_protection=social,
        registered=registered,
        deprivations=deprivations,
    )


def _integer(text: str, column: str, problem: Report, required: bool = False) -> int | None:
    text = text.strip()
    if not text:
        if required:
            problem(column, "bắt buộc, đang để trống")
        return None
    if re.fullmatch(r"\d{1,3}([.\s]\d{3})+|\d+", text):
        return int(re.sub(r"[.\s]", "", text))
    problem(column, f'"{text}" không phải số nguyên không âm')
    return None


def _yes_no(text: str, column: str, problem: Report) -> bool | None:
    word = fold(text)
    if not word:
        return None
    if word in YES:
        return True
    if word in NO:
        return False
    problem(column, f'"{text}" phải là "có" hoặc "không"')
    return None


def _deprivations(text: str, problem: Report) -> dict[str, bool] | None:
    codes = [fold(code).replace(" ", "_") for code in re.split(r"[;,]", text) if code.strip()]
    if not codes:
        return None
    unknown = [code for code in codes if code not in DEPRIVATIONS]
    if unknown:
        problem("thieu_hut", f"mã không hợp lệ: {', '.join(unknown)}")
    return {code: code in codes for code in DEPRIVATIONS}
