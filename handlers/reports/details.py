"""Details of a report: a corrected value, the note or photo, a new household's fields."""

from __future__ import annotations

from typing import Any

from domain.dates import find_date
from domain.formatting import whole_number
from domain.names import fold, nfc, split_title
from handlers.context import Context
from handlers.reports.steps import (
    CORRECT_VALUE,
    DATE_BEFORE_NOTE,
    MAX_NAME,
    NEW_CAUSE,
    NEW_MEMBERS,
    NEW_NAME,
    NEW_STATUS,
    NEW_WORKERS,
    NOTE,
    SKIP_WORDS,
    ask_note,
    cause_buttons,
    hint,
    save,
    status_buttons,
)
from handlers.reports.summary import summary
from messaging.labels import label
from messaging.messages import Reply


def ask_value(ctx: Context, field: str) -> list[Reply]:
    """Ask the corrected value of one field."""
    save(ctx, CORRECT_VALUE, ctx.data | {"field": field})
    return [
        ctx.reply(
            "report_ask_value", field=field, field_label=label(f"field.{field}"), old_value=None
        )
    ]


async def typed_value(ctx: Context, text: str) -> list[Reply]:
    """The corrected value: a number for members/workers, text for the cause."""
    field = ctx.data.get("field", "members")
    value: Any = nfc(text) if field == "cause" else whole_number(text, 6)
    if value in (None, "") or (field == "members" and value == 0):
        return [hint(ctx, CORRECT_VALUE, field)]
    save(ctx, NOTE, ctx.data | {"details": {field: value}})
    return [ask_note(ctx)]


async def typed_note(ctx: Context, text: str) -> list[Reply]:
    """The note (a date in it is the day it happened), a photo, or a skip."""
    if ctx.step != NOTE:
        return [hint(ctx)]
    data = dict(ctx.data)
    if ctx.message.photo:
        data["evidence"] = ctx.message.photo
    if text and fold(text) not in SKIP_WORDS:
        happened_on, _ = find_date(text, ctx.today)
        data["note"] = nfc(text)[:500]
        if happened_on:  # the date the report had before is kept, should the note go
            data.setdefault(DATE_BEFORE_NOTE, data.get("happened_on"))
            data["happened_on"] = happened_on.isoformat()
    return await summary(ctx, data)


def ask_new_name(ctx: Context) -> list[Reply]:
    """A new household: its name (known from the sentence, or asked)."""
    name = ctx.data.get("new_name")
    if name and len(name) <= MAX_NAME:
        return _ask_new_status(ctx, ctx.data | {"new": {"name": name}})
    save(ctx, NEW_NAME, ctx.data)
    return [ctx.reply("report_new_name")]


async def typed_new_name(ctx: Context, text: str) -> list[Reply]:
    """The new household's head, as typed (two words at least)."""
    title, name = split_title(text)
    if len(fold(name).split()) < 2 or len(name) > MAX_NAME:
        return [ctx.reply("report_new_name")]
    return _ask_new_status(ctx, ctx.data | {"new": {"name": name, "title": title}})


def _ask_new_status(ctx: Context, data: dict[str, Any]) -> list[Reply]:
    title, name = split_title(data["new"]["name"])
    data["new"] = data["new"] | {"name": name, "title": data["new"].get("title") or title}
    save(ctx, NEW_STATUS, data)
    return [ctx.reply("report_new_status", buttons=status_buttons(), name=name)]


def new_status_chosen(ctx: Context, status: str) -> list[Reply]:
    """Poor or near-poor chosen for the new household; then its members."""
    save(ctx, NEW_MEMBERS, ctx.data | {"new": ctx.data.get("new", {}) | {"status": status}})
    return [ctx.reply("report_new_members")]


async def typed_number(ctx: Context, text: str) -> list[Reply]:
    """Members (at least 1) or workers (no more than the members)."""
    field = "members" if ctx.step == NEW_MEMBERS else "workers"
    number = whole_number(text, 6)
    members = ctx.data.get("new", {}).get("members")
    if (
        number is None
        or (field == "members" and number == 0)
        or (field == "workers" and members is not None and number > members)
    ):
        return [hint(ctx)]
    return await set_new(ctx, field, number)


async def typed_cause(ctx: Context, text: str) -> list[Reply]:
    """The cause of poverty, typed instead of picked."""
    if not fold(text):
        return [ctx.reply("report_new_cause")]
    return await set_new(ctx, "cause", nfc(text)[:200])


async def set_new(ctx: Context, field: str, value: Any) -> list[Reply]:
    """Keep one field of the new household and ask the next."""
    data = ctx.data | {"new": ctx.data.get("new", {}) | {field: value}}
    if field == "members":
        save(ctx, NEW_WORKERS, data)
        return [ctx.reply("report_new_workers")]
    if field == "workers":
        save(ctx, NEW_CAUSE, data)
        return [ctx.reply("report_new_cause", buttons=cause_buttons())]
    save(ctx, NOTE, data)
    return [ask_note(ctx)]
