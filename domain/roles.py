"""Roles and what each may do."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """A user's role; its scope is the set of units attached to the user."""

    VILLAGE_HEAD = "village_head"
    OFFICER = "officer"
    COMMUNE_LEADER = "commune_leader"
    DISTRICT_OFFICER = "district_officer"
    PROVINCE_OFFICER = "province_officer"
    ADMIN = "admin"


SCOPE_LEVEL = {
    Role.VILLAGE_HEAD: "village",
    Role.OFFICER: "village",
    Role.COMMUNE_LEADER: "commune",
    Role.DISTRICT_OFFICER: "district",
    Role.PROVINCE_OFFICER: "province",
}
CAN_CONFIRM = frozenset({Role.OFFICER, Role.COMMUNE_LEADER, Role.ADMIN})
CAN_REPORT = frozenset({Role.VILLAGE_HEAD, Role.OFFICER, Role.ADMIN})
CAN_INVITE = frozenset(
    {Role.OFFICER, Role.COMMUNE_LEADER, Role.DISTRICT_OFFICER, Role.PROVINCE_OFFICER, Role.ADMIN}
)
