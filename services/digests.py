"""Digests after a cut-off: officers (their villages, pending first), commune leaders, and
district and province officers (their communes)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.names import fold, sort_key
from domain.periods import Period
from domain.roles import CAN_CONFIRM, Role
from domain.schedule import Calendar, PlannedSend, SendKind
from messaging.labels import label
from messaging.messages import Button, Reply
from messaging.render import render
from services.charts import village_chart
from services.closures import closure_of
from services.completeness import Completeness, completeness, quarter_of
from services.decisions import pending_in_scope
from services.figures import Figures, figures_of
from services.progress import UnitProgress
from services.recipients import Recipient
from services.standing import behind_pace, needs_attention, ordered, progress_at, rank
from services.watch import WatchSummary
from services.watch import summary as watch_summary
from services.workbook import ChangeRow, summary_workbook
from services.workshop import INLINE, Workshop
from storage.idlists import among
from storage.models import Household, StatusChange, Unit, User
from storage.unit_tree import UnitInfo, UnitNode, unit_tree

PENDING_SHOWN = 5
ON_DEMAND = {"village": SendKind.OFFICER_DIGEST, "commune": SendKind.LEADER_DIGEST}


@dataclass(frozen=True)
class Occasion:
    """One send being composed: the planned send, the calendar, the moment of sending, and
    where its charts and spreadsheets are built."""

    send: PlannedSend
    cal: Calendar
    now: dt.datetime
    workshop: Workshop = field(default=INLINE, compare=False, repr=False)

    @property
    def period(self) -> Period:
        """The period the send is about."""
        return self.send.period

    @property
    def today(self) -> dt.date:
        """Local date of sending."""
        return self.cal.today(self.now)

    @property
    def as_of(self) -> dt.date:
        """Figures run to the period's cut-off, or to today for a period not over yet."""
        return min(self.period.end(self.cal.cutoff_day), self.today)

    @property
    def late(self) -> bool:
        """Sent well after it was due (the bot was down)."""
        return self.now - self.send.due > dt.timedelta(hours=self.cal.late_after_hours)


async def officer_digest(session: AsyncSession, occasion: Occasion,
                         recipient: Recipient) -> list[Reply]:
    """Pending reports first (for those who decide), then each village: target, net,
    pending, pace, re-poverty."""
    share = occasion.period.share_of_year
    villages = [p for unit in recipient.units
                if (p := await progress_at(session, unit, share, occasion.as_of))]
    decides = Role(recipient.user.role) in CAN_CONFIRM
    pending = await pending_in_scope(session, recipient.user, PENDING_SHOWN if decides else 0,
                                     occasion.as_of)
    lines = [await describe_change(session, change) for change in pending.oldest]
    closed = await closure_of(session, recipient.units[0].id, occasion.period) \
        if recipient.units else None
    text = render("digest_officer", period=occasion.period, as_of=occasion.as_of,
                  villages=villages, pending_count=pending.count, pending_lines=lines,
                  expected=share, late=occasion.late, closed=closed, decides=decides,
                  reporting=await reporting_of(session, recipient.units, occasion),
                  watch=await watch_of(session, [u.id for u in recipient.units], occasion))
    return [Reply(text)]


async def leader_digest(session: AsyncSession, occasion: Occasion,
                        recipient: Recipient) -> list[Reply]:
    """One digest per commune the leader covers: text, chart and workbook."""
    replies = []
    for commune in recipient.units:
        progress = await progress_at(session, commune, occasion.period.share_of_year,
                                     occasion.as_of)
        if progress is not None:
            replies.append(await commune_digest(session, progress, occasion))
    return replies


async def commune_digest(session: AsyncSession, progress: UnitProgress,
                         occasion: Occasion) -> Reply:
    """The commune's figures, villages ranked by pace, those needing attention, attachments."""
    ranked, attention = rank(progress.villages), needs_attention(progress.villages)
    text = render("digest_leader", p=progress, period=occasion.period, ranked=ranked,
                  attention=attention, late=occasion.late,
                  reporting=await reporting_of(session, [progress.unit], occasion),
                  watch=await watch_of(session, [v.unit.id for v in progress.villages], occasion),
                  closed=await closure_of(session, progress.unit.id, occasion.period))
    start = occasion.period.start(occasion.cal.cutoff_day)
    changes = await changes_between(session, [v.unit.id for v in progress.villages],
                                    start, occasion.as_of)
    name = render("digest_labels", key="file", stem=fold(progress.unit.name).replace(" ", "-"),
                  period=occasion.period)
    buttons = [[Button(a.village.unit.name, f"u:{a.village.unit.id}")] for a in attention[:3]]
    total, rows = Figures.of(progress), figures_of(ranked)
    chart = await occasion.workshop.build(village_chart, total, rows, occasion.period)
    workbook = await occasion.workshop.build(summary_workbook, total, rows, changes,
                                             occasion.period)
    return Reply(text, buttons=buttons, image=chart, document=(f"{name}.xlsx", workbook))


