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
from bot.reporting_calendar import calendar_of
from bot.settings import Settings
from domain.periods import Period
from domain.schedule import DIGESTS, PlannedSend, SendKind, due_sends
from services.broadcast import Broadcaster, DeliveryPolicy, Registry
from services.deliveries import Run, run_sends

log = logging.getLogger(__name__)
Clock = Callable[[], dt.datetime]
PROCESS_TOKEN = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def utc_now() -> dt.datetime:
    """The real clock."""
    return dt.datetime.now(dt.UTC)


def policy_of(settings: Settings) -> DeliveryPolicy:
    """Sending limits from the settings."""
    return DeliveryPolicy(per_second=settings.broadcast_per_second,
                          per_chat_seconds=settings.broadcast_per_chat_seconds,
                          lease_minutes=settings.delivery_lease_minutes)


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
