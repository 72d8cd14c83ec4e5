"""Structured logs (key=value) through one privacy filter (bot/log_privacy.py: no message
texts, names or tokens), with httpx's URL logging silenced."""

from __future__ import annotations

import logging
import os
import sys
from typing import TextIO

from bot.log_privacy import PrivacyFilter
from bot.settings import Settings

STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
NOISY = ("httpx", "httpcore", "telegram.ext.Updater", "tornado.access")
FORMAT = "%(asctime)s level=%(levelname)s logger=%(name)s msg=%(message)s"


class KeyValueFormatter(logging.Formatter):
    """`time level logger msg key=value...`: extras become pairs, secrets become ***.

    Masking the final text also covers tracebacks, whose messages may hold a URL
    with the bot token in it.
    """

    def __init__(self, secrets: list[str] | None = None) -> None:
        super().__init__(FORMAT)
        self.secrets = [s for s in secrets or [] if s]

    def format(self, record: logging.LogRecord) -> str:
        """One record as text (tracebacks on the following lines)."""
        line = super().format(record)
        extras = " ".join(f"{k}={v}" for k, v in sorted(vars(record).items())
                          if k not in STANDARD)
        if extras:
            head, newline, tail = line.partition("\n")
            line = f"{head} {extras}{newline}{tail}"
        for secret in self.secrets:
            line = line.replace(secret, "***")
        return line


class Stderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever `sys.stderr` is when a line is logged (a test may swap it), unless
    given a stream of its own."""

    def __init__(self) -> None:
        self._own: TextIO | None = None
        super().__init__()

    @property
    def stream(self) -> TextIO:
        """The stream a line goes to."""
        return self._own or sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        self._own = None if value is sys.stderr else value


def configure(level: str, secrets: list[str]) -> None:
    """Set up the root logger: our one handler, through the privacy filter, first; other
    handlers (a test's capture) stay. Called for every command, and again by `run`."""
    handler = Stderr()
    handler.setFormatter(KeyValueFormatter(secrets))
    handler.addFilter(PrivacyFilter(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler, *(h for h in root.handlers if not isinstance(h, Stderr))]
    root.setLevel(level.upper())
    for name in NOISY:  # httpx logs every request URL, and the URL holds the token
        logging.getLogger(name).setLevel(logging.WARNING)


def for_commands() -> None:
    """Every `giamngheo` command logs through the filter (warnings and errors: a command's
    output is what it prints; `run` sets its own level). The tokens are masked even when
    the settings cannot be read (the command then says why)."""
    try:
        settings = Settings()
        level, secrets = settings.log_level, [settings.telegram_bot_token or "",
                                              settings.zalo_bot_token or ""]
    except Exception:  # a bad setting: the command reports it; the log still masks tokens
        level = "WARNING"
        secrets = [os.environ.get(name, "") for name in ("TELEGRAM_BOT_TOKEN", "ZALO_BOT_TOKEN")]
    number = logging.getLevelName(level.upper())
    severe = max(number, logging.WARNING) if isinstance(number, int) else logging.WARNING
    configure(logging.getLevelName(severe), secrets)
