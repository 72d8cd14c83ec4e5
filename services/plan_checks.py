"""Cross-row checks of a plan file: duplicates are errors, document slips are warnings."""

from __future__ import annotations

from collections import Counter, defaultdict

from domain.formatting import number
from domain.names import fold, split_title
from domain.statuses import Status
from services.plan_file import PEOPLE_COLUMNS, PlanFile, PlanRow, Problem

LABELS = {
    "so_ho": "số hộ",
    "so_khau": "số khẩu",
    "ho_ngheo": "hộ nghèo",
    "ho_can_ngheo": "hộ cận nghèo",
    "khau_ngheo": "khẩu nghèo",
    "giam_ngheo": "chỉ tiêu giảm nghèo",
    "giam_can_ngheo": "chỉ tiêu giảm cận nghèo",
    "ngheo_con_lai": "hộ nghèo còn lại",
    "can_ngheo_con_lai": "hộ cận nghèo còn lại",
}
REMAINING = (
    ("ho_ngheo", "giam_ngheo", "ngheo_con_lai"),
    ("ho_can_ngheo", "giam_can_ngheo", "can_ngheo_con_lai"),
)


def unit_key(row: PlanRow) -> tuple[object, ...]:
    """Year and folded path: how rows name the same unit."""
    return (row.year, *(fold(part) for part in row.path))


def household_key(row: PlanRow) -> tuple[object, ...]:
    """Unit key plus the household's code or folded head name."""
    assert row.household is not None
    name = fold(split_title(row.household.head)[1])
    return (*unit_key(row), row.household.code or name)


def check_plan(plan: PlanFile) -> list[Problem]:
    """Every warning; duplicate unit rows are appended to plan.errors."""
    _duplicate_units(plan)
    warnings: list[Problem] = []
    warnings += _duplicate_households(plan)
    warnings += _stated_totals(plan)
    for row in plan.rows:
        if row.household is None:
            warnings += _remaining(plan.name, row)
    warnings += _registered_vs_target(plan)
    warnings += _honorifics(plan)
    return warnings


def _duplicate_units(plan: PlanFile) -> None:
    first: dict[tuple[object, ...], int] = {}
    for row in plan.rows:
        if row.household is not None:
            continue
        key = unit_key(row)
        if key in first:
            plan.errors.append(
                Problem(
                    plan.name,
                    row.row,
                    "thon" if row.path[3] else "xa",
                    f"đơn vị đã có ở dòng {first[key]}",
                )
            )
        first.setdefault(key, row.row)


def _duplicate_households(plan: PlanFile) -> list[Problem]:
    first: dict[tuple[object, ...], int] = {}
    warnings = []
    for row in plan.rows:
        if row.household is None:
            continue
        key = household_key(row)
        if key in first:
            warnings.append(
                Problem(
                    plan.name,
                    row.row,
                    "chu_ho",
                    f"hộ {row.household.head} đã ghi ở dòng {first[key]}; "
                    "tính là một hộ, theo dòng đầu; dòng này không được nhập",
                )
            )
        first.setdefault(key, row.row)
    return warnings


def _stated_totals(plan: PlanFile) -> list[Problem]:
    villages: dict[tuple[object, ...], list[PlanRow]] = defaultdict(list)
    for row in plan.rows:
        if row.household is None and not row.is_commune:
            villages[unit_key(row)[:-1]].append(row)
    warnings = []
    for row in plan.rows:
        if row.household is not None or not row.is_commune:
            continue
        children = villages.get(unit_key(row)[:-1], [])
        for column, stated in row.counts.items():
            values = [v for v in (child.counts[column] for child in children) if v is not None]
            if stated is None or not values or sum(values) == stated:
                continue
            warnings.append(
                Problem(
                    plan.name,
                    row.row,
                    column,
                    f"{LABELS[column]}: văn bản ghi tổng {number(stated)}, "
                    f"cộng {len(values)} thôn được {number(sum(values))}",
                )
            )
    return warnings


def _remaining(name: str, row: PlanRow) -> list[Problem]:
    warnings = []
    for start_col, target_col, remaining_col in REMAINING:
        start, target = row.counts[start_col], row.counts[target_col]
        stated = row.counts[remaining_col]
        if start is not None and target is not None and target > start:
            warnings.append(
                Problem(
                    name,
                    row.row,
                    target_col,
                    f"chỉ tiêu giảm {target} lớn hơn số hộ đầu năm {start}",
                )
            )
        if start is None or target is None or stated is None:
            continue
        if start - target != stated:
            warnings.append(
                Problem(
                    name,
                    row.row,
                    remaining_col,
                    f"{LABELS[remaining_col]}: văn bản ghi {stated}, "
                    f"{start} - {target} = {start - target}",
                )
            )
    return warnings


def _registered_vs_target(plan: PlanFile) -> list[Problem]:
    registered: Counter[tuple[object, ...]] = Counter()
    seen = set()
    for row in plan.rows:
        if row.household is not None and row.household.registered:
            key = household_key(row)
            if key not in seen:
                seen.add(key)
                registered[(*unit_key(row), row.household.status)] += 1
    warnings = []
    for row in plan.rows:
        if row.household is not None or row.is_commune:
            continue
        for status, column in ((Status.POOR, "giam_ngheo"), (Status.NEAR_POOR, "giam_can_ngheo")):
            count, target = registered[(*unit_key(row), status)], row.counts[column]
            if any(key[:-1] == unit_key(row) for key in registered) and count != (target or 0):
                warnings.append(
                    Problem(
                        plan.name,
                        row.row,
                        column,
                        f"chỉ tiêu {target or 0} hộ nhưng danh sách đăng ký thoát có {count} hộ",
                    )
                )
    return warnings


def _honorifics(plan: PlanFile) -> list[Problem]:
    """'Ông' before a woman's middle name (Thị), 'Bà' before a man's (Văn); one person under
    two honorifics in different rows."""
    warnings = []
    first: dict[str, tuple[str, int]] = {}
    for row in plan.rows:
        named = [(c, row.people[c]) for c in PEOPLE_COLUMNS]
        named += [("chu_ho", row.household.head)] if row.household is not None else []
        for column, person in named:
            title, name = split_title(person or "")
            if title is None:
                continue
            if slip := _title_slip(title, name):
                warnings.append(Problem(plan.name, row.row, column, slip))
            seen = first.setdefault(fold(name), (title, row.row)) if column != "chu_ho" else None
            if seen is not None and seen[0] != title:
                warnings.append(Problem(plan.name, row.row, column, (
                    f'{name} ghi là "{title}", ở dòng {seen[1]} ghi là "{seen[0]}": '
                    "kiểm tra lại danh xưng")))
    return warnings


def _title_slip(title: str, name: str) -> str | None:
    middle = {fold(word) for word in name.split()[1:-1]}
    for wrong, word, whose in (("Ông", "thi", "nữ"), ("Bà", "van", "nam")):
        if title == wrong and word in middle:
            spelled = next(w for w in name.split()[1:-1] if fold(w) == word)
            return (f'danh xưng "{title}" trước {name}, mà tên đệm "{spelled}" thường là của '
                    f"{whose}: kiểm tra lại danh xưng")
    return None
