"""Reading pages: the overview of a unit, a village's households, the audit trail."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.webview.base import AUDIT_ROLES, Page
from domain.formatting import whole_number
from domain.roles import Role
from services.access import scope_of
from services.audit_trail import household_events, sentences, village_events
from services.overview import SORTS, overview, units_overview
from services.village_view import STATUSES, village_view
from storage.models import AuditEvent, Household
from storage.unit_tree import unit_tree


class Home(Page):
    """/web/: the user's own units (one: straight to it)."""

    async def get(self) -> None:
        """List the units the user's role covers."""
        assert self.user is not None
        async with self.site.db.session() as session:
            tree, scope = await unit_tree(session), await scope_of(session, self.user)
            roots = sorted(tree.children.get(None, [])) if scope.everything \
                else sorted(scope.roots)
            if len(roots) == 1:
                self.redirect(f"/web/unit/{roots[0]}")
                return
            sort = self.get_argument("sort", "pace")
            found = await units_overview(session, [tree.by_id[i] for i in roots],
                                         self.site.today(), self.site.cal,
                                         sort if sort in SORTS else "pace")
        self.show("overview", unit=None, view=found, sort=sort, up=None)


class UnitPage(Page):
    """/web/unit/<id>: figures of the unit and one row per unit below it."""

    async def get(self, unit_id: str) -> None:
        """The overview, sorted as asked; a village goes to its own page."""
        sort = self.get_argument("sort", "pace")
        async with self.site.db.session() as session:
            unit = await self.unit_in_scope(session, int(unit_id))
            if unit is None:
                self.not_found()
                return
            if unit.level == "village":
                self.redirect(f"/web/village/{unit.id}")
                return
            found = await overview(session, unit, self.site.today(), self.site.cal,
                                   sort if sort in SORTS else "pace")
            up = await self._up(session, unit.parent_id)
        self.show("overview", unit=unit, view=found, sort=sort, up=up)

    async def _up(self, session: AsyncSession, parent_id: int | None) -> object:
        return await self.unit_in_scope(session, parent_id) if parent_id else None


class VillagePage(Page):
    """/web/village/<id>: households with status, filter by status, search, reports."""

    async def get(self, village_id: str) -> None:
        """Only for users whose role covers the village (personal data)."""
        status = self.get_argument("status", "")
        query = self.get_argument("q", "")[:100]
        async with self.site.db.session() as session:
            village = await self.unit_in_scope(session, int(village_id))
            if village is None or village.level != "village":
                self.not_found()
                return
            view = await village_view(session, village, self.site.today(),
                                      status if status in STATUSES else None, query)
            up = await self.unit_in_scope(session, village.parent_id or 0)
        self.show("village", village=village, view=view, chosen=status, q=query,
                  statuses=STATUSES, up=up)


class AuditPage(Page):
    """/web/audit?village=<id> or ?household=<id>: admins and leaders only."""

    async def get(self) -> None:
        """The trail, oldest first, as the CLI prints it."""
        assert self.user is not None
        if Role(self.user.role) not in AUDIT_ROLES:
            self.show("forbidden", status=403)
            return
        async with self.site.db.session() as session:
            found = await self._events(session)
            if found is None:
                self.not_found()
                return
            title, events = found
            lines = await sentences(session, events)
        self.show("audit", title=title, lines=lines)

    async def _events(self, session: AsyncSession) -> tuple[str, list[AuditEvent]] | None:
        household_id = whole_number(self.get_argument("household", ""))
        if household_id is not None:
            household = await session.get(Household, household_id)
            if household is None or not await self.unit_in_scope(session, household.village_id):
                return None
            return household.head_name, await household_events(session, household)
        village_id = whole_number(self.get_argument("village", ""))
        village = await self.unit_in_scope(session, village_id) if village_id else None
        if village is None:
            return None
        villages = (await unit_tree(session)).under(village.id, "village")
        return village.name, await village_events(session, villages)
