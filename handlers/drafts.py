"""An unsent report summary is kept: a new report first asks "Gửi" or "Bỏ" for it.

The new message is kept in the conversation (so in the database) and handled once the
head has said what becomes of the open summary; nothing is dropped without being asked.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

from handlers import decisions
from handlers.context import Context
from handlers.reports.steps import CONFIRM, missing_new_step, save
from handlers.reports.summary import summary
from messaging.labels import label
from messaging.messages import Button, Reply
from storage import conversations
from storage.models import Household

OPEN = "draft_open"
AFTER = "after"
Route = Callable[[Context], Awaitable[list[Reply]]]


def is_open(ctx: Context) -> bool:
    """True when a finished report waits for its Xác nhận (an unsent draft)."""
    return ctx.step in (CONFIRM, OPEN)


async def ask_first(ctx: Context, text: str) -> list[Reply]:
    """Keep the new message; ask whether to send or drop the open draft first."""
    save(ctx, OPEN, ctx.data | {AFTER: text[:1000]})
    buttons = [[Button(label("draft_send"), "dk:send")], [Button(label("draft_drop"), "dk:drop")]]
    return [ctx.reply("draft_open", buttons=buttons, **await _draft(ctx))]


async def _draft(ctx: Context) -> dict[str, Any]:
    data = ctx.data
    if "new" in data:
        title, name = data["new"].get("title"), data["new"].get("name")
    else:
        household = await ctx.session.get(Household, data.get("household_id", 0))
        title, name = (household.title, household.head_name) if household else (None, "?")
    kind = "new_household" if "new" in data else data.get("kind", "correction")
    return {"title": title, "name": name, "change_label": label(kind),
            "happened_on": dt.date.fromisoformat(data["happened_on"])}


async def on_button(ctx: Context, value: str, route: Route) -> list[Reply]:
    """dk:send sends the draft, dk:drop drops it; then the kept message is handled."""
    if ctx.step != OPEN or value not in ("send", "drop"):
        return [ctx.reply("report_hint", step=ctx.step, field=None)]
    after = ctx.data.get(AFTER, "")
    kept = {k: v for k, v in ctx.data.items() if k not in (AFTER, "menu")}
    if value == "send" and "new" in kept and missing_new_step(kept["new"]):
        return await summary(ctx, kept)  # a half-filled new household: its field is asked
    if value == "send":
        save(ctx, CONFIRM, kept)
        replies = await decisions.submit_from_flow(ctx)
    else:
        save(ctx, conversations.IDLE, {})
        replies = [ctx.reply("draft_dropped")]
    if not after:
        return replies
    # The kept message's buttons come next: numbers must answer them, not an undo above.
    replies = [dataclasses.replace(reply, buttons=[]) for reply in replies]
    ctx.message = dataclasses.replace(ctx.message, text=after, button=None)
    return replies + await route(ctx)
