"""Write a validated plan file: units, plans, people, households and registrations, audited."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.names import fold, nfc, split_title
from domain.roles import Role
from services.plan_checks import household_key, unit_key
from services.plan_file import PlanFile, PlanRow, Problem
from storage import households, units
from storage.audit import diff, record
from storage.models import Household, Unit, UnitPlan
from storage.people import ensure_person

if TYPE_CHECKING:
    from services.plan_import import ImportResult

PLAN_FIELDS = {
    "so_ho": "households",
    "so_khau": "population",
    "ho_ngheo": "poor",
    "ho_can_ngheo": "near_poor",
    "khau_ngheo": "poor_population",
    "giam_ngheo": "target_poor",
    "giam_can_ngheo": "target_near_poor",
    "ngheo_con_lai": "stated_poor_remaining",
    "can_ngheo_con_lai": "stated_near_poor_remaining",
}


def no_village(village: str) -> str:
    return (f"chưa có dòng thôn cho {village}: thêm dòng thôn này (cột thon, để trống chu_ho) "
            "hoặc sửa tên thôn cho đúng")


class PlanWriter:
    """Writes validated rows; collects errors that need the database to see."""

    def __init__(
        self,
        session: AsyncSession,
        plan: PlanFile,
        result: ImportResult,
        actor_id: int | None,
        channel: str,
    ) -> None:
        self.session, self.plan, self.result = session, plan, result
        self.actor_id, self.channel = actor_id, channel
        self.units: dict[tuple[object, ...], Unit] = {}
        self.seen_households: set[tuple[object, ...]] = set()

    async def write(self) -> None:
        """Units and plans first, then households (a few queries per file, not per row)."""
        for row in self.plan.rows:
            if row.household is None:
                await self._unit_row(row)
        await self._households([row for row in self.plan.rows if row.household is not None])

    async def _unit_row(self, row: PlanRow) -> None:
        unit = await self._unit_for(row, create=True)
        assert unit is not None
        values: dict[str, Any] = {attr: row.counts[col] for col, attr in PLAN_FIELDS.items()}
        values.update(
            officer_name=_person(row.people["can_bo_phu_trach"]),
            head_name=_person(row.people["truong_thon"]),
            leader_name=_person(row.people["lanh_dao"]),
            note=row.note,
        )
        await self._upsert_plan(unit, row.year, values)
        await self._people(unit, row)

    async def _unit_for(self, row: PlanRow, create: bool) -> Unit | None:
        key = unit_key(row)
        if key in self.units:
            return self.units[key]
        parent: Unit | None = None
        for level, name in zip(units.LEVELS, row.path, strict=True):
            if not name:
                continue
            if create:
                parent, made = await units.find_or_create(self.session, parent, level, name)
                self._count("unit", made, False)
            else:
                parent = await units.find(self.session, parent, level, name)
                if parent is None:
                    return None
        if parent is not None:
            self.units[key] = parent
        return parent

    async def _upsert_plan(self, unit: Unit, year: int, values: dict[str, Any]) -> None:
        plan = await self.session.scalar(
            select(UnitPlan).where(UnitPlan.unit_id == unit.id, UnitPlan.year == year)
        )
        village_id = unit.id if unit.level == "village" else None
        if plan is None:
            plan = UnitPlan(unit_id=unit.id, year=year, source=Path(self.plan.name).name, **values)
            self.session.add(plan)
            await self.session.flush()
            self._audit("plan.create", "plan", plan.id, village_id, None, values)
            self._count("plan", True, False)
            return
        before, after = diff({k: getattr(plan, k) for k in values}, values)
        for key, value in after.items():
            setattr(plan, key, value)
        if after:
            self._audit("plan.update", "plan", plan.id, village_id, before, after)
        self._count("plan", False, bool(after))

    async def _people(self, unit: Unit, row: PlanRow) -> None:
        roles = (
            ("can_bo_phu_trach", Role.OFFICER),
            ("truong_thon", Role.VILLAGE_HEAD),
            ("lanh_dao", Role.COMMUNE_LEADER),
        )
        for column, role in roles:
            person = row.people[column]
            if person:
                _, created, scope_added = await ensure_person(
                    self.session, person, role, unit.id, self.channel, self.actor_id
                )
                self._count("user", created, scope_added)

    async def _households(self, rows: list[PlanRow]) -> None:
        villages = [await self._unit_for(row, create=False) for row in rows]
        village_ids = {v.id for v in villages if v is not None and v.level == "village"}
        existing = await households.in_villages(self.session, village_ids)
        registered = await households.registrations_in_villages(self.session, village_ids)
        created: list[tuple[Household, dict[str, Any]]] = []
        wanted: list[tuple[Household, int, bool]] = []
        for row, village in zip(rows, villages, strict=True):
            key = household_key(row)
            if key in self.seen_households:
                continue  # listed twice: warned about, the first row counts
            self.seen_households.add(key)
            if village is None or village.level != "village":
                self.result.errors.append(
                    Problem(self.plan.name, row.row, "thon", no_village(row.path[3]))
                )
                continue
            values = _household_values(row)
            household = existing.get((village.id, str(key[-1])))
            if household is None:
                household = Household(
                    village_id=village.id,
                    household_key=str(key[-1]),
                    status=values["initial_status"],
                    **values,
                )
                self.session.add(household)
                existing[(village.id, str(key[-1]))] = household
                created.append((household, values))
            else:
                await self._update_household(household, values)
            assert row.household is not None
            if row.household.registered is not None:
                wanted.append((household, row.year, row.household.registered))
        await self.session.flush()  # one flush gives every new household its id
        for household, values in created:
            self._audit(
                "household.create", "household", household.id, household.village_id, None, values
            )
            self._count("household", True, False)
        for household, year, on in wanted:
            changed = await households.set_registration(
                self.session, household.id, year, on, registered
            )
            if changed:
                self._audit(
                    "household.register",
                    "household",
                    household.id,
                    household.village_id,
                    None,
                    {"year": year, "registered": on},
                )
            self._count("registration", changed, False)

    async def _update_household(self, household: Household, values: dict[str, Any]) -> None:
        before, after = diff({k: getattr(household, k) for k in values}, values)
        for field_name, value in after.items():
            setattr(household, field_name, value)
        if after:
            household.status = (await households.derive_status(self.session, household)).value
            self._audit(
                "household.update", "household", household.id, household.village_id, before, after
            )
        self._count("household", False, bool(after))

    def _audit(
        self,
        action: str,
        entity: str,
        entity_id: int,
        village_id: int | None,
        before: dict[str, Any] | None,
        after: dict[str, Any],
    ) -> None:
        record(
            self.session,
            actor_id=self.actor_id,
            channel=self.channel,
            action=action,
            entity=entity,
            entity_id=entity_id,
            village_id=village_id,
            before=before,
            after=after | {"file": Path(self.plan.name).name},
        )

    def _count(self, what: str, created: bool, updated: bool) -> None:
        if created:
            self.result.created[what] += 1
        elif updated:
            self.result.updated[what] += 1


def _household_values(row: PlanRow) -> dict[str, Any]:
    """The household columns of a row, as model attributes."""
    fields = row.household
    assert fields is not None
    title, name = split_title(fields.head)
    return {
        "title": title,
        "head_name": name,
        "name_key": fold(name),
        "code": fields.code,
        "members": fields.members,
        "workers": fields.workers,
        "cause": fields.cause,
        "social_protection": fields.social_protection,
        "deprivations": fields.deprivations,
        "initial_status": fields.status.value,
        "initial_year": row.year,
        "note": row.note,
    }


def _person(text: str | None) -> str | None:
    if not text:
        return None
    title, name = split_title(text)
    return nfc(f"{title} {name}" if title else name)
