"""HTML pages from templates/web/*.html (Jinja2, escaped), with the chat's number filters."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from domain.formatting import number, percent
from messaging.labels import label
from messaging.render import TEMPLATES, VERDICTS


def _count(value: int | float | None) -> str:
    """A count, or a dash where the plan gives none (the chat says '?')."""
    return number(value) if value is not None else "–"


def _day(value: dt.date | dt.datetime | None) -> str:
    return value.strftime("%d/%m/%Y") if value is not None else ""


@lru_cache(maxsize=1)
def environment() -> Environment:
    """One environment for the web pages; autoescape on (names come from plan files)."""
    env = Environment(loader=FileSystemLoader(TEMPLATES / "web"), undefined=StrictUndefined,
                      autoescape=select_autoescape(["html"]), trim_blocks=True,
                      lstrip_blocks=True)
    env.filters.update(number=_count, percent=percent, verdict=VERDICTS.get, day=_day,
                       label=label)
    return env


def page(name: str, /, **values: Any) -> str:
    """Render `templates/web/<name>.html`."""
    return environment().get_template(f"{name}.html").render(**values)
