"""The scheduler: APScheduler only wakes the work up; the delivery ledger decides what is sent.

Every tick computes, from the clock and the reporting calendar, which reminders and digests
are due (including those missed while the bot was down) and sends those the ledger does not
hold as done. Two processes ticking on one database send each message once.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import uuid
from collections.abc import Callable, Collection
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.app import App
from bot.settings import Settings
from domain.periods import Period
from domain.schedule import DIGESTS, Calendar, PlannedSend, SendKind, due_sends
from services.broadcast import Broadcaster, DeliveryPolicy, Registry
from services.deliveries import Run, run_sends

log = logging.getLogger(__name__)
Clock = Callable[[], dt.datetime]
PROCESS_TOKEN = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def utc_now() -> dt.datetime:
    """The real clock."""
    return dt.datetime.now(dt.UTC)


def calendar_of(settings: Settings) -> Calendar:
    """The reporting calendar from the settings."""
    return Calendar(
        cutoff_day=settings.reporting_cutoff_day, send_hour=settings.send_hour,
        reminder_days=settings.reminder_days_before_cutoff,
        nudge_days=settings.nudge_days_before_cutoff,
        digest_delay_days=settings.digest_days_after_cutoff,
        review_start=_month_day(settings.review_window_start),
        review_end=_month_day(settings.review_window_end),
        report_deadline=_month_day(settings.yearly_report_deadline),
        deadline_reminder_days=settings.deadline_reminder_days,
        catch_up_days=settings.catch_up_days, timezone=settings.timezone)


def policy_of(settings: Settings) -> DeliveryPolicy:
    """Sending limits from the settings."""
    return DeliveryPolicy(per_second=settings.broadcast_per_second,
                          per_chat_seconds=settings.broadcast_per_chat_seconds)


def _month_day(text: str) -> tuple[int, int]:
    month, day = (int(part) for part in text.split("-"))
    dt.date(2024, month, day)  # validates (2024 is a leap year: 02-29 allowed)
    return month, day


def new_run(app: App, registry: Registry, clock: Clock, token: str,
            broadcaster: Broadcaster | None = None) -> Run:
    """A delivery pass of this process."""
    policy = policy_of(app.settings)
    return Run(app.db, broadcaster or Broadcaster(registry, policy), calendar_of(app.settings),
               policy, clock, token, workshop=app.workshop)


async def tick(app: App, registry: Registry, clock: Clock = utc_now,
               token: str = PROCESS_TOKEN, broadcaster: Broadcaster | None = None) -> Run:
    """Job: send whatever is due and not done in the ledger (catches up after downtime)."""
    run = new_run(app, registry, clock, token, broadcaster)
    await run_sends(run, due_sends(clock(), run.cal))
    if run.results:
        log.info("deliveries: %s", dict(run.results))
    return run


async def send_period(app: App, registry: Registry, period: Period, clock: Clock = utc_now,
                      kinds: Collection[SendKind] = DIGESTS, token: str = PROCESS_TOKEN,
                      broadcaster: Broadcaster | None = None) -> Run:
    """Job: send one period's digests (or other kinds) now, through the ledger."""
    run = new_run(app, registry, clock, token, broadcaster)
    now = clock()
    sends = [PlannedSend(kind, period, now, now + dt.timedelta(hours=1),
                         period.end(run.cal.cutoff_day)) for kind in kinds]
    return await run_sends(run, sends)


def build_scheduler(app: App, registry: Registry,
                    clock: Clock = utc_now) -> AsyncIOScheduler:
    """An AsyncIOScheduler whose one job ticks now and every few minutes."""
    zone = ZoneInfo(app.settings.timezone)
    scheduler = AsyncIOScheduler(timezone=zone)
    scheduler.add_job(
        tick, IntervalTrigger(minutes=app.settings.schedule_tick_minutes, timezone=zone),
        kwargs={"app": app, "registry": registry, "clock": clock}, id="deliveries",
        name="reminders and digests", coalesce=True, max_instances=1, misfire_grace_time=None,
        next_run_time=dt.datetime.now(zone), replace_existing=True)
    return scheduler


async def start_scheduler(app: App, registry: Registry) -> AsyncIOScheduler:
    """Build and start the scheduler on the running event loop (first tick right away)."""
    scheduler = build_scheduler(app, registry)
    scheduler.start()
    return scheduler


start = start_scheduler  # the name bot/runner.py looks for
