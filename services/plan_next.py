"""Next year's plan file from today's confirmed figures, in the import format: the commune
fills the targets and imports it (a year starts in minutes, not from a blank sheet)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.names import sort_key
from domain.statuses import Status
from services.plan_file import COLUMNS
from services.progress import UnitProgress, unit_progress
from storage.idlists import among
from storage.models import Household, UnitPlan
from storage.unit_tree import UnitNode, unit_tree

Row = dict[str, str]
STATUS_WORDS = {Status.POOR.value: "nghèo", Status.NEAR_POOR.value: "cận nghèo"}
PATH_KEYS = {"province": "tinh", "district": "huyen", "commune": "xa"}


class NoPlanYet(Exception):
    """The commune has no plan at all: there is nothing to start the next year from."""


async def next_year_rows(session: AsyncSession, commune: UnitNode, year: int,
                         today: dt.date) -> list[Row]:
    """The commune row, each village (start = confirmed counts on `today`, targets blank)
    and the households still poor or near-poor, as the plan file's rows."""
    progress = await unit_progress(session, commune, today, names=False)
    if progress is None:
        raise NoPlanYet(commune.name)
    base = {"nam": str(year), **await _path(session, commune)}
    rows = [base | _counts(progress) | {"lanh_dao": _plan_field(progress.plan, "leader_name"),
                                        "ghi_chu": _note(today)}]
    ids = [v.unit.id for v in progress.villages]
    households = await _still_poor(session, ids)
    plans = {p.unit_id: p for p in (await session.scalars(select(UnitPlan).where(
        among(UnitPlan.unit_id, ids), UnitPlan.year == progress.year))).all()}  # names
    for village in sorted(progress.villages, key=lambda v: sort_key(v.unit.name)):
        place, plan = base | {"thon": village.unit.name}, plans.get(village.unit.id)
        rows.append(place | _counts(village) | {
            "so_ho": _text(village.households),
            "so_khau": _text(plan.population if plan else None),
            "can_bo_phu_trach": _plan_field(plan, "officer_name"),
            "truong_thon": _plan_field(plan, "head_name"), "ghi_chu": _note(today)})
        rows += [place | _household(h) for h in households.get(village.unit.id, [])]
    return rows


async def has_plan(session: AsyncSession, unit: UnitNode, year: int) -> bool:
    """Whether `unit` already has a plan for `year`."""
    query = select(UnitPlan.id).where(UnitPlan.unit_id == unit.id, UnitPlan.year == year)
    return await session.scalar(query.limit(1)) is not None


def write_rows(rows: list[Row], path: Path) -> None:
    """CSV (UTF-8 with BOM, so Excel shows the diacritics) or XLSX, by the file's suffix."""
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.append(COLUMNS)
        for row in rows:
            sheet.append([int(v) if v.isdigit() else v for v in (row.get(c, "") for c in COLUMNS)])
        book.save(path)
        return
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows([{c: row.get(c, "") for c in COLUMNS} for row in rows])


async def _path(session: AsyncSession, commune: UnitNode) -> Row:
    tree = await unit_tree(session)
    found = {"huyen": ""}
    for unit_id in [commune.id, *tree.ancestors(commune.id)]:
        unit = tree.by_id[unit_id]
        if unit.level in PATH_KEYS:
            found[PATH_KEYS[unit.level]] = unit.name
    return found


def _counts(progress: UnitProgress) -> Row:
    """Start counts of the new year: the confirmed counts today; targets left blank."""
    return {"ho_ngheo": _text(progress.poor.now), "ho_can_ngheo": _text(progress.near_poor.now)}


async def _still_poor(session: AsyncSession, village_ids: list[int],
                      ) -> dict[int, list[Household]]:
    query = (select(Household)
             .where(among(Household.village_id, village_ids), Household.listed.is_(True),
                    Household.status.in_(list(STATUS_WORDS)))
             .order_by(Household.id))
    found: dict[int, list[Household]] = {}
    for household in (await session.scalars(query)).all():
        found.setdefault(household.village_id, []).append(household)
    return found


def _household(h: Household) -> Row:
    deprivations = [code for code, lacking in (h.deprivations or {}).items() if lacking]
    return {"chu_ho": f"{h.title} {h.head_name}" if h.title else h.head_name,
            "ma_ho": h.code or "", "tinh_trang": STATUS_WORDS[h.status],
            "nhan_khau": _text(h.members), "lao_dong": _text(h.workers),
            "nguyen_nhan": h.cause or "", "btxh": _yes_no(h.social_protection),
            "thieu_hut": ";".join(deprivations)}


def _plan_field(plan: UnitPlan | None, name: str) -> str:
    return str(getattr(plan, name) or "") if plan else ""


def _note(today: dt.date) -> str:
    return (f"số đầu năm = số đã xác nhận đến {today.strftime('%d/%m/%Y')}; "
            "xã điền chỉ tiêu giảm nghèo, giảm cận nghèo")


def _text(value: int | None) -> str:
    return "" if value is None else str(value)


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("có" if value else "không")
