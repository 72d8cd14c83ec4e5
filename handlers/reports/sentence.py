"""A report in one sentence: "hộ bà Phạm Thị Đéc thoát nghèo tháng 9"."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from domain.dates import find_date
from domain.names import fold, nfc, split_title
from domain.statuses import ChangeKind
from handlers.context import Context
from handlers.reports.household import household_chosen
from handlers.reports.steps import PICK_HOUSEHOLD, household_buttons, save
from messaging.messages import Reply
from services import reporting
from services.lookup import best_households
from understanding.changes import CHANGE_PHRASES

# The phrase list lives in the understanding layer, shared with the router's reading.
QUICK_PHRASES = CHANGE_PHRASES
NAME_NOISE = re.compile(r"\b(bao cao|ho gia dinh|gia dinh|ho|ong|ba|cua|da|vua|duoc)\b")


def looks_like_report(text: str) -> bool:
    """True when the sentence names a change ('... thoát nghèo', '... tái nghèo')."""
    folded = fold(text)
    return any(re.search(rf"\b(?:{pattern})\b", folded) for pattern, _ in QUICK_PHRASES)


def parse_quick(text: str, today: dt.date) -> tuple[ChangeKind, str, dt.date | None]:
    """'hộ bà Phạm Thị Đéc thoát nghèo tháng 9' -> (kind, 'pham thi dec', date)."""
    happened_on, folded = find_date(text, today)
    for pattern, kind in QUICK_PHRASES:
        match = re.search(rf"\b(?:{pattern})\b", folded)
        if match:
            name = folded[: match.start()] + " " + folded[match.end() :]
            return kind, " ".join(NAME_NOISE.sub(" ", name).split()), happened_on
    raise ValueError("not a report")


async def quick(ctx: Context, text: str) -> list[Reply]:
    """One-sentence report from raw text: parsed here, then as `report_parsed`."""
    kind, name, happened_on = parse_quick(text, ctx.today)
    typed = f"{_typed_title(text, name)}{_title_case_name(text, name)}" if name else ""
    return await report_parsed(ctx, kind, typed, happened_on)


async def report_parsed(
    ctx: Context, kind: ChangeKind, household: str, happened_on: dt.date | None
) -> list[Reply]:
    """A report already understood (household as typed, change, date): found, then summed up
    for Confirm / Change / Cancel, or the closest households and "Thêm hộ mới"."""
    if not ctx.message.private:
        return [ctx.reply("report_problem", code="private_only", group_safe=True)]
    assert ctx.user is not None
    villages = await reporting.reporter_villages(ctx.session, ctx.user)
    if not villages:
        return [ctx.reply("not_allowed")]
    title, name = split_title(nfc(household))
    key = fold(name)
    found = await best_households(ctx.session, key, [v.id for v in villages]) if key else []
    exact = [h for h in found if h.name_key == key]
    data: dict[str, Any] = {
        "kind": kind.value,
        "village_id": villages[0].id,
        "quick": True,
        "happened_on": (happened_on or ctx.today).isoformat(),
    }
    if len(exact) == 1:
        return await household_chosen(ctx, exact[0], data)
    if not exact and await reporting.exists_elsewhere(ctx.session, key, villages):
        return [ctx.reply("report_problem", code="wrong_village")]
    village_name = villages[0].name if len(villages) == 1 else "các thôn của anh/chị"
    data["new_name"] = f"{title} {name}" if title and name else name
    save(ctx, PICK_HOUSEHOLD, data)
    return [
        ctx.reply(
            "report_household_unknown",
            buttons=household_buttons(found, 6),
            name=data["new_name"],
            village=village_name,
            close=bool(found),
        )
    ]


def _typed_title(text: str, folded_name: str) -> str:
    """'Ông ' or 'Bà ' when the sentence put one before the name, else ''."""
    match = re.search(rf"\b(ong|ba)\s+{re.escape(folded_name)}", fold(text))
    return {"ong": "Ông ", "ba": "Bà "}[match.group(1)] if match else ""


def _title_case_name(text: str, folded_name: str) -> str:
    """Recover the typed spelling of the name (with its diacritics) from the sentence."""
    words = nfc(text).split()
    count = len(folded_name.split())
    for start in range(len(words) - count + 1):
        if fold(" ".join(words[start : start + count])) == folded_name:
            return " ".join(w[:1].upper() + w[1:] for w in words[start : start + count])
    return folded_name.title()
