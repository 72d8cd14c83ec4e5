"""The watch after an exit (issue 15.1): a household confirmed as exited (poverty or
near-poverty) is followed for `Calendar.watch_months` from its exit date; each quarter
its village head says how it is (vẫn ổn / có khó khăn / tái nghèo)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.statuses import ChangeKind, ReportState
from storage.audit import record
from storage.idlists import among
from storage.models import Household, StatusChange, User, WatchAnswer

EXIT_KINDS = (ChangeKind.EXIT_POVERTY, ChangeKind.EXIT_TO_NEAR_POOR,
              ChangeKind.EXIT_NEAR_POVERTY)
BACK_KINDS = (ChangeKind.FELL_BACK, ChangeKind.NEW_POOR, ChangeKind.NEW_NEAR_POOR)
ANSWERS = ("ok", "difficulty", "fell_back")
DIFFICULTIES = ("illness", "job", "disaster", "debt", "other")


@dataclass(frozen=True)
class Watched:
    """A household on watch: its exit, whether it fell back since, its last answer."""

    household: Household
    exit_kind: str
    exited_on: dt.date
    fell_back: bool
    answer: WatchAnswer | None

    @property
    def flagged(self) -> bool:
        """The head's last answer said it has difficulties (and it has not fallen back)."""
        return not self.fell_back and self.answer is not None \
            and self.answer.answer == "difficulty"


@dataclass(frozen=True)
class WatchSummary:
    """How many households are on watch, flagged, fallen back (one unit)."""

    months: int
    items: list[Watched]

    @property
    def on_watch(self) -> int:
        """Exited within the window and not fallen back."""
        return sum(1 for w in self.items if not w.fell_back)

    @property
    def flagged(self) -> list[Watched]:
        """Households whose head reported difficulties."""
        return [w for w in self.items if w.flagged]

    @property
    def fell_back(self) -> list[Watched]:
        """Households that exited within the window and fell back since."""
        return [w for w in self.items if w.fell_back]


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier (the last day of a shorter month)."""
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    for last in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month + 1, last)
        except ValueError:
            continue
    raise AssertionError("unreachable")


async def watched(session: AsyncSession, village_ids: Sequence[int], today: dt.date,
                  months: int) -> list[Watched]:
    """Households of the villages with a confirmed exit within `months` before `today`."""
    since = months_before(today, months)
    query = (select(StatusChange, Household)
             .join(Household, Household.id == StatusChange.household_id)
             .where(among(StatusChange.village_id, list(village_ids)),
                    StatusChange.kind.in_([k.value for k in EXIT_KINDS]),
                    StatusChange.state == ReportState.CONFIRMED.value,
                    StatusChange.happened_on > since, StatusChange.happened_on <= today,
                    Household.listed.is_(True))
             .order_by(StatusChange.happened_on, StatusChange.id))
    exits = {h.id: (c, h) for c, h in await session.execute(query)}  # the latest exit kept
    ids = sorted(exits)
    backs = await _fell_back(session, ids, {i: c.happened_on for i, (c, _) in exits.items()},
                             today)
    answers = await _last_answers(session, ids, today)
    return [Watched(h, c.kind, c.happened_on, i in backs, answers.get(i))
            for i, (c, h) in sorted(exits.items(), key=lambda e: e[1][0].happened_on)]


async def _fell_back(session: AsyncSession, ids: list[int], exited: dict[int, dt.date],
                     today: dt.date) -> set[int]:
    query = select(StatusChange.household_id, StatusChange.happened_on).where(
        among(StatusChange.household_id, ids), StatusChange.kind.in_([k.value for k in BACK_KINDS]),
        StatusChange.state == ReportState.CONFIRMED.value, StatusChange.happened_on <= today)
    return {i for i, on in await session.execute(query) if on >= exited[i]}


async def _last_answers(session: AsyncSession, ids: list[int],
                        today: dt.date) -> dict[int, WatchAnswer]:
    """The last answer given by `today` (a day's slack for the time zone)."""
    until = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), dt.UTC)
    query = select(WatchAnswer).where(among(WatchAnswer.household_id, ids),
                                      WatchAnswer.answered_at < until) \
        .order_by(WatchAnswer.answered_at)
    return {a.household_id: a for a in (await session.scalars(query)).all()}


async def summary(session: AsyncSession, village_ids: Sequence[int], today: dt.date,
                  months: int) -> WatchSummary:
    """The watch of some villages as of a day."""
    return WatchSummary(months, await watched(session, village_ids, today, months))


async def unanswered(session: AsyncSession, village_ids: Sequence[int], period: str,
                     today: dt.date, months: int) -> list[Watched]:
    """Households on watch (not fallen back) whose head has not answered for the period."""
    items = [w for w in await watched(session, village_ids, today, months) if not w.fell_back]
    done = set((await session.scalars(select(WatchAnswer.household_id).where(
        among(WatchAnswer.household_id, [w.household.id for w in items]),
        WatchAnswer.period == period))).all()) if items else set()
    return [w for w in items if w.household.id not in done]


async def answer(session: AsyncSession, user: User, household: Household, period: str,
                 said: str, difficulty: str | None, now: dt.datetime, channel: str) -> None:
    """Keep the head's answer for the period (a second answer replaces the first; audited)."""
    row = await session.get(WatchAnswer, (household.id, period))
    before = {"answer": row.answer, "difficulty": row.difficulty} if row else None
    if row is None:
        row = WatchAnswer(household_id=household.id, period=period,
                          village_id=household.village_id)
        session.add(row)
    row.answer, row.difficulty = said, difficulty
    row.answered_by, row.answered_at, row.channel = user.id, now, channel
    record(session, actor_id=user.id, channel=channel, action="watch.answer",
           entity="household", entity_id=household.id, village_id=household.village_id,
           before=before, after={"period": period, "answer": said, "difficulty": difficulty})
    await session.flush()