async def reporting_of(session: AsyncSession, units: Sequence[UnitInfo],
                       occasion: Occasion) -> Completeness | None:
    """Who has reported for the quarter the send is about (the last of a half or year), as
    known on the day its digest is due (a past period's digest tells what it told then)."""
    if not units:
        return None
    cal, cutoff = occasion.cal, occasion.send.cutoff
    known = min(occasion.today, cutoff + dt.timedelta(days=cal.digest_delay_days))
    return await completeness(session, units, quarter_of(cutoff, cal), known, cal)


async def approved_for(session: AsyncSession, commune_id: int, occasion: Occasion) -> bool:
    """The commune's leader approved the digest's period (or its last quarter)."""
    quarter = quarter_of(occasion.send.cutoff, occasion.cal)
    return any([await closure_of(session, commune_id, p) for p in {occasion.period, quarter}])


async def watch_of(session: AsyncSession, village_ids: list[int],
                   occasion: Occasion) -> WatchSummary | None:
    """The households on watch after their exit in these villages (None: none)."""
    found = await watch_summary(session, village_ids, occasion.as_of, occasion.cal.watch_months)
    return found if found.items else None


async def area_digest(session: AsyncSession, occasion: Occasion,
                      recipient: Recipient) -> list[Reply]:
    """District and province officers: the area's total, its communes by pace, a workbook."""
    share, tree = occasion.period.share_of_year, await unit_tree(session)
    replies = []
    for area in recipient.units:
        total = await progress_at(session, area, share, occasion.as_of)
        if total is None:
            continue
        communes = [tree.by_id[i] for i in tree.under(area.id, "commune")]
        parts = [p for c in communes if (p := await progress_at(session, c, share, occasion.as_of))]
        replies.append(await _area_reply(session, total, rank(parts), occasion))
    return replies


async def _area_reply(session: AsyncSession, total: UnitProgress, ranked: list[UnitProgress],
                      occasion: Occasion) -> Reply:
    behind = [p for p in ordered(ranked, "slowest") if behind_pace(p)]
    approved = [c for c in ranked if await approved_for(session, c.unit.id, occasion)]
    text = render("digest_area", p=total, period=occasion.period, ranked=ranked,
                  behind=behind, late=occasion.late, approved=approved,
                  unapproved=[c for c in ranked if c not in approved])
    changes = await changes_between(session, [v.unit.id for v in total.villages],
                                    occasion.period.start(occasion.cal.cutoff_day),
                                    occasion.as_of)
    name = render("digest_labels", key="file", stem=fold(total.unit.name).replace(" ", "-"),
                  period=occasion.period)
    workbook = await occasion.workshop.build(
        summary_workbook, Figures.of(total), figures_of(ranked), changes, occasion.period,
        render("digest_labels", key="xlsx.area_first_header"))
    return Reply(text, document=(f"{name}.xlsx", workbook))


async def describe_change(session: AsyncSession, change: StatusChange) -> str:
    """One pending report as the officer's /cho list shows it."""
    household = await session.get(Household, change.household_id)
    village = await session.get(Unit, change.village_id)
    reporter = await session.get(User, change.reported_by) if change.reported_by else None
    return render("report_line", change=change, household=household, village=village,
                  reporter=reporter, change_label=label(change.kind),
                  details=change.details or {})


async def changes_between(session: AsyncSession, village_ids: list[int], start: dt.date,
                          end: dt.date) -> list[ChangeRow]:
    """Every report about a change that happened in the period, in any state."""
    query = (select(StatusChange, Household.title, Household.head_name, Unit.name)
             .join(Household, Household.id == StatusChange.household_id)
             .join(Unit, Unit.id == StatusChange.village_id)
             .where(among(StatusChange.village_id, village_ids),
                    StatusChange.happened_on.between(start, end))
             .order_by(StatusChange.happened_on, StatusChange.id))
    rows = (await session.execute(query)).all()
    people = {i for change, *_ in rows for i in (change.reported_by, change.decided_by) if i}
    names = dict((await session.execute(
        select(User.id, User.name).where(among(User.id, sorted(people))))).all())
    return [ChangeRow.of(change, f"{title + ' ' if title else ''}{head}", village,
                         names.get(change.reported_by or 0, ""),
                         names.get(change.decided_by or 0, ""))
            for change, title, head, village in rows]


async def on_demand(session: AsyncSession, occasion: Occasion, user: User,
                    units: Sequence[UnitInfo]) -> list[Reply]:
    """'báo cáo quý 3/2024': the digest the scheduler sends for the period, composed the
    same way, about the units asked (areas, communes, or villages) for the asker."""
    tree = await unit_tree(session)
    by_level: dict[SendKind, list[UnitNode]] = {}
    for unit in units:
        kind = ON_DEMAND.get(unit.level, SendKind.AREA_DIGEST)
        by_level.setdefault(kind, []).append(tree.by_id[unit.id])
    replies = []
    for kind, asked in by_level.items():
        send = replace(occasion.send, kind=kind)
        composer = {SendKind.OFFICER_DIGEST: officer_digest, SendKind.LEADER_DIGEST:
                    leader_digest, SendKind.AREA_DIGEST: area_digest}[kind]
        asked = sorted(asked, key=lambda u: sort_key(u.name))  # as the scheduler's recipients
        replies += await composer(session, replace(occasion, send=send), Recipient(user, asked))
    return replies
