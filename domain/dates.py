"""Dates people type: 'tháng 9', 'ngày 5/9', '05/09/2026'; default today."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from domain.names import fold

FULL = re.compile(r"(?:ngày\s+|ngay\s+)?\b(\d{1,2})[/\-.](\d{1,2})(?:[/\-.](\d{4}))?\b", re.I)
MONTH = re.compile(r"\bthang\s+(\d{1,2})(?:\s+nam\s+(\d{4}))?\b")


def find_date(text: str, today: dt.date) -> tuple[dt.date | None, str]:
    """A date mentioned in `text` (never in the future) and the folded text without it."""
    match = FULL.search(text)
    if match:
        day, month = int(match.group(1)), int(match.group(2))
        year = int(match.group(3)) if match.group(3) else today.year
        found = _day(year, month, day, today, explicit_year=bool(match.group(3)))
        if found:
            return found, fold(text[: match.start()] + " " + text[match.end() :])
    folded = fold(text)
    month_match = MONTH.search(folded)
    if month_match and 1 <= int(month_match.group(1)) <= 12:
        month = int(month_match.group(1))
        year = int(month_match.group(2)) if month_match.group(2) else today.year
        if not month_match.group(2) and (year, month) > (today.year, today.month):
            year -= 1
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        rest = folded[: month_match.start()] + " " + folded[month_match.end() :]
        return min(last, today), " ".join(rest.split())
    return None, folded


def _day(year: int, month: int, day: int, today: dt.date, explicit_year: bool) -> dt.date | None:
    try:
        found = dt.date(year, month, day)
    except ValueError:
        return None
    if found > today and not explicit_year:
        found = found.replace(year=year - 1)
    return found if found <= today else None
