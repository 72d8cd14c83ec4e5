"""Which report a message names: 'báo cáo số 12', 'bc 12', 'số 12', 'report 12'."""

from __future__ import annotations

import re

from understanding.text import Text, token_range

# a number before 'tháng' is a period's ('báo cáo 6 tháng đầu năm'), not a report's
NUMBER = re.compile(r"\b(?:(?:bao cao|bc|report)(?: so)?|so|#) ?(\d{1,9})\b(?! thang)")


def find_report_number(text: Text) -> tuple[int | None, tuple[int, int] | None]:
    """The report's number and the tokens it covers; (None, None) when none is named."""
    match = NUMBER.search(text.folded)
    if match is None:
        return None, None
    return int(match.group(1)), token_range(text, match.start(), match.end())
