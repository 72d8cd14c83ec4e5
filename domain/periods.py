"""Reporting periods (month, quarter, half-year, year) with a configurable cut-off day.

Calendar periods by default (cut-off day 0: the last day of the period's last month).
With a cut-off day such as 14, a period runs from the 15th of the month before it starts
to the 14th of its last month (Decree 09/2019 practice): 2024-Q3 is 15/06 - 14/09/2024.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum


class PeriodKind(StrEnum):
    """How long a reporting period is."""

    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"


MONTHS = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.HALF: 6, PeriodKind.YEAR: 12}
LETTER = {PeriodKind.MONTH: "M", PeriodKind.QUARTER: "Q", PeriodKind.HALF: "H"}
PATTERN = re.compile(r"^(\d{4})(?:-?([MQH])(\d{1,2})|-(\d{1,2})|-Y)?$", re.I)


@dataclass(frozen=True, order=True)
class Period:
    """One reporting period: kind, year and 1-based index (Q3 is quarter 3)."""

    kind: PeriodKind
    year: int
    index: int = 1

    def __post_init__(self) -> None:
        if not 1 <= self.index <= 12 // MONTHS[self.kind]:
            raise ValueError(f"no {self.kind} {self.index} in a year")

    @property
    def key(self) -> str:
        """Stable text key: '2024-Q3', '2024-H1', '2024-M09', '2024'."""
        if self.kind is PeriodKind.YEAR:
            return str(self.year)
        width = 2 if self.kind is PeriodKind.MONTH else 1
        return f"{self.year}-{LETTER[self.kind]}{self.index:0{width}d}"

    @property
    def first_month(self) -> int:
        """Calendar month the period starts in (ignoring the cut-off)."""
        return (self.index - 1) * MONTHS[self.kind] + 1

    @property
    def last_month(self) -> int:
        """Calendar month the period's cut-off falls in."""
        return self.index * MONTHS[self.kind]

    @property
    def share_of_year(self) -> float:
        """Share of the yearly target a unit on pace has reached at the period's end."""
        return self.last_month / 12

    def previous(self) -> Period:
        """The period of the same kind just before this one."""
        if self.index > 1:
            return Period(self.kind, self.year, self.index - 1)
        return Period(self.kind, self.year - 1, 12 // MONTHS[self.kind])

    def end(self, cutoff_day: int = 0) -> dt.date:
        """Last day of the period (its cut-off)."""
        return cutoff_date(self.year, self.last_month, cutoff_day)

    def start(self, cutoff_day: int = 0) -> dt.date:
        """First day of the period."""
        if not cutoff_day:
            return dt.date(self.year, self.first_month, 1)
        return self.previous().end(cutoff_day) + dt.timedelta(days=1)

    def contains(self, day: dt.date, cutoff_day: int = 0) -> bool:
        """True when `day` falls inside the period."""
        return self.start(cutoff_day) <= day <= self.end(cutoff_day)


def cutoff_date(year: int, month: int, cutoff_day: int) -> dt.date:
    """The cut-off day of a month; 0 or a day past the month's end means its last day."""
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(cutoff_day, last) if cutoff_day else last)


def parse_period(text: str) -> Period:
    """'2024-Q3', '2024Q3', '2024-H1', '2024-M9', '2024-09', '2024' or '2024-Y'."""
    match = PATTERN.match(text.strip())
    if not match:
        raise ValueError(f"not a period: {text!r} (e.g. 2024-Q3, 2024-H1, 2024-09, 2024)")
    year, letter, index, month = match.groups()
    if month:
        return Period(PeriodKind.MONTH, int(year), int(month))
    if not letter:
        return Period(PeriodKind.YEAR, int(year))
    kind = {v: k for k, v in LETTER.items()}[letter.upper()]
    return Period(kind, int(year), int(index))


def period_of(kind: PeriodKind, day: dt.date, cutoff_day: int = 0) -> Period:
    """The period of `kind` that contains `day`."""
    year, month = day.year, day.month
    if cutoff_day and day > cutoff_date(year, month, cutoff_day):
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return Period(kind, year, (month - 1) // MONTHS[kind] + 1)


def quarters(year: int) -> list[Period]:
    """The four quarters of a year."""
    return [Period(PeriodKind.QUARTER, year, index) for index in range(1, 5)]


def report_period(quarter: Period) -> Period:
    """The period a digest at this quarter's end covers: Q2 closes the half, Q4 the year."""
    if quarter.kind is not PeriodKind.QUARTER:
        return quarter
    if quarter.index == 2:
        return Period(PeriodKind.HALF, quarter.year, 1)
    if quarter.index == 4:
        return Period(PeriodKind.YEAR, quarter.year)
    return quarter
