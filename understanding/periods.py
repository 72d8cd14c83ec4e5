"""Periods people name: 'quý 3 năm 2024', 'quý 3/2024', '6 tháng đầu năm', 'quý trước'.

Each rule is a regular expression over the folded tokens and a function building a
`domain.periods.Period` from its groups and today's date. The first rule that matches at
the leftmost position wins; the span it covers is returned so no name swallows it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from domain.periods import Period, PeriodKind, period_of
from understanding.text import Text, token_range

Build = Callable[[re.Match[str], dt.date], Period | None]
YEAR = r"(?:\s+(?:nam|year|of)\s+|\s*/\s*|\s+)?((?:19|20)\d\d)"
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
Q = PeriodKind.QUARTER


def _year(match: re.Match[str], group: int, today: dt.date) -> int:
    text = match.group(group) if match.lastindex and match.lastindex >= group else None
    return int(text) if text else today.year


def _quarter(match: re.Match[str], today: dt.date) -> Period | None:
    raw = match.group(1)
    index = ROMAN.get(raw) or (int(raw) if raw.isdigit() else 0)
    return Period(Q, _year(match, 2, today), index) if 1 <= index <= 4 else None


def _half(index: int) -> Build:
    return lambda m, today: Period(PeriodKind.HALF, _year(m, 1, today), index)


def _month(match: re.Match[str], today: dt.date) -> Period | None:
    index = int(match.group(1))
    return Period(PeriodKind.MONTH, _year(match, 2, today), index) if 1 <= index <= 12 else None


def _relative(kind: PeriodKind, back: int) -> Build:
    def build(_match: re.Match[str], today: dt.date) -> Period:
        period = period_of(kind, today)
        for _ in range(back):
            period = period.previous()
        return period

    return build


def _year_of(match: re.Match[str], today: dt.date) -> Period:
    return Period(PeriodKind.YEAR, _year(match, 1, today))


RULES: tuple[tuple[str, Build], ...] = (
    (r"\b(?:quy|quarter)\s*(iv|iii|ii|i|\d{1,2})\b" + YEAR + "?", _quarter),
    (r"\bq(\d)(?:\s*/\s*|\s+|/)?((?:19|20)\d\d)?\b", _quarter),
    (r"\b(?:6 thang|sau thang|nua nam|nua) dau(?: nam)?(?: nay)?" + YEAR + "?", _half(1)),
    (r"\b(?:6 thang|sau thang|nua nam|nua) cuoi(?: nam)?(?: nay)?" + YEAR + "?", _half(2)),
    (r"\bfirst half(?: of(?: the)? year)?" + YEAR + "?", _half(1)),
    (r"\b(?:second|last) half(?: of(?: the)? year)?" + YEAR + "?", _half(2)),
    (r"\b(?:quy|quarter) (?:nay|hien tai|nay nam nay)\b|\bthis quarter\b", _relative(Q, 0)),
    (r"\b(?:quy|quarter) (?:truoc|vua roi|vua qua|roi)\b|\blast quarter\b", _relative(Q, 1)),
    (r"\bthang (?:nay|hien tai)\b|\bthis month\b", _relative(PeriodKind.MONTH, 0)),
    (r"\bthang (?:truoc|vua roi|vua qua)\b|\blast month\b", _relative(PeriodKind.MONTH, 1)),
    (r"\b(?:nam (?:nay|hien tai)|this year)\b", _relative(PeriodKind.YEAR, 0)),
    (r"\b(?:nam (?:ngoai|truoc|roi|qua)|last year)\b", _relative(PeriodKind.YEAR, 1)),
    (r"\btong ket(?: ca)?(?: nam)?(?: nay)?" + YEAR + "?", _year_of),
    (r"\b(?:ca nam|nam|year|for|in|of|cua|trong)\s+((?:19|20)\d\d)\b", _year_of),
    (r"\b(?:bao cao|ban tin|digest|report|summary)\s+((?:19|20)\d\d)\b", _year_of),
    (r"\bthang\s+(\d{1,2})(?:\s*/\s*|\s+nam\s+|\s+)((?:19|20)\d\d)\b", _month),
    (r"\bthang\s+(\d{1,2})/((?:19|20)\d\d)\b", _month),
)
COMPILED = tuple((re.compile(pattern), build) for pattern, build in RULES)
MONTH_ONLY = re.compile(r"\b(?:trong |cua )?thang\s+(\d{1,2})\b")


def find_period(
    text: Text, today: dt.date, month_alone: bool = False
) -> tuple[Period | None, tuple[int, int] | None]:
    """The period named in `text` and its token range; 'tháng 9' alone only if asked."""
    folded = text.folded
    best: tuple[int, re.Match[str], Build] | None = None
    for pattern, build in COMPILED:
        match = pattern.search(folded)
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), match, build)
    if best is None and month_alone:
        match = MONTH_ONLY.search(folded)
        if match:
            best = (match.start(), match, _month)
    if best is None:
        return None, None
    _, match, build = best
    try:
        period = build(match, today)
    except ValueError:
        period = None
    return period, token_range(text, match.start(), match.end())
