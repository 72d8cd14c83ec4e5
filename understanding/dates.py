"""Dates in a report: 'tháng 9', 'ngày 5/9', 'từ tháng 8', '05/09/2026'.

An impossible date ('tháng 13', 'ngày 31/2') or one in the future is flagged as a
`date_problem` and its words are still taken out of the sentence: they are never part of
a household's name. A date without a year that lies ahead by more than half a year is
read as last year's ('tháng 12' typed in January); nearer ahead ('30/11' on 22/11), or
with an explicit year ahead, it is a future date, asked again.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from understanding.text import Text, token_range

PREFIX = r"(?:(tu|ke tu|since|from|vao|tu hom|hom|on|in)\s+)?"
SINCE = frozenset({"tu", "ke tu", "since", "from"})
FULL = re.compile(PREFIX + r"(?:ngay\s+)?\b(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?\b")
DAY_MONTH = re.compile(PREFIX + r"\bngay\s+(\d{1,2})\s+thang\s+(\d{1,2})(?:\s+nam\s+(\d{4}))?\b")
MONTH = re.compile(PREFIX + r"\bthang\s+(\d{1,3})(?:(?:\s+nam\s+|\s*/\s*|\s+)(\d{4}))?\b")
AHEAD_IS_LAST_YEAR = 183  # days: a date without a year nearer ahead is a future one
RELATIVE_FUTURE = re.compile(r"\b(?:ngay mai|thang sau|tuan sau|nam sau|sap toi)\b")


@dataclass(frozen=True)
class FoundDate:
    """A date named in a message, or the problem with it, and the tokens it covers."""

    day: dt.date | None
    problem: str | None  # "impossible" / "future"
    span: tuple[int, int]


def find_date(text: Text, today: dt.date) -> FoundDate | None:
    """The first date named in `text`, checked against the calendar and today."""
    folded = text.folded
    for pattern, whole_month in ((FULL, False), (DAY_MONTH, False), (MONTH, True)):
        match = pattern.search(folded)
        if match:
            span = token_range(text, match.start(), match.end())
            return _checked(match, whole_month, today, span)
    future = RELATIVE_FUTURE.search(folded)
    if future:
        return FoundDate(None, "future", token_range(text, future.start(), future.end()))
    return None


def _checked(
    match: re.Match[str], whole_month: bool, today: dt.date, span: tuple[int, int]
) -> FoundDate:
    since, *groups = match.groups()
    if whole_month:
        day_text, month_text, year_text = None, groups[0], groups[1]
    else:
        day_text, month_text, year_text = groups
    if whole_month and since in SINCE:
        day_text = "1"
    year = _full_year(year_text) if year_text else today.year
    month = int(month_text)
    if not 1 <= month <= 12:
        return FoundDate(None, "impossible", span)
    last = calendar.monthrange(year, month)[1]
    day = int(day_text) if day_text else last
    if not 1 <= day <= last:
        return FoundDate(None, "impossible", span)
    found = dt.date(year, month, day)
    if found > today and not year_text:
        if whole_month and (year, month) == (today.year, today.month):
            return FoundDate(today, None, span)
        if (found - today).days > AHEAD_IS_LAST_YEAR:
            found = _last_year(found)  # 'tháng 12' typed in January: last December
    if found > today:
        if whole_month and (found.year, found.month) == (today.year, today.month):
            return FoundDate(today, None, span)
        return FoundDate(None, "future", span)
    return FoundDate(found, None, span)


def _full_year(text: str) -> int:
    year = int(text)
    return 2000 + year if year < 100 else year


def _last_year(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)
