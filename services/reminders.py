"""Reminders: report before the cut-off, a nudge to silent heads, review window, deadline,
and a year coming with no plan."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.names import sort_key
from domain.statuses import ReportState
from messaging.messages import Button, Reply
from messaging.render import render
from services.completeness import completeness
from services.decisions import pending_in_scope
from services.digests import Occasion
from services.progress import UnitProgress, unit_progress
from services.recipients import Recipient
from services.standing import progress_at
from storage.households import ToExit
from storage.models import StatusChange
from storage.unit_tree import unit_tree


@dataclass(frozen=True)
class Waiting:
    """A household registered to exit that has not yet, and whether a report is pending."""

    household: ToExit
    pending: bool


@dataclass(frozen=True)
class Missing:
    """A commune whose villages have no plan for the coming year."""

    name: str
    villages: int


@dataclass(frozen=True)
class VillageReminder:
    """One village of a reminder: its progress and who has still to exit."""

    progress: UnitProgress
    waiting: list[Waiting]


def report_now() -> list[list[Button]]:
    """The one-tap button that starts the guided report."""
    return [[Button(render("digest_labels", key="report_now"), "rs:")]]


async def report_reminder(session: AsyncSession, occasion: Occasion,
                          recipient: Recipient) -> list[Reply]:
    """Before the cut-off: progress and the households registered to exit that have not."""
    share = occasion.period.share_of_year
    items = []
    for village in recipient.units:
        progress = await progress_at(session, village, share, occasion.as_of, names=True)
        if progress is not None:
            pending = await _pending_households(session, village.id, occasion.as_of)
            items.append(VillageReminder(progress, [Waiting(h, h.id in pending)
                                                    for h in progress.waiting]))
    text = render("reminder_report", period=occasion.period, cutoff=occasion.send.cutoff,
                  days_left=_days_left(occasion), items=items)
    return [Reply(text, buttons=report_now())]


async def nudge(session: AsyncSession, occasion: Occasion,
                recipient: Recipient) -> list[Reply] | None:
    """The deadline reminder, only to a village head whose villages have not reported for
    the quarter (no report, no 'không có thay đổi'); it names the silent ones."""
    found = await completeness(session, recipient.units, occasion.period, occasion.today,
                               occasion.cal)
    if not found.silent:
        return None
    text = render("reminder_nudge", period=occasion.period, cutoff=occasion.send.cutoff,
                  days_left=_days_left(occasion), villages=[u.name for u in found.silent])
    return [Reply(text, buttons=report_now())]


async def review_reminder(session: AsyncSession, occasion: Occasion,
                          recipient: Recipient) -> list[Reply]:
    """The annual household review window opens; the yearly report deadline."""
    cal, year = occasion.cal, occasion.period.year
    text = render("reminder_review", year=year, start=dt.date(year, *cal.review_start),
                  end=dt.date(year, *cal.review_end), deadline=dt.date(year, *cal.report_deadline),
                  role=recipient.user.role, units=[u.name for u in recipient.units])
    is_head = recipient.user.role == "village_head"
    return [Reply(text, buttons=report_now() if is_head else [])]


async def deadline_reminder(session: AsyncSession, occasion: Occasion,
                            recipient: Recipient) -> list[Reply]:
    """The yearly report deadline is near: where each unit stands, what awaits a decision."""
    progress = [p for unit in recipient.units
                if (p := await unit_progress(session, unit, occasion.as_of, names=False))]
    pending = await pending_in_scope(session, recipient.user, shown=0, until=occasion.as_of)
    text = render("reminder_deadline", year=occasion.period.year,
                  deadline=occasion.send.cutoff, days_left=_days_left(occasion),
                  progress=progress, pending_count=pending.count)
    return [Reply(text)]


async def plan_missing(session: AsyncSession, occasion: Occasion,
                       recipient: Recipient) -> list[Reply]:
    """The year is near and these villages have no plan for it: which communes, what to do."""
    tree = await unit_tree(session)
    villages = Counter(v.parent_id for v in recipient.units)
    communes = sorted((Missing(tree.by_id[i].name, n) for i, n in villages.items()
                       if i is not None and i in tree.by_id), key=lambda c: sort_key(c.name))
    text = render("reminder_plan_missing", year=occasion.period.year, communes=communes,
                  start=occasion.send.cutoff, role=recipient.user.role)
    return [Reply(text)]


def _days_left(occasion: Occasion) -> int:
    return max(0, (occasion.send.cutoff - occasion.today).days)


async def _pending_households(session: AsyncSession, village_id: int,
                              until: dt.date) -> set[int]:
    query = select(StatusChange.household_id).where(
        StatusChange.village_id == village_id, StatusChange.state == ReportState.PENDING.value,
        StatusChange.happened_on <= until)
    return set((await session.scalars(query)).all())
