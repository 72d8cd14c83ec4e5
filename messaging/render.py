"""Jinja2 rendering of the named templates in templates/ (all user-facing Vietnamese)."""

from __future__ import annotations

import datetime as dt
import os
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from domain.formatting import number, percent
from domain.names import mid_sentence

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

VERDICTS = {
    "met": "đã đạt chỉ tiêu",
    "ahead": "vượt tiến độ",
    "on_pace": "đúng tiến độ",
    "behind": "chậm tiến độ",
    "no_target": "không giao chỉ tiêu",
}


def local_day(moment: dt.date) -> dt.date:
    """The local calendar day of a stored instant (UTC in the database); a date unchanged.

    The zone is the TIMEZONE environment variable (default Asia/Ho_Chi_Minh, as in
    bot/settings.py): a period closed at 01:00 in Vietnam is closed on that Vietnamese day,
    not on the UTC day before."""
    if not isinstance(moment, dt.datetime):
        return moment
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(ZoneInfo(os.environ.get("TIMEZONE", "Asia/Ho_Chi_Minh"))).date()


@lru_cache(maxsize=1)
def environment() -> Environment:
    """One Jinja environment, loading templates/*.j2, with Vietnamese number filters."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        autoescape=False,
    )
    env.filters.update(number=number, percent=percent, verdict=VERDICTS.get, mid=mid_sentence,
                       local_day=local_day)
    return env


def render(name: str, /, **context: Any) -> str:
    """Render `templates/<name>.j2`; blank lines dropped (short on a phone screen)."""
    text = environment().get_template(f"{name}.j2").render(**context)
    return "\n".join(line.rstrip() for line in text.splitlines() if line.strip())
