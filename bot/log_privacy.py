"""One logging filter for every record: message texts, names and tokens never reach the log.

Libraries log what they received (python-telegram-bot logs a whole unparseable update at
CRITICAL, names and text included), so the filter does not trust arguments: a value is kept
when it is a number, an identifier-like ASCII word, a value marked `Safe`, or a container of
such (text and name fields always redacted); anything else becomes `<redacted …>`.
Exception messages are kept only when the exception says it is `log_safe` or reads like an
identifier; frames are kept.
"""

from __future__ import annotations

import enum
import logging
import re
import traceback
from typing import Any

from messaging.failures import Safe

SAFE_WORD = re.compile(r"[A-Za-z0-9_.:/@=+\-*'#]{0,120}\Z")
PRIVATE_KEYS = {"text", "caption", "first_name", "last_name", "username", "display_name",
                "name", "full_name", "title", "data", "query", "description", "bio",
                "phone_number", "address", "note", "reason"}
STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
MAX_ITEMS, MAX_DEPTH = 50, 6


class PrivacyFilter(logging.Filter):
    """Scrubs a record in place (arguments, extras, exception text); never drops one."""

    def __init__(self, secrets: list[str] | None = None) -> None:
        super().__init__()
        self.secrets = [s for s in secrets or [] if s]

    def filter(self, record: logging.LogRecord) -> bool:
        """Make the record safe to write; always True."""
        if isinstance(record.args, dict):
            record.args = {k: self.clean(v) for k, v in record.args.items()}
        elif record.args:
            record.args = tuple(self.clean(arg) for arg in record.args)
        for key in [k for k in vars(record) if k not in STANDARD]:
            setattr(record, key, self.clean(getattr(record, key)))
        record.msg = self.mask(record.msg) if isinstance(record.msg, str) else record.msg
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = self.mask(safe_traceback(record.exc_info[1]))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = "<redacted traceback>"
        return True

    def clean(self, value: Any, depth: int = 0) -> Any:
        """The value if it holds no text, else a redacted stand-in; tokens masked."""
        if value is None or isinstance(value, bool | int | float | enum.Enum):
            return value
        if isinstance(value, str):
            return self.mask(value) if isinstance(value, Safe) or SAFE_WORD.match(value) \
                else redacted(value)
        if depth >= MAX_DEPTH:
            return redacted(value)
        if isinstance(value, dict):
            return {self.clean(k, depth + 1): "<redacted>" if k in PRIVATE_KEYS
                    else self.clean(v, depth + 1)
                    for k, v in list(value.items())[:MAX_ITEMS]}
        if isinstance(value, list | tuple | set | frozenset):
            return [self.clean(v, depth + 1) for v in list(value)[:MAX_ITEMS]]
        return redacted(value)

    def mask(self, text: str) -> str:
        """The text with every bot token replaced by ***."""
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text


def redacted(value: Any) -> str:
    """What is left of a value that may hold a text or a name: its type and size."""
    size = f" len={len(value)}" if isinstance(value, str | bytes | dict | list | tuple) else ""
    return f"<redacted {type(value).__name__}{size}>"


def safe_message(error: BaseException) -> str:
    """An exception's message, or its size when it may quote data."""
    text = str(error)
    if getattr(error, "log_safe", False) or SAFE_WORD.match(text):
        return text
    return f"<redacted len={len(text)}>"


def safe_traceback(error: BaseException) -> str:
    """A traceback with every frame and each exception's type; messages only when safe."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and len(chain) < 5:
        chain.append(current)
        current = current.__cause__ or (None if current.__suppress_context__
                                        else current.__context__)
    blocks = [("Traceback (most recent call last):\n"
               + "".join(traceback.format_tb(e.__traceback__))
               + f"{type(e).__module__}.{type(e).__qualname__}: {safe_message(e)}")
              for e in reversed(chain)]
    return "\n\nThe above exception led to the following:\n\n".join(blocks)
