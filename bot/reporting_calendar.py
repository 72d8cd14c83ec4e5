"""The reporting calendar from the settings (the scheduler's sends, the answers' periods)."""

from __future__ import annotations

import datetime as dt

from bot.settings import Settings
from domain.schedule import Calendar

__all__ = ["calendar_of"]


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
        report_grace_days=settings.report_days_after_cutoff,
        watch_months=settings.watch_months, watch_days=settings.watch_days_before_cutoff,
        catch_up_days=settings.catch_up_days, timezone=settings.timezone)


def _month_day(text: str) -> tuple[int, int]:
    month, day = (int(part) for part in text.split("-"))
    dt.date(2024, month, day)  # validates (2024 is a leap year: 02-29 allowed)
    return month, day
