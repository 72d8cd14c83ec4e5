"""Tải về: the digest's XLSX and PNG of any quarter, half-year and year begun, for a unit
the user's role covers (checked again on every download: a guessed URL gets a 404)."""

from __future__ import annotations

from sqlalchemy import select

from bot.webview.base import Page
from domain.formatting import whole_number
from domain.periods import parse_period
from services.access import scope_of
from services.period_files import period_file, periods_until
from storage.models import UnitPlan
from storage.unit_tree import unit_tree


class DownloadsPage(Page):
    """/web/downloads?unit=<id>: the periods of a unit (the user's first unit by default)."""

    async def get(self) -> None:
        """Links to each period's XLSX and PNG."""
        assert self.user is not None
        async with self.site.db.session() as session:
            scope, tree = await scope_of(session, self.user), await unit_tree(session)
            roots = sorted(tree.children.get(None, [])) if scope.everything \
                else sorted(scope.roots)
            asked = whole_number(self.get_argument("unit", ""))
            unit = await self.unit_in_scope(session, asked if asked else roots[0]) \
                if asked or roots else None
            if unit is None:
                self.not_found()
                return
            years = sorted((await session.scalars(select(UnitPlan.year).distinct())).all())
        periods = periods_until(self.site.today(), years, self.site.cal)
        self.show("downloads", unit=unit, units=[tree.by_id[i] for i in roots],
                  periods=periods)


class DownloadFile(Page):
    """/web/download/<unit>/<period>.<xlsx|png>."""

    async def get(self, unit_id: str, period_key: str, kind: str) -> None:
        """The file, composed now; 404 outside the scope, for a bad period or no plan."""
        try:
            period = parse_period(period_key)
        except ValueError:
            self.not_found()
            return
        async with self.site.db.session() as session:
            unit = await self.unit_in_scope(session, int(unit_id))
            found = await period_file(session, unit, period, kind, self.site.today(),
                                      self.site.cal) if unit is not None else None
        if found is None:
            self.not_found()
            return
        self.set_header("Content-Type", found.media_type)
        self.set_header("Content-Disposition", f'attachment; filename="{found.name}"')
        self.finish(found.content)
