"""A stored instant (UTC) is printed as the local day: a period closed at 01:30 in Vietnam
on 05/12 reads 05/12, not the UTC day before."""

from __future__ import annotations

import datetime as dt

from messaging.render import environment, local_day


def test_an_instant_prints_as_its_vietnamese_day() -> None:
    closed_at = dt.datetime(2026, 12, 4, 18, 30, tzinfo=dt.UTC)  # 05/12 01:30 in Vietnam
    day = environment().from_string("{% import '_period.j2' as per %}{{ per.day(moment) }}")
    assert day.render(moment=closed_at) == "05/12/2026"
    assert day.render(moment=closed_at.replace(tzinfo=None)) == "05/12/2026"  # naive = UTC
    assert day.render(moment=dt.date(2026, 12, 4)) == "04/12/2026"  # a date is a date


def test_a_date_is_left_alone() -> None:
    assert local_day(dt.date(2024, 9, 30)) == dt.date(2024, 9, 30)
