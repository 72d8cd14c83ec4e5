"""Text in, an `Understood` out: cues score the intents, slot parsers add their evidence.

Hand-written and table-driven (see understanding/README.md for why, with the figures):
every slot parser takes its words out of the sentence first (change, period, date,
places, household), so what is left over is a name typed without a unit word.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Container
from dataclasses import dataclass, replace

from domain.names import fold
from understanding import cues, slots, smalltalk
from understanding.changes import corrected, find_change
from understanding.dates import find_date
from understanding.names import find_household, residual
from understanding.periods import find_period
from understanding.places import bare_pair, find_places
from understanding.references import find_report_number
from understanding.spelling import spelled
from understanding.text import Text, tokens
from understanding.types import Intent, Measure, Slots, Understood

# Below this the router offers the likeliest readings instead of answering. Chosen on the
# training part's curve (bench/nlu.py): from 0.30 to 0.40 no wrong reading is left and 2
# of 1,644 are asked back; from 0.45 more are asked back (7, then 12 at 0.50) for nothing.
FALLBACK_THRESHOLD = 0.4
PLACE_INTENTS = (Intent.UNIT_STATUS, Intent.COUNT, Intent.RATE, Intent.COMPARISON)


@dataclass
class Reading:
    """What the slot parsers found in one message, before the intent is chosen."""

    text: Text
    question: bool
    used: set[int]
    slots: Slots


def understand(
    message: str, today: dt.date, known: Container[str] = (), intent: Intent | None = None
) -> Understood:
    """The likeliest reading of a message, its confidence and the next likeliest intents.

    `known`: folded names of the units that exist (bare, 'cho', 'cam binh'), to take a
    place's name whole even when one of its words is a word of the grammar. `intent`: the
    reading the asker chose among those offered (its slots read as that intent reads them).
    """
    reading = read(message, today, known)
    if intent is not None:
        return Understood(intent, finish(intent, reading.slots), 1.0)
    scored = cues.scores(cues.core(smalltalk.plain(reading.text.words)))
    if smalltalk.off_topic(reading.text.folded):
        scored[Intent.UNKNOWN] = smalltalk.off_topic(reading.text.folded)
    elif not scored and _stray(reading.slots):
        return Understood(Intent.UNKNOWN, reading.slots, 0.0)  # 'asdfgh', 'weather'
    for intent, bonus in evidence(reading).items():
        scored[intent] = scored.get(intent, 0.0) + bonus
    if reading.question:
        scored.pop(Intent.REPORT, None)
    ranked = sorted(scored.items(), key=lambda item: -item[1])
    if not ranked:
        return Understood(Intent.UNKNOWN, reading.slots, 0.0)
    top, second = ranked[0][1], ranked[1][1] if len(ranked) > 1 else 0.0
    confidence = round(top / (top + second + 1.0), 3)
    others = tuple((i, round(s / (top + second + 1.0), 3)) for i, s in ranked[1:3])
    intent = ranked[0][0]
    return Understood(intent, finish(intent, reading.slots), confidence, others)


def read(message: str, today: dt.date, known: Container[str] = ()) -> Reading:
    """Run every slot parser over the message."""
    text = corrected(spelled(tokens(message)))
    used: set[int] = set()
    number, number_span = find_report_number(text)
    if number_span:
        used.update(range(number_span[0], number_span[1] + 1))
    change = find_change(text)
    if change:
        used.update(range(change.span[0], change.span[1] + 1))
    # 'tháng 10' is a report's date, unless the message asks which households ('có hộ nào')
    asks_which = " co ho nao " in f" {' '.join(text.words)} "
    period, period_span = find_period(text, today, month_alone=not change or asks_which)
    date = None if asks_which and period else find_date(text, today)
    for span in (period_span, date.span if date else None):
        if span:
            used.update(range(span[0], span[1] + 1))
    folded = " ".join(w for i, w in enumerate(text.words) if i not in used or _in(change, i))
    places, level, own = find_places(text, cues.GRAMMAR_WORDS, used, known)
    if not places:
        places = bare_pair(text, cues.GRAMMAR_WORDS, used, known)
        for _, _, (first, last) in places:
            used.update(range(first, last + 1))
    title, household, household_span = find_household(text, cues.GRAMMAR_WORDS, used)
    if household_span:
        used.update(range(household_span[0], household_span[1] + 1))
    rest, _ = residual(text, cues.GRAMMAR_WORDS, used, known)
    if not places and rest and fold(rest) in known:
        places = [(rest, "", (0, 0))]  # a unit's name typed alone ('Cẩm Bình'): a place
        rest = ""
    found = Slots(
        places=tuple(typed for typed, _, _ in places),
        own_place=own or not places,
        level=level,
        period=period,
        status=slots.status_of(folded, change.kind if change else None),
        measure=slots.measure_of(folded, change.kind if change else None),
        household=household,
        person=rest or None,
        change=change.kind if change else None,
        happened_on=date.day if date else None,
        date_problem=date.problem if date else None,
        list_filter=slots.list_filter_of(folded),
        order=slots.order_of(folded),
        title=title,
        report_number=number,
    )
    return Reading(text, cues.is_question(folded, text.asks), used, found)


def _stray(found: Slots) -> bool:
    """A lone word left over that no name can be, and nothing else found."""
    alone = not (found.places or found.household or found.change or found.period)
    return alone and bool(found.person) and not smalltalk.name_like(fold(found.person or ""))


def _in(change: object, index: int) -> bool:
    span = getattr(change, "span", None)
    return span is not None and span[0] <= index <= span[1]


def evidence(reading: Reading) -> dict[Intent, float]:
    """What the slots say about the intent, beside the cue words."""
    found, words = reading.slots, reading.text.words
    bonus: dict[Intent, float] = {}
    named = found.household or found.person
    if found.change and not reading.question and named:
        bonus[Intent.REPORT] = 5.0
    if found.change and not named and words[:1] in (["ho"], ["cac"], ["nhung"]):
        bonus[Intent.HOUSEHOLD_LIST] = 2.0
    if found.person and not found.places and found.change and reading.question:
        bonus[Intent.HOUSEHOLD_CARD] = 3.0  # 'Phạm Thị Đéc thoát nghèo chưa'
    if found.household and (reading.question or not found.change):
        bonus[Intent.HOUSEHOLD_CARD] = 3.5 if not found.places else 1.0
    if found.places:
        bonus[Intent.UNIT_STATUS] = 0.5 if cues.scores(cues.core(words)) else 1.5
    if found.level and found.order:
        bonus[Intent.RANKING] = 2.0
    if len(found.places) >= 2:  # 'X và Y thôn nào chậm hơn', 'X với Y thì sao': a comparison
        cued = cues.scores(cues.core(words))
        bonus[Intent.COMPARISON] = (
            3.0 + bonus.get(Intent.RANKING, 0.0) + cued.get(Intent.UNIT_STATUS, 0.0)
        )
    if found.period:
        bonus[Intent.UNIT_STATUS] = bonus.get(Intent.UNIT_STATUS, 0.0) + 1.0
        folded = reading.text.folded
        asks_who = re.search(r"\bco ho nao\b", folded) and found.change  # 'có hộ nào thoát'
        bonus[Intent.CHANGES] = (
            3.0 if asks_who else 1.5 if re.search(r"\bco (?:ho|gi)\b", folded) else 0.0
        )
        if re.search(r"\b(?:bao cao|report)\b", reading.text.folded):
            bonus[Intent.DIGEST] = 2.0
    if found.person and not found.places and not found.household and not found.change:
        # a name no unit bears ('hế lô', 'Hạc Sơm'): a weak hint of a place, or a household
        bonus[Intent.UNIT_STATUS] = bonus.get(Intent.UNIT_STATUS, 0.0) + 0.25
        bonus[Intent.HOUSEHOLD_CARD] = bonus.get(Intent.HOUSEHOLD_CARD, 0.0) + 0.5
    if found.change and not named and re.search(r"\bco ho nao\b", reading.text.folded):
        bonus[Intent.CHANGES] = max(bonus.get(Intent.CHANGES, 0.0), 3.0)  # 'có hộ nào thoát'

    return {intent: value for intent, value in bonus.items() if value}


def finish(intent: Intent, found: Slots) -> Slots:
    """Slots as the chosen intent reads them: a report's name, a count's default figure."""
    changes: dict[str, object] = {}
    if intent in (Intent.REPORT, Intent.HOUSEHOLD_CARD) and not found.household:
        changes["household"] = found.person
    if intent in (*PLACE_INTENTS, Intent.RESPONSIBLE) and not found.places and found.person:
        changes["places"] = (found.person,) if intent is not Intent.RESPONSIBLE else ()
        changes["own_place"] = intent is Intent.RESPONSIBLE
    if intent is Intent.COUNT and found.measure is None:
        changes["measure"] = Measure.NOW
    return replace(found, **changes)  # type: ignore[arg-type]
