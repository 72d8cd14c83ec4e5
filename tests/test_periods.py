"""Reporting periods and the calendar of sends: calendar quarters, cut-off days, time zone."""

from __future__ import annotations

import datetime as dt

import pytest

from domain.periods import Period, PeriodKind, parse_period, period_of, report_period
from domain.schedule import Calendar, SendKind, due_sends, planned_sends

Q3 = Period(PeriodKind.QUARTER, 2024, 3)
VN = dt.timezone(dt.timedelta(hours=7))


@pytest.mark.parametrize(("text", "period"), [
    ("2024-Q3", Q3), ("2024q3", Q3), ("2024-H1", Period(PeriodKind.HALF, 2024, 1)),
    ("2024-09", Period(PeriodKind.MONTH, 2024, 9)), ("2024-M9", Period(PeriodKind.MONTH, 2024, 9)),
    ("2024", Period(PeriodKind.YEAR, 2024)), ("2024-Y", Period(PeriodKind.YEAR, 2024)),
])
def test_parse(text: str, period: Period) -> None:
    assert parse_period(text) == period


@pytest.mark.parametrize("text", ["2024-Q5", "2024-H3", "2024-13", "Q3", "24-Q3"])
def test_parse_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_period(text)


def test_keys_are_stable() -> None:
    assert [p.key for p in (Q3, Period(PeriodKind.HALF, 2024, 2), Period(PeriodKind.MONTH, 2024, 9),
                            Period(PeriodKind.YEAR, 2024))] == ["2024-Q3", "2024-H2", "2024-M09",
                                                                "2024"]


def test_calendar_quarters_by_default() -> None:
    assert (Q3.start(), Q3.end()) == (dt.date(2024, 7, 1), dt.date(2024, 9, 30))
    assert Period(PeriodKind.MONTH, 2024, 2).end() == dt.date(2024, 2, 29)
    assert Period(PeriodKind.YEAR, 2024).end() == dt.date(2024, 12, 31)
    assert period_of(PeriodKind.QUARTER, dt.date(2024, 9, 30)) == Q3
    assert period_of(PeriodKind.QUARTER, dt.date(2024, 10, 1)).index == 4


def test_cutoff_day_fifteenth_to_fourteenth() -> None:
    """Decree 09/2019 practice: a period runs from the 15th to the 14th."""
    assert (Q3.start(14), Q3.end(14)) == (dt.date(2024, 6, 15), dt.date(2024, 9, 14))
    q1 = Period(PeriodKind.QUARTER, 2025, 1)
    assert (q1.start(14), q1.end(14)) == (dt.date(2024, 12, 15), dt.date(2025, 3, 14))
    assert period_of(PeriodKind.QUARTER, dt.date(2024, 9, 15), 14).index == 4
    assert period_of(PeriodKind.QUARTER, dt.date(2024, 12, 20), 14) == q1
    assert Period(PeriodKind.MONTH, 2023, 2).end(31) == dt.date(2023, 2, 28)  # clamped


def test_half_and_year_close_the_second_and_fourth_quarters() -> None:
    assert report_period(Period(PeriodKind.QUARTER, 2024, 2)) == Period(PeriodKind.HALF, 2024, 1)
    assert report_period(Period(PeriodKind.QUARTER, 2024, 4)) == Period(PeriodKind.YEAR, 2024)
    assert report_period(Q3) == Q3
    assert Q3.share_of_year == 0.75


def _due_local(kind: SendKind, period_key: str, cal: Calendar) -> dt.datetime:
    [send] = [s for s in planned_sends(2024, cal) if s.kind is kind and s.period.key == period_key]
    return send.due.astimezone(VN)


def test_default_times_in_vietnam() -> None:
    cal = Calendar()
    assert _due_local(SendKind.REMINDER, "2024-Q3", cal) == dt.datetime(2024, 9, 16, 8, tzinfo=VN)
    assert _due_local(SendKind.NUDGE, "2024-Q3", cal) == dt.datetime(2024, 9, 23, 8, tzinfo=VN)
    assert _due_local(SendKind.LEADER_DIGEST, "2024-Q3", cal) == dt.datetime(2024, 10, 1, 8,
                                                                             tzinfo=VN)
    assert _due_local(SendKind.OFFICER_DIGEST, "2024-H1", cal) == dt.datetime(2024, 7, 1, 8,
                                                                              tzinfo=VN)
    assert _due_local(SendKind.LEADER_DIGEST, "2024", cal) == dt.datetime(2025, 1, 1, 8, tzinfo=VN)
    assert _due_local(SendKind.REVIEW, "2024", cal) == dt.datetime(2024, 9, 1, 8, tzinfo=VN)
    assert _due_local(SendKind.DEADLINE, "2024", cal) == dt.datetime(2024, 11, 3, 8, tzinfo=VN)


def test_cutoff_setting_moves_every_send() -> None:
    cal = Calendar(cutoff_day=14, reminder_days=10, digest_delay_days=2, send_hour=7)
    assert _due_local(SendKind.REMINDER, "2024-Q3", cal) == dt.datetime(2024, 9, 4, 7, tzinfo=VN)
    assert _due_local(SendKind.LEADER_DIGEST, "2024-Q3", cal) == dt.datetime(2024, 9, 16, 7,
                                                                             tzinfo=VN)


def test_due_sends_expire() -> None:
    cal = Calendar()
    at = dt.datetime(2024, 10, 5, 8, tzinfo=VN)  # down since before the Q3 reminders
    due = {(s.kind, s.period.key) for s in due_sends(at, cal)}
    assert (SendKind.LEADER_DIGEST, "2024-Q3") in due  # still worth sending, late
    assert (SendKind.REVIEW, "2024") in due  # the review window is still open
    assert (SendKind.REMINDER, "2024-Q3") not in due  # the cut-off has passed
    later = {(s.kind, s.period.key) for s in due_sends(at + dt.timedelta(days=30), cal)}
    assert (SendKind.LEADER_DIGEST, "2024-Q3") not in later  # beyond the catch-up window
    assert (SendKind.DEADLINE, "2024") in later
