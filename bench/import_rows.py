"""The rows `giamngheo import` writes for generated plans, built in memory for COPY.

`PlanRows` follows services/plan_import.py (and storage/people.py, storage/units.py) for an
empty database, one commune file after another: the same units, plans, users, scopes,
households, exit registrations and audit events, with the ids the importer's inserts would
get. bench/copy_load.py sends them to PostgreSQL. Checked against `--mode importer` with
`--national --scale 0.125 --households-per-village 3` (668 communes, 7 provinces, logins
that collide): every row of every table the same, ids and JSON text included, timestamps
aside; the reports differ only in which households are drawn (add_reports samples an
unordered SELECT; here the households come in id order).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from bench.load import Found
from domain.names import fold, nfc, split_title, split_unit_prefix
from domain.roles import Role
from services.plan_file import DEPRIVATIONS, NO, STATUS_WORDS, YES
from services.plan_import import PLAN_FIELDS
from storage.people import login_for
from storage.units import LEVELS

Row = tuple[Any, ...]
PATH = ("tinh", "huyen", "xa", "thon")
ROLES = (("can_bo_phu_trach", Role.OFFICER), ("truong_thon", Role.VILLAGE_HEAD),
         ("lanh_dao", Role.COMMUNE_LEADER))
COLUMNS = {
    "unit": ("id", "parent_id", "level", "kind", "name", "name_key"),
    "unit_plan": ("id", "unit_id", "year", *PLAN_FIELDS.values(), "officer_name", "head_name",
                  "leader_name", "note", "source"),
    "app_user": ("id", "login", "title", "name", "name_key", "role", "active", "created_at"),
    "user_scope": ("user_id", "unit_id"),
    "household": ("id", "village_id", "household_key", "code", "title", "head_name", "name_key",
                  "members", "workers", "cause", "social_protection", "deprivations",
                  "initial_status", "initial_year", "status", "note"),
    "exit_registration": ("household_id", "year"),
    "audit_event": ("id", "at", "actor_id", "channel", "action", "entity", "entity_id",
                    "village_id", "before", "after"),
}


def _text(value: object) -> str | None:
    """A cell as the plan reader keeps it: NFC, blank -> None."""
    return None if value is None else _plain(str(value))


def _count(value: object) -> int | None:
    return None if value is None or value == "" else int(str(value))


# The audit of a created household (plan_import._household_values + file), as JSON text.
CREATED_KEYS = ("title", "head_name", "name_key", "code", "members", "workers", "cause",
                "social_protection", "deprivations", "initial_status", "initial_year", "note",
                "file")
CREATED = "{{" + ", ".join(f'"{key}": {{}}' for key in CREATED_KEYS) + "}}"
_JSON: dict[tuple[type, Any], str] = {}


def _js(value: str | int | bool | None) -> str:
    """json.dumps of a scalar, remembered (JSON text as SQLAlchemy's JSON type stores it)."""
    key = (type(value), value)  # True == 1, but their JSON differs
    if key not in _JSON:
        _JSON[key] = json.dumps(value)
    return _JSON[key]


@cache
def _head(cell: str) -> tuple[str | None, str, str]:
    title, name = split_title(cell)
    return title, name, fold(name)


@cache
def _status(cell: str) -> str:
    return STATUS_WORDS[fold(nfc(cell))].value


@cache
def _yes_no(cell: str) -> bool | None:
    word = fold(cell)
    if word and word not in YES | NO:
        raise ValueError(f"{cell!r} is neither có nor không")
    return (word in YES) if word else None


@cache
def _deprivations(cell: str) -> tuple[dict[str, bool] | None, str]:
    """The deprivations of a cell, and their JSON text."""
    codes = [fold(code).replace(" ", "_") for code in re.split(r"[;,]", cell) if code.strip()]
    if set(codes) - set(DEPRIVATIONS):
        raise ValueError(f"unknown deprivation in {cell!r}")
    found = {code: code in codes for code in DEPRIVATIONS} if codes else None
    return found, json.dumps(found)


@cache
def _plain(cell: str) -> str | None:
    return nfc(cell) or None


@dataclass
class _File:
    """What one plan file yields beyond the small tables, and what its rows have named."""

    name: str
    households: list[Row] = field(default_factory=list)
    audit: list[Row] = field(default_factory=list)
    registered: list[tuple[int, int, int]] = field(default_factory=list)
    places: dict[tuple[Any, ...], tuple[tuple[Any, ...], int]] = field(default_factory=dict)
    seen: set[tuple[object, ...]] = field(default_factory=set)


class PlanRows:
    """Rows of every table, in the importer's order, for plan files of an empty database."""

    def __init__(self, channel: str = "bench") -> None:
        self.channel, self.at = channel, dt.datetime.now(dt.UTC)
        self.last: Counter[str] = Counter()  # last id given per table
        self.units: dict[tuple[int | None, str, str], int] = {}
        self.level: dict[int, str] = {}
        self.users: dict[tuple[str, str], list[Any]] = {}  # (name key, role) -> app_user row
        self.logins: set[str] = set()
        self.scopes: dict[tuple[int, int], None] = {}
        self.small: dict[str, list[Row]] = {t: [] for t in ("unit", "unit_plan", "audit_event")}
        self.registrations: list[Row] = []
        self.found: list[Found] = []  # every household: what bench.load.add_reports selects

    def small_tables(self) -> dict[str, list[Row]]:
        """Units, plans, users, scopes, registrations and the audit events of all but households."""
        return self.small | {"app_user": [tuple(u) for u in self.users.values()],
                             "user_scope": list(self.scopes),
                             "exit_registration": self.registrations}

    def commune(self, file: str, cells: Iterable[dict[str, Any]]) -> tuple[list[Row], list[Row]]:
        """One plan file's rows (units first, as the importer): its households and their audit."""
        plan = _File(file)
        for row in cells:
            if row.get("chu_ho"):
                self._household(row, plan)
            else:
                self._unit_row(row, file)
        for hid, village, year in plan.registered:
            self.registrations.append((hid, year))
            plan.audit.append(self._event("household.register", "household", hid, village,
                                          {"year": year, "registered": True, "file": file}))
        return plan.households, plan.audit

    def _household(self, row: dict[str, Any], plan: _File) -> None:
        """plan_import._households for one row: the household and its audit event."""
        place, village = self._place(row, plan)
        title, name, key = _head(str(row["chu_ho"]))
        code = _text(row.get("ma_ho"))
        if (place, code or key) in plan.seen:
            return  # listed twice: the first row counts
        plan.seen.add((place, code or key))
        year, status = place[0], _status(str(row["tinh_trang"]))
        deprivations, deprivations_json = _deprivations(str(row.get("thieu_hut", "")))
        fields = (title, name, key, code, _count(row.get("nhan_khau")),
                  _count(row.get("lao_dong")), _text(row.get("nguyen_nhan")),
                  _yes_no(str(row.get("btxh", ""))), deprivations, status, year,
                  _text(row.get("ghi_chu")), plan.name)
        hid = self._next("household")
        plan.households.append((hid, village, code or key, code, *fields[:3], *fields[4:8],
                                deprivations_json, status, year, status, fields[11]))
        self.found.append((hid, village, status))
        after = CREATED.format(*map(_js, fields[:8]), deprivations_json, *map(_js, fields[9:]))
        if len(plan.households) == 1:  # the shortcut writes what json.dumps would
            assert after == json.dumps(dict(zip(CREATED_KEYS, fields, strict=True)))
        plan.audit.append(self._event("household.create", "household", hid, village, after))
        if _yes_no(str(row.get("dang_ky_thoat", ""))):
            plan.registered.append((hid, village, year))

    def _place(self, row: dict[str, Any], plan: _File) -> tuple[tuple[Any, ...], int]:
        """The row's unit key (year and folded path) and village id, once per path."""
        raw = tuple(row.get(key) for key in ("nam", *PATH))
        if raw not in plan.places:
            path = [_text(part) or "" for part in raw[1:]]
            plan.places[raw] = ((int(str(raw[0])), *map(fold, path)),
                                self._unit(path, create=False))
        return plan.places[raw]

    def _next(self, table: str) -> int:
        self.last[table] += 1
        return self.last[table]

    def _event(self, action: str, entity: str, entity_id: int, village: int | None,
               after: dict[str, Any] | str, before: dict[str, Any] | None = None) -> Row:
        return (self._next("audit_event"), self.at, None, self.channel, action, entity,
                entity_id, village, _js(before) if before is None else json.dumps(before),
                after if isinstance(after, str) else json.dumps(after))

    def _unit(self, path: list[str], create: bool = True) -> int:
        parent: int | None = None
        for level, name in zip(LEVELS, path, strict=True):
            if not name:
                continue
            kind, key = split_unit_prefix(name, level)
            found = self.units.get((parent, level, key))
            if found is None:
                if not create:
                    raise ValueError(f"no unit row for {path}")
                found = self.units[(parent, level, key)] = self._next("unit")
                self.level[found] = level
                self.small["unit"].append((found, parent, level, kind, nfc(name), key))
            parent = found
        assert parent is not None
        return parent

    def _unit_row(self, row: dict[str, Any], file: str) -> None:
        unit = self._unit([_text(row.get(key)) or "" for key in PATH])
        values: dict[str, Any] = {attr: _count(row.get(col)) for col, attr in PLAN_FIELDS.items()}
        values.update(officer_name=_person(row.get("can_bo_phu_trach")),
                      head_name=_person(row.get("truong_thon")),
                      leader_name=_person(row.get("lanh_dao")), note=_text(row.get("ghi_chu")))
        plan = self._next("unit_plan")
        self.small["unit_plan"].append((plan, unit, int(row["nam"]), *values.values(), file))
        village = unit if self.level[unit] == "village" else None
        self.small["audit_event"].append(
            self._event("plan.create", "plan", plan, village, values | {"file": file}))
        for column, role in ROLES:
            person = _text(row.get(column))
            if person:
                self._person(person, role, unit)

    def _person(self, person: str, role: Role, unit: int) -> None:
        """storage.people.ensure_person: find or create the user, then add the scope."""
        title, name = split_title(person)
        user = self.users.get((fold(name), role.value))
        if user is None:
            user = [self._next("app_user"), self._free_login(login_for(name)), title, name,
                    fold(name), role.value, True, self.at]
            self.users[(fold(name), role.value)] = user
            self.small["audit_event"].append(self._event(
                "user.create", "user", user[0], None, {"name": name, "role": role.value}))
        elif title and user[2] and title != user[2]:
            self.small["audit_event"].append(self._event(
                "user.update", "user", user[0], None, {"title": None}, {"title": user[2]}))
            user[2] = None
        if (user[0], unit) not in self.scopes:
            self.scopes[(user[0], unit)] = None
            self.small["audit_event"].append(self._event(
                "role.scope_add", "user", user[0], None, {"role": user[5], "unit_id": unit}))

    def _free_login(self, base: str) -> str:
        candidate, suffix = base, 1
        while candidate in self.logins:
            suffix += 1
            candidate = f"{base}-{suffix}"
        self.logins.add(candidate)
        return candidate


def _person(cell: object) -> str | None:
    """services.plan_import._person: 'Bà Đỗ Thị Nga' in canonical form."""
    text = _text(cell)
    if not text:
        return None
    title, name = split_title(text)
    return nfc(f"{title} {name}" if title else name)
