"""`giamngheo plan next-year`: next year's plan file, written from today's confirmed figures."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from bot.app import App, build
from bot.cli_admin import EVERYTHING
from domain.names import fold
from services.lookup import best_units
from services.plan_next import NoPlanYet, has_plan, next_year_rows, write_rows
from storage.unit_tree import UnitNode, UnitTree, unit_tree


@click.group()
def plan() -> None:
    """Plan files: start the next year from today's figures."""


@plan.command("next-year")
@click.option("--unit", "unit_name", required=True, help="The commune, e.g. 'Cẩm Bình'.")
@click.option("--year", type=int, help="The plan's year (default: next year).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write, .csv or .xlsx (default: ke-hoach_<xã>_<năm>.csv).")
def next_year(unit_name: str, year: int | None, out: Path | None) -> None:
    """Write next year's plan of a commune in the import format: start counts are today's
    confirmed counts, the households still poor or near-poor are listed, targets are left
    for the commune to fill; then `giamngheo import FILE`."""
    asyncio.run(_next_year(unit_name, year, out))


async def _next_year(unit_name: str, year: int | None, out: Path | None) -> None:
    app = await build()
    try:
        await _write(app, unit_name, year, out)
    finally:
        await app.db.dispose()


async def _write(app: App, unit_name: str, year: int | None, out: Path | None) -> None:
    today = dt.datetime.now(ZoneInfo(app.settings.timezone)).date()
    year = year or today.year + 1
    async with app.db.reading() as session:
        commune = _commune(await unit_tree(session), unit_name)
        if await has_plan(session, commune, year):
            raise click.ClickException(
                f"{commune.name} đã có kế hoạch năm {year}: sửa tệp đã nhập rồi nhập lại.")
        try:
            rows = await next_year_rows(session, commune, year, today)
        except NoPlanYet as error:
            raise click.ClickException(
                f"{commune.name} chưa có kế hoạch năm nào để làm số đầu năm: điền mẫu "
                "data/template/ke_hoach_mau.xlsx (hướng dẫn: data/FORMAT.vi.md).") from error
    path = out or Path(f"ke-hoach_{fold(commune.name).replace(' ', '-')}_{year}.csv")
    write_rows(rows, path)
    villages = sum(1 for r in rows if r.get("thon") and not r.get("chu_ho"))
    households = sum(1 for r in rows if r.get("chu_ho"))
    click.echo(f"Đã viết {path}: {commune.name}, kế hoạch năm {year}: {villages} thôn, "
               f"{households} hộ còn nghèo/cận nghèo; số đầu năm là số đã xác nhận đến "
               f"{today.strftime('%d/%m/%Y')}.")
    click.echo("Điền chỉ tiêu (giam_ngheo, giam_can_ngheo) và hộ đăng ký thoát (dang_ky_thoat),"
               f' rồi nhập: giamngheo import "{path}"')


def _commune(tree: UnitTree, unit_name: str) -> UnitNode:
    found = [u for u in best_units(unit_name, tree, EVERYTHING) if u.level == "commune"]
    if len(found) != 1:
        names = ", ".join(tree.full_name(u) for u in found) or "không có"
        raise click.ClickException(f'Cần đúng một xã tên "{unit_name}" (tìm thấy: {names}).')
    return found[0]
