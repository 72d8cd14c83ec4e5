"""The steps of the report flow, their buttons, and small helpers every step uses."""

from __future__ import annotations

from typing import Any

from domain.statuses import ChangeKind, Status
from handlers.context import Context
from messaging.labels import label
from messaging.messages import Button, Reply
from storage import conversations
from storage.models import Household

PICK_VILLAGE, PICK_HOUSEHOLD, PICK_CHANGE = "pick_village", "pick_household", "pick_change"
PICK_FIELD, CORRECT_VALUE, NOTE, CONFIRM = "pick_field", "correct_value", "note", "confirm"
NEW_NAME, NEW_STATUS, NEW_MEMBERS = "new_name", "new_status", "new_members"
NEW_WORKERS, NEW_CAUSE = "new_workers", "new_cause"
NEW_HOUSEHOLD_KEYS = ("new", "new_name")  # dropped when an existing household is chosen
# A new household's fields, each with the step that asks it: a summary needs all of them.
NEW_FIELDS = (("name", NEW_NAME), ("status", NEW_STATUS), ("members", NEW_MEMBERS),
              ("workers", NEW_WORKERS), ("cause", NEW_CAUSE))
DATE_BEFORE_NOTE = "date_before_note"  # a note's date replaced it; "Sửa" brings it back
MAX_NAME = 100  # a head of household's name; the column holds 200
FREE_TEXT_STEPS = frozenset({"note", "correct_value", "new_cause", "reject_reason",
                             "correction_reason", "correction_reject_reason", "revoke_reason"})
CAUSES = ("know_how", "no_labour", "illness", "risk", "dependants", "capital")
SKIP_WORDS = {"bo qua", "khong", "ko", "k", "skip", "khong co"}
YES_WORDS = {"co", "ok", "dong y", "xac nhan", "yes", "dung", "u"}

# Flow buttons: the step each answers and the values it may carry (None: any). A stale or
# forged button (pressed after the flow moved on) gets a hint instead of acting out of order.
FLOW_BUTTONS: dict[str, tuple[str, frozenset[str] | None]] = {
    "rk": (PICK_CHANGE, frozenset(kind.value for kind in ChangeKind)),
    "rf": (PICK_FIELD, frozenset({"members", "workers", "cause"})),
    "rn": (PICK_HOUSEHOLD, None),
    "ns": (NEW_STATUS, frozenset({Status.POOR.value, Status.NEAR_POOR.value})),
    "nc": (NEW_CAUSE, frozenset(CAUSES)),
    "cf": (CONFIRM, frozenset({"yes", "edit", "no"})),  # a forged value sends nothing
}


def save(ctx: Context, step: str, data: dict[str, Any]) -> None:
    """Move this chat's flow to `step` with `data`."""
    conversations.save(ctx.conversation, step, data)


def hint(ctx: Context, step: str | None = None, field: str | None = None) -> Reply:
    """What the current step expects, said again."""
    return ctx.reply("report_hint", step=step or ctx.step, field=field)


def ask_note(ctx: Context) -> Reply:
    """Ask for a note or photo, with a skip button."""
    return ctx.reply("report_ask_note", buttons=[[Button(label("skip"), "skip:")]])


def status_buttons() -> list[list[Button]]:
    """Poor or near-poor, for a new household."""
    return [
        [Button("Hộ nghèo", f"ns:{Status.POOR.value}")],
        [Button("Hộ cận nghèo", f"ns:{Status.NEAR_POOR.value}")],
    ]


def cause_buttons() -> list[list[Button]]:
    """The causes of poverty, for a new household."""
    return [[Button(label(f"cause.{c}"), f"nc:{c}")] for c in CAUSES]


def missing_new_step(new: dict[str, Any]) -> str | None:
    """The step asking the first field a new household still lacks (None: it is complete)."""
    return next((step for field, step in NEW_FIELDS if new.get(field) in (None, "")), None)


def ask_missing_new(ctx: Context, data: dict[str, Any], step: str) -> Reply:
    """Ask the new household's missing field (a name asked again restarts its fields)."""
    save(ctx, step, data)
    if step == NEW_STATUS:
        return ctx.reply("report_new_status", buttons=status_buttons(), name=data["new"]["name"])
    if step == NEW_CAUSE:
        return ctx.reply("report_new_cause", buttons=cause_buttons())
    return ctx.reply(f"report_{step}")


def household_label(household: Household) -> str:
    """'Bà Phạm Thị Đéc (Hộ nghèo)': a household as a button shows it."""
    title = f"{household.title} " if household.title else ""
    return f"{title}{household.head_name} ({label('status.' + household.status)})"


def household_buttons(households: list[Household], limit: int) -> list[list[Button]]:
    """One button per household, then "Thêm hộ mới"."""
    buttons = [[Button(household_label(h), f"rh:{h.id}")] for h in households[:limit]]
    buttons.append([Button(label("new_household"), "rn:")])
    return buttons
