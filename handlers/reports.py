"""Village heads report household changes: guided (a few taps) or in one sentence."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from domain.dates import find_date
from domain.formatting import whole_number
from domain.names import fold, nfc, split_title
from domain.statuses import ChangeKind, Status
from handlers import decisions
from handlers.context import Context
from messaging.labels import label
from messaging.messages import Button, Reply
from services import reporting
from services.lookup import best_households
from storage import conversations
from storage.models import Household, Unit
from storage.unit_tree import UnitInfo

PICK_VILLAGE, PICK_HOUSEHOLD, PICK_CHANGE = "pick_village", "pick_household", "pick_change"
PICK_FIELD, CORRECT_VALUE, NOTE, CONFIRM = "pick_field", "correct_value", "note", "confirm"
NEW_NAME, NEW_STATUS, NEW_MEMBERS = "new_name", "new_status", "new_members"
NEW_WORKERS, NEW_CAUSE = "new_workers", "new_cause"
MAX_NAME = 100  # a head of household's name; the column holds 200
FREE_TEXT_STEPS = frozenset({"note", "correct_value", "new_cause", "reject_reason"})
CAUSES = ("know_how", "no_labour", "illness", "risk", "dependants", "capital")
SKIP_WORDS = {"bo qua", "khong", "ko", "k", "skip", "khong co"}
YES_WORDS = {"co", "ok", "dong y", "xac nhan", "yes", "dung", "u"}

# Longest phrases first: "thoat ngheo con can ngheo" before "thoat ngheo".
QUICK_PHRASES: tuple[tuple[str, ChangeKind], ...] = (
    (r"thoat ngheo (?:con|sang|thanh|len) (?:ho )?can ngheo", ChangeKind.EXIT_TO_NEAR_POOR),
    (r"thoat can ngheo|het can ngheo|ra khoi can ngheo", ChangeKind.EXIT_NEAR_POVERTY),
    (r"thoat ngheo(?: han| hoan toan)?|het ngheo|ra khoi ngheo", ChangeKind.EXIT_POVERTY),
    (r"tai ngheo|ngheo lai|roi lai vao ngheo", ChangeKind.FELL_BACK),
    (r"phat sinh can ngheo|moi can ngheo", ChangeKind.NEW_NEAR_POOR),
    (r"phat sinh ngheo|moi ngheo|roi vao ngheo", ChangeKind.NEW_POOR),
    (r"chuyen di(?: noi khac)?|chuyen khau", ChangeKind.MOVED_AWAY),
    (r"qua doi|da mat|chet|nhap ho|khong con", ChangeKind.ENDED),
)
# Flow buttons: the step each answers and the values it may carry (None: any). A stale or
# forged button (pressed after the flow moved on) gets a hint instead of acting out of order.
FLOW_BUTTONS: dict[str, tuple[str, frozenset[str] | None]] = {
    "rk": (PICK_CHANGE, frozenset(kind.value for kind in ChangeKind)),
    "rf": (PICK_FIELD, frozenset({"members", "workers", "cause"})),
    "rn": (PICK_HOUSEHOLD, None),
    "ns": (NEW_STATUS, frozenset({Status.POOR.value, Status.NEAR_POOR.value})),
    "nc": (NEW_CAUSE, frozenset(CAUSES)),
}
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


async def start_guided(ctx: Context, _argument: str) -> list[Reply]:
    """/baocao: pick the village (if several), then the household."""
    if not ctx.message.private:
        return [ctx.reply("report_problem", code="private_only")]
    assert ctx.user is not None
    villages = await reporting.reporter_villages(ctx.session, ctx.user)
    if not villages:
        return [ctx.reply("not_allowed")]
    if len(villages) == 1:
        return await _ask_household(ctx, villages[0])
    _save(ctx, PICK_VILLAGE, {})
    buttons = [[Button(v.name, f"rv:{v.id}")] for v in villages[:20]]
    return [ctx.reply("report_pick_village", buttons=buttons)]


async def quick(ctx: Context, text: str) -> list[Reply]:
    """One-sentence report: understood, then shown back for Confirm / Change / Cancel."""
    if not ctx.message.private:
        return [ctx.reply("report_problem", code="private_only")]
    assert ctx.user is not None
    kind, name, happened_on = parse_quick(text, ctx.today)
    villages = await reporting.reporter_villages(ctx.session, ctx.user)
    if not villages:
        return [ctx.reply("not_allowed")]
    found = await best_households(ctx.session, name, [v.id for v in villages]) if name else []
    exact = [h for h in found if h.name_key == name]
    data: dict[str, Any] = {
        "kind": kind.value,
        "village_id": villages[0].id,
        "quick": True,
        "happened_on": (happened_on or ctx.today).isoformat(),
    }
    if len(exact) == 1:
        return await _household_chosen(ctx, exact[0], data)
    if not exact and await reporting.exists_elsewhere(ctx.session, name, villages):
        return [ctx.reply("report_problem", code="wrong_village")]
    village_name = villages[0].name if len(villages) == 1 else "các thôn của anh/chị"
    buttons = [[Button(_household_label(h), f"rh:{h.id}")] for h in found[:6]]
    buttons.append([Button(label("new_household"), "rn:")])
    data["new_name"] = _typed_title(text, name) + _title_case_name(text, name)
    _save(ctx, PICK_HOUSEHOLD, data)
    return [
        ctx.reply(
            "report_household_unknown",
            buttons=buttons,
            name=data["new_name"],
            village=village_name,
            close=bool(found),
        )
    ]


async def continue_step(ctx: Context, text: str) -> list[Reply]:
    """Typed text while a flow is open: each step validates and re-asks with a hint."""
    handler = {
        PICK_VILLAGE: _typed_village,
        PICK_HOUSEHOLD: _typed_household,
        CORRECT_VALUE: _typed_value,
        NOTE: _typed_note,
        CONFIRM: _typed_confirm,
        NEW_NAME: _typed_new_name,
        NEW_MEMBERS: _typed_number,
        NEW_WORKERS: _typed_number,
        NEW_CAUSE: _typed_cause,
        decisions.REJECT_REASON: decisions.typed_reason,
    }.get(ctx.step)
    if handler is None:
        return [ctx.reply("report_hint", step=ctx.step, field=ctx.data.get("field"))]
    return await handler(ctx, text)


async def on_button(ctx: Context, kind: str, value: str) -> list[Reply]:
    """Buttons of the report flow and of decisions."""
    if kind in decisions.BUTTONS:
        return await decisions.on_button(ctx, kind, value)
    step, values = FLOW_BUTTONS.get(kind, (ctx.step, None))
    if ctx.step != step or (values is not None and value not in values):
        return [ctx.reply("report_hint", step=ctx.step, field=None)]
    if kind == "rs":  # "Báo cáo ngay" under a reminder
        return await start_guided(ctx, "")
    if kind == "rv" and whole_number(value) is not None:
        assert ctx.user is not None
        mine = {v.id: v for v in await reporting.reporter_villages(ctx.session, ctx.user)}
        village = mine.get(int(value))  # a forged or stale button never opens another village
        return await _ask_household(ctx, village) if village else []
    if kind == "rh" and whole_number(value) is not None:
        household = await ctx.session.get(Household, int(value))
        return await _household_chosen(ctx, household, ctx.data) if household else []
    if kind == "rk":
        return await _change_chosen(ctx, ChangeKind(value))
    if kind == "rf":
        return _ask_value(ctx, value)
    if kind == "rn":
        return _ask_new_name(ctx)
    if kind == "ns":
        data = ctx.data | {"new": ctx.data.get("new", {}) | {"status": value}}
        _save(ctx, NEW_MEMBERS, data)
        return [ctx.reply("report_new_members")]
    if kind == "nc":
        return await _set_new(ctx, "cause", label(f"cause.{value}"))
    if kind == "skip":
        return await _typed_note(ctx, "")
    if kind == "cf":
        return await _confirm_choice(ctx, value)
    return [ctx.reply("report_hint", step=ctx.step, field=None)]


async def _ask_household(ctx: Context, village: UnitInfo) -> list[Reply]:
    year = ctx.today.year
    choices = await reporting.household_choices(ctx.session, village.id, year)
    buttons = [[Button(_household_label(h), f"rh:{h.id}")] for h in choices[:12]]
    buttons.append([Button(label("new_household"), "rn:")])
    _save(ctx, PICK_HOUSEHOLD, {"village_id": village.id})
    return [
        ctx.reply(
            "report_pick_household", buttons=buttons, village=village.name, households=choices
        )
    ]


async def _household_chosen(
    ctx: Context, household: Household, data: dict[str, Any]
) -> list[Reply]:
    assert ctx.user is not None
    try:
        await reporting.check_can_report(ctx.session, ctx.user, household)
    except reporting.ReportError as error:
        _save(ctx, conversations.IDLE, {})
        return [decisions.problem_reply(ctx, error)]
    data = {k: v for k, v in data.items() if k != "new_name"} | {"household_id": household.id}
    options = await reporting.options_for(ctx.session, household)
    wanted = data.get("kind")
    if wanted and ChangeKind(wanted) in options:
        _save(ctx, PICK_CHANGE, data)
        return await _change_chosen(ctx, ChangeKind(wanted))
    _save(ctx, PICK_CHANGE, {k: v for k, v in data.items() if k != "kind"})
    buttons = [[Button(label(kind.value), f"rk:{kind.value}")] for kind in options]
    replies = []
    if wanted:
        replies.append(_not_possible(ctx, household, ChangeKind(wanted), options))
    replies.append(
        ctx.reply(
            "report_pick_change",
            buttons=buttons,
            h=household,
            status_label=label(f"status.{household.status}"),
        )
    )
    return replies


def _not_possible(
    ctx: Context, household: Household, wanted: ChangeKind, options: list[ChangeKind]
) -> Reply:
    suggestion = (
        ChangeKind.EXIT_NEAR_POVERTY
        if wanted in (ChangeKind.EXIT_POVERTY, ChangeKind.EXIT_TO_NEAR_POOR)
        else None
    )
    return ctx.reply(
        "report_problem",
        code="not_possible",
        household=household,
        status_label=label(f"status.{household.status}"),
        change_label=label(wanted.value),
        suggestion=label(suggestion.value) if suggestion in options else None,
    )


async def _change_chosen(ctx: Context, kind: ChangeKind) -> list[Reply]:
    data = ctx.data | {"kind": kind.value}
    if kind is ChangeKind.CORRECTION:
        _save(ctx, PICK_FIELD, data)
        buttons = [
            [Button(label(f"field.{f}"), f"rf:{f}")] for f in ("members", "workers", "cause")
        ]
        return [ctx.reply("report_pick_field", buttons=buttons)]
    if data.get("quick"):
        return await _summary(ctx, data)
    _save(ctx, NOTE, data)
    return [ctx.reply("report_ask_note", buttons=[[Button(label("skip"), "skip:")]])]


def _ask_value(ctx: Context, field: str) -> list[Reply]:
    _save(ctx, CORRECT_VALUE, ctx.data | {"field": field})
    return [
        ctx.reply(
            "report_ask_value", field=field, field_label=label(f"field.{field}"), old_value=None
        )
    ]


async def _typed_value(ctx: Context, text: str) -> list[Reply]:
    field = ctx.data.get("field", "members")
    value: Any = nfc(text) if field == "cause" else whole_number(text, 6)
    if value in (None, "") or (field == "members" and value == 0):
        return [ctx.reply("report_hint", step=CORRECT_VALUE, field=field)]
    _save(ctx, NOTE, ctx.data | {"details": {field: value}})
    return [ctx.reply("report_ask_note", buttons=[[Button(label("skip"), "skip:")]])]


async def _typed_note(ctx: Context, text: str) -> list[Reply]:
    if ctx.step != NOTE:
        return [ctx.reply("report_hint", step=ctx.step, field=None)]
    data = dict(ctx.data)
    if ctx.message.photo:
        data["evidence"] = ctx.message.photo
    if text and fold(text) not in SKIP_WORDS:
        happened_on, _ = find_date(text, ctx.today)
        data["note"] = nfc(text)[:500]
        if happened_on:
            data["happened_on"] = happened_on.isoformat()
    return await _summary(ctx, data)


async def _summary(ctx: Context, data: dict[str, Any]) -> list[Reply]:
    data.setdefault("happened_on", ctx.today.isoformat())
    _save(ctx, CONFIRM, data)
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


async def _typed_confirm(ctx: Context, text: str) -> list[Reply]:
    if fold(text) in YES_WORDS:
        return await _confirm_choice(ctx, "yes")
    return [ctx.reply("report_hint", step=CONFIRM, field=None)]


async def _confirm_choice(ctx: Context, choice: str) -> list[Reply]:
    if ctx.step != CONFIRM:
        return [ctx.reply("report_hint", step=ctx.step, field=None)]
    if choice == "no":
        _save(ctx, conversations.IDLE, {})
        return [ctx.reply("cancelled", was_busy=True)]
    if choice == "edit":
        if "new" in ctx.data:
            return _ask_new_name(ctx)
        household = await ctx.session.get(Household, ctx.data["household_id"])
        assert household is not None
        keys = ("village_id", "household_id", "happened_on")
        keep: dict[str, Any] = {k: ctx.data[k] for k in keys if k in ctx.data}
        return await _household_chosen(ctx, household, keep)
    return await decisions.submit_from_flow(ctx)


def _ask_new_name(ctx: Context) -> list[Reply]:
    name = ctx.data.get("new_name")
    if name and len(name) <= MAX_NAME:
        return _ask_new_status(ctx, ctx.data | {"new": {"name": name}})
    _save(ctx, NEW_NAME, ctx.data)
    return [ctx.reply("report_new_name")]


async def _typed_new_name(ctx: Context, text: str) -> list[Reply]:
    title, name = split_title(text)
    if len(fold(name).split()) < 2 or len(name) > MAX_NAME:
        return [ctx.reply("report_new_name")]
    return _ask_new_status(ctx, ctx.data | {"new": {"name": name, "title": title}})


def _ask_new_status(ctx: Context, data: dict[str, Any]) -> list[Reply]:
    title, name = split_title(data["new"]["name"])
    data["new"] = data["new"] | {"name": name, "title": data["new"].get("title") or title}
    _save(ctx, NEW_STATUS, data)
    buttons = [
        [Button("Hộ nghèo", f"ns:{Status.POOR.value}")],
        [Button("Hộ cận nghèo", f"ns:{Status.NEAR_POOR.value}")],
    ]
    return [ctx.reply("report_new_status", buttons=buttons, name=name)]


async def _typed_number(ctx: Context, text: str) -> list[Reply]:
    field = "members" if ctx.step == NEW_MEMBERS else "workers"
    number = whole_number(text, 6)
    members = ctx.data.get("new", {}).get("members")
    if (
        number is None
        or (field == "members" and number == 0)
        or (field == "workers" and members is not None and number > members)
    ):
        return [ctx.reply("report_hint", step=ctx.step, field=None)]
    return await _set_new(ctx, field, number)


async def _typed_cause(ctx: Context, text: str) -> list[Reply]:
    if not fold(text):
        return [ctx.reply("report_new_cause")]
    return await _set_new(ctx, "cause", nfc(text)[:200])


async def _set_new(ctx: Context, field: str, value: Any) -> list[Reply]:
    data = ctx.data | {"new": ctx.data.get("new", {}) | {field: value}}
    if field == "members":
        _save(ctx, NEW_WORKERS, data)
        return [ctx.reply("report_new_workers")]
    if field == "workers":
        _save(ctx, NEW_CAUSE, data)
        buttons = [[Button(label(f"cause.{c}"), f"nc:{c}")] for c in CAUSES]
        return [ctx.reply("report_new_cause", buttons=buttons)]
    _save(ctx, NOTE, data)
    return [ctx.reply("report_ask_note", buttons=[[Button(label("skip"), "skip:")]])]


async def _typed_village(ctx: Context, text: str) -> list[Reply]:
    assert ctx.user is not None
    villages = await reporting.reporter_villages(ctx.session, ctx.user)
    wanted = fold(text)
    matches = [v for v in villages if v.name_key == wanted or fold(v.name) == wanted]
    if len(matches) != 1:
        return [ctx.reply("report_hint", step=PICK_VILLAGE, field=None)]
    return await _ask_household(ctx, matches[0])


async def _typed_household(ctx: Context, text: str) -> list[Reply]:
    village_id = ctx.data.get("village_id")
    found = await best_households(ctx.session, text, [village_id] if village_id else None)
    if len(found) == 1:
        return await _household_chosen(ctx, found[0], ctx.data)
    village = await ctx.session.get(Unit, village_id) if village_id else None
    buttons = [[Button(_household_label(h), f"rh:{h.id}")] for h in found[:6]]
    buttons.append([Button(label("new_household"), "rn:")])
    _save(ctx, PICK_HOUSEHOLD, ctx.data | {"new_name": nfc(text)})
    return [
        ctx.reply(
            "report_household_unknown",
            buttons=buttons,
            name=nfc(text),
            village=village.name if village else "",
            close=bool(found),
        )
    ]


def _typed_title(text: str, folded_name: str) -> str:
    """'Ông ' or 'Bà ' when the sentence put one before the name, else ''."""
    match = re.search(rf"\b(ong|ba)\s+{re.escape(folded_name)}", fold(text))
    return {"ong": "Ông ", "ba": "Bà "}[match.group(1)] if match else ""


def _household_label(household: Household) -> str:
    title = f"{household.title} " if household.title else ""
    return f"{title}{household.head_name} ({label('status.' + household.status)})"


def _title_case_name(text: str, folded_name: str) -> str:
    """Recover the typed spelling of the name (with its diacritics) from the sentence."""
    words = nfc(text).split()
    count = len(folded_name.split())
    for start in range(len(words) - count + 1):
        if fold(" ".join(words[start : start + count])) == folded_name:
            return " ".join(w[:1].upper() + w[1:] for w in words[start : start + count])
    return folded_name.title()


def _save(ctx: Context, step: str, data: dict[str, Any]) -> None:
    conversations.save(ctx.conversation, step, data)
