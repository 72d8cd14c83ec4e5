"""Structured logs (key=value) through one privacy filter (bot/log_privacy.py: no message
texts, names or tokens), with httpx's URL logging silenced."""

from __future__ import annotations

import logging

from bot.log_privacy import PrivacyFilter

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


def configure(level: str, secrets: list[str]) -> None:
    """Set up the root logger once for the running bot."""
    handler = logging.StreamHandler()
    handler.setFormatter(KeyValueFormatter(secrets))
    handler.addFilter(PrivacyFilter(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in NOISY:  # httpx logs every request URL, and the URL holds the token
        logging.getLogger(name).setLevel(logging.WARNING)
