"""The report's summary, shown back before it is sent: Xác nhận / Sửa / Hủy."""

from __future__ import annotations

import datetime as dt
from typing import Any

from handlers.context import Context
from handlers.reports.steps import CONFIRM, ask_missing_new, missing_new_step, save
from messaging.labels import label
from messaging.messages import Button, Reply
from storage.models import Household, Unit


async def summary(ctx: Context, data: dict[str, Any]) -> list[Reply]:
    """Show the finished report with Confirm / Change / Cancel; a new household lacking a
    field is never summed up: that field is asked instead."""
    missing = missing_new_step(data["new"]) if "new" in data else None
    if missing:
        return [ask_missing_new(ctx, data, missing)]
    data.setdefault("happened_on", ctx.today.isoformat())
    save(ctx, CONFIRM, data)
    village = await ctx.session.get(Unit, data["village_id"]) if data.get("village_id") else None
    buttons = [
        [
            Button(label("confirm"), "cf:yes"),
            Button(label("change"), "cf:edit"),
            Button(label("cancel"), "cf:no"),
        ]
    ]
    values: dict[str, Any] = {
        "note": data.get("note"),
        "evidence": data.get("evidence"),
        "happened_on": dt.date.fromisoformat(data["happened_on"]),
        "field_label": None,
        "old_value": None,
        "new_value": None,
    }
    if "new" in data:
        return [
            ctx.reply(
                "report_summary",
                buttons=buttons,
                new_household=True,
                household=data["new"],
                village=village.name if village else "",
                **values,
            )
        ]
    household = await ctx.session.get(Household, data["household_id"])
    assert household is not None
    village = await ctx.session.get(Unit, household.village_id)
    for field, new_value in (data.get("details") or {}).items():
        values.update(
            field_label=label(f"field.{field}"),
            old_value=getattr(household, field),
            new_value=new_value,
        )
    return [
        ctx.reply(
            "report_summary",
            buttons=buttons,
            new_household=False,
            household=household,
            village=village.name if village else "",
            change_label=label(data["kind"]),
            **values,
        )
    ]
