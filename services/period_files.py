"""The digest's spreadsheet and chart of any period, for the web view's downloads: composed
as the scheduler's digests are (progress at the period's end, ranked parts, its changes)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from domain.names import fold
from domain.periods import Period, PeriodKind
from domain.schedule import Calendar
from messaging.render import render
from services.charts import village_chart
from services.digests import changes_between
from services.figures import Figures, figures_of
from services.standing import progress_at, rank
from services.workbook import summary_workbook
from storage.unit_tree import UnitInfo, unit_tree

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KINDS = (PeriodKind.QUARTER, PeriodKind.HALF, PeriodKind.YEAR)


@dataclass(frozen=True)
class PeriodFile:
    """One file of a period: its name, media type and bytes."""

    name: str
    media_type: str
    content: bytes


def periods_until(today: dt.date, years: list[int], cal: Calendar) -> list[Period]:
    """Quarters, halves and years of these years that have begun by today, newest first."""
    found = [Period(kind, year, index) for year in years for kind in KINDS
             for index in range(1, {PeriodKind.QUARTER: 5, PeriodKind.HALF: 3}.get(kind, 2))]
    return sorted((p for p in found if p.start(cal.cutoff_day) <= today),
                  key=lambda p: (p.end(cal.cutoff_day), -p.start(cal.cutoff_day).toordinal()),
                  reverse=True)


async def period_file(session: AsyncSession, unit: UnitInfo, period: Period, kind: str,
                      today: dt.date, cal: Calendar) -> PeriodFile | None:
    """The unit's XLSX (`kind` "xlsx") or PNG chart of the period; None without a plan."""
    as_of = min(period.end(cal.cutoff_day), today)
    total = await progress_at(session, unit, period.share_of_year, as_of)
    if total is None:
        return None
    parts, header = [total], None
    if unit.level == "commune":
        parts = rank(total.villages)
    elif unit.level != "village":
        tree = await unit_tree(session)
        parts = rank([p for c in tree.under(unit.id, "commune")
                      if (p := await progress_at(session, tree.by_id[c], period.share_of_year,
                                                 as_of))])
        header = render("digest_labels", key="xlsx.area_first_header")
    stem = render("digest_labels", key="file", stem=fold(unit.name).replace(" ", "-"),
                  period=period)
    figures, rows = Figures.of(total), figures_of(parts)
    if kind == "png":
        return PeriodFile(f"{stem}.png", "image/png", village_chart(figures, rows, period))
    villages = [v.unit.id for v in total.villages] or [total.unit.id]
    changes = await changes_between(session, villages, period.start(cal.cutoff_day), as_of)
    content = summary_workbook(figures, rows, changes, period, header)
    return PeriodFile(f"{stem}.xlsx", XLSX, content)


