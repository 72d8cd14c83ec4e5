"""Answers to the questions the understanding layer recognises, one module per kind.

The router resolves the places a message names (whole tree first, then the asker's scope)
and calls `ANSWERS[intent](ctx, understood, units)`: `units` are the named units in the
order named, or the asker's own units when none was named.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from handlers.context import Context
from messaging.messages import Reply
from storage.unit_tree import UnitInfo
from understanding.types import Intent, Understood

AnswerHandler = Callable[[Context, Understood, list[UnitInfo]], Awaitable[list[Reply]]]

ANSWERS: dict[Intent, AnswerHandler] = {}

from handlers.answers import (  # noqa: E402  (no cycle)
    changes,
    comparison,
    completeness,
    count,
    digest,
    household_list,
    no_change,
    ranking,
    rate,
    responsible,
)

ANSWERS[Intent.RANKING] = ranking.answer
ANSWERS[Intent.COUNT] = count.answer
ANSWERS[Intent.RATE] = rate.answer
ANSWERS[Intent.COMPARISON] = comparison.answer
ANSWERS[Intent.RESPONSIBLE] = responsible.answer
ANSWERS[Intent.HOUSEHOLD_LIST] = household_list.answer
ANSWERS[Intent.CHANGES] = changes.answer
ANSWERS[Intent.COMPLETENESS] = completeness.answer
ANSWERS[Intent.DIGEST] = digest.answer
ANSWERS[Intent.NO_CHANGE] = no_change.answer

from handlers import approval  # noqa: E402

ANSWERS[Intent.APPROVE] = approval.asked
