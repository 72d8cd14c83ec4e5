"""The quarter's watch questions to a village head, one household at a time: sent by the
scheduler through the ledger (the first), then asked after each answer (handlers/watch.py)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from domain.periods import Period
from messaging.messages import Button, Reply
from messaging.render import render
from services.digests import Occasion
from services.recipients import Recipient
from services.watch import DIFFICULTIES, Watched, unanswered

QUESTION = "wq"  # button data: wq:<household id>:<period key>:<ok|difficulty|fell_back>
DIFFICULTY = "wd"  # wd:<household id>:<period key>:<illness|job|disaster|debt|other>


def question(item: Watched, period: Period, left: int, intro: bool, months: int) -> Reply:
    """'Hộ bà Phạm Thị Đéc (thoát nghèo 05/09/2024)': vẫn ổn / có khó khăn / tái nghèo."""
    key = f"{item.household.id}:{period.key}"
    buttons = [[Button(render("watch", part="answer", value=said), f"{QUESTION}:{key}:{said}")]
               for said in ("ok", "difficulty", "fell_back")]
    text = render("watch", part="question", w=item, period=period, left=left, intro=intro,
                  months=months)
    return Reply(text, buttons=buttons)


def difficulty_question(item: Watched, period: Period) -> Reply:
    """'có khó khăn': what kind (ốm đau, mất việc, thiên tai, nợ, khác)."""
    key = f"{item.household.id}:{period.key}"
    buttons = [[Button(render("watch", part="difficulty", value=d), f"{DIFFICULTY}:{key}:{d}")]
               for d in DIFFICULTIES]
    return Reply(render("watch", part="ask_difficulty", w=item), buttons=buttons)


async def watch_question(session: AsyncSession, occasion: Occasion,
                         recipient: Recipient) -> list[Reply] | None:
    """The first household on watch in the head's villages not yet answered this quarter."""
    months = occasion.cal.watch_months
    items = await unanswered(session, [u.id for u in recipient.units], occasion.period.key,
                             occasion.today, months)
    if not items:
        return None
    return [question(items[0], occasion.period, len(items), True, months)]
