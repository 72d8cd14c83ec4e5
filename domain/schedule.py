"""What is sent, to whom and when: the yearly plan of reminders and digests (pure)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from domain.periods import Period, PeriodKind, quarters, report_period
from domain.roles import Role


class SendKind(StrEnum):
    """A kind of proactive message."""

    REMINDER = "reminder"  # village heads, before the cut-off: who has not exited yet
    NUDGE = "nudge"  # village heads who reported nothing in the quarter
    OFFICER_DIGEST = "officer_digest"  # officers, after the cut-off: their villages
    LEADER_DIGEST = "leader_digest"  # commune leaders: commune, chart and workbook
    AREA_DIGEST = "area_digest"  # district and province officers: communes, workbook
    REVIEW = "review"  # the annual household review window opens
    DEADLINE = "deadline"  # the yearly report deadline is near
    PLAN_MISSING = "plan_missing"  # the year is near and its plan is not imported
    WATCH = "watch"  # village heads: how each household on watch after its exit is doing


DIGESTS = (SendKind.OFFICER_DIGEST, SendKind.LEADER_DIGEST, SendKind.AREA_DIGEST)
AUDIENCE: dict[SendKind, frozenset[Role]] = {
    SendKind.REMINDER: frozenset({Role.VILLAGE_HEAD}),
    SendKind.NUDGE: frozenset({Role.VILLAGE_HEAD}),
    SendKind.OFFICER_DIGEST: frozenset({Role.OFFICER}),
    SendKind.LEADER_DIGEST: frozenset({Role.COMMUNE_LEADER}),
    SendKind.AREA_DIGEST: frozenset({Role.DISTRICT_OFFICER, Role.PROVINCE_OFFICER}),
    SendKind.REVIEW: frozenset({Role.VILLAGE_HEAD, Role.OFFICER, Role.COMMUNE_LEADER}),
    SendKind.DEADLINE: frozenset({Role.OFFICER, Role.COMMUNE_LEADER}),
    SendKind.PLAN_MISSING: frozenset({Role.ADMIN, Role.OFFICER}),
    SendKind.WATCH: frozenset({Role.VILLAGE_HEAD}),
}


@dataclass(frozen=True)
class Calendar:
    """The reporting calendar's settings (defaults follow the issue and seed 003)."""

    cutoff_day: int = 0  # 0: calendar periods; 14: periods end on the 14th
    send_hour: int = 8  # local time of every send
    reminder_days: int = 14  # reminder to report, days before the cut-off
    nudge_days: int = 7  # nudge to silent village heads, days before the cut-off
    digest_delay_days: int = 1  # digests, days after the cut-off
    review_start: tuple[int, int] = (9, 1)  # (month, day) the annual review opens
    review_end: tuple[int, int] = (12, 14)
    report_deadline: tuple[int, int] = (11, 10)  # yearly report to the district
    deadline_reminder_days: int = 7
    report_grace_days: int = 0  # a quarter's reports are on time until its cut-off + this
    watch_months: int = 36  # a household is watched this long after its exit
    watch_days: int = 21  # the quarter's watch questions, days before its cut-off
    plan_missing: tuple[int, int] = (12, 1)  # (month, day) of the year before: no plan yet?
    catch_up_days: int = 30  # a digest missed by downtime is still sent this long after
    late_after_hours: int = 2  # a send this long after its time says it comes late
    timezone: str = "Asia/Ho_Chi_Minh"

    def at(self, day: dt.date) -> dt.datetime:
        """The moment of sending on `day`, as an aware UTC datetime."""
        local = dt.datetime.combine(day, dt.time(self.send_hour), ZoneInfo(self.timezone))
        return local.astimezone(dt.UTC)

    def midnight_after(self, day: dt.date) -> dt.datetime:
        """The local midnight ending `day`, in UTC."""
        local = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), ZoneInfo(self.timezone))
        return local.astimezone(dt.UTC)

    def deadline_of(self, period: Period) -> dt.date:
        """The last local day a period's reports count as on time."""
        return period.end(self.cutoff_day) + dt.timedelta(days=self.report_grace_days)

    def today(self, now: dt.datetime) -> dt.date:
        """The local date at `now`."""
        return now.astimezone(ZoneInfo(self.timezone)).date()


@dataclass(frozen=True)
class PlannedSend:
    """One send of the plan: its kind and period, when it is due and when it stops making sense."""

    kind: SendKind
    period: Period
    due: dt.datetime
    expires: dt.datetime
    cutoff: dt.date  # the cut-off or deadline the message is about

    def is_due(self, now: dt.datetime) -> bool:
        """Due and still worth sending at `now`."""
        return self.due <= now < self.expires


def planned_sends(year: int, cal: Calendar) -> list[PlannedSend]:
    """Every send of a year, in time order."""
    sends: list[PlannedSend] = []
    for quarter in quarters(year):
        cutoff = quarter.end(cal.cutoff_day)
        closing = cal.midnight_after(cutoff)
        before = ((SendKind.WATCH, cal.watch_days), (SendKind.REMINDER, cal.reminder_days),
                  (SendKind.NUDGE, cal.nudge_days))
        for kind, days in before:
            sends.append(PlannedSend(kind, quarter, cal.at(cutoff - dt.timedelta(days=days)),
                                     closing, cutoff))
        due = cal.at(cutoff + dt.timedelta(days=cal.digest_delay_days))
        expires = due + dt.timedelta(days=cal.catch_up_days)
        for kind in DIGESTS:
            sends.append(PlannedSend(kind, report_period(quarter), due, expires, cutoff))
    whole = Period(PeriodKind.YEAR, year)
    review_end = dt.date(year, *cal.review_end)
    sends.append(PlannedSend(SendKind.REVIEW, whole, cal.at(dt.date(year, *cal.review_start)),
                             cal.midnight_after(review_end), review_end))
    deadline = dt.date(year, *cal.report_deadline)
    sends.append(PlannedSend(SendKind.DEADLINE, whole,
                             cal.at(deadline - dt.timedelta(days=cal.deadline_reminder_days)),
                             cal.midnight_after(deadline), deadline))
    starts = dt.date(year, 1, 1)  # asked the year before, until the end of its January
    sends.append(PlannedSend(SendKind.PLAN_MISSING, whole,
                             cal.at(dt.date(year - 1, *cal.plan_missing)),
                             cal.midnight_after(dt.date(year, 1, 31)), starts))
    return sorted(sends, key=lambda s: (s.due, s.kind))


def due_sends(now: dt.datetime, cal: Calendar) -> list[PlannedSend]:
    """Sends due at `now`, including those missed while the bot was down."""
    years = range(now.year - 1, now.year + 2)
    return [s for year in years for s in planned_sends(year, cal) if s.is_due(now)]


def upcoming_sends(now: dt.datetime, days: int, cal: Calendar) -> list[PlannedSend]:
    """Sends still due or due within `days` after `now`."""
    horizon = now + dt.timedelta(days=days)
    years = range(now.year - 1, horizon.year + 2)  # next year's plan is asked for in December
    return sorted((s for year in years for s in planned_sends(year, cal)
                   if s.expires > now and s.due <= horizon), key=lambda s: (s.due, s.kind))
