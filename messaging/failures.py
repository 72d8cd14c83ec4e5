"""Why a send failed, in the platforms' own words (never the message's text).

Every failure is one of two kinds: *not sent* (the request never left, or the platform said
no: sending again is safe) or *maybe sent* (anything after the request was written: an
answer that cannot be read, a connection lost, a time-out: sending again could double it).
The channel adapters classify each failure once (`bot/channels/failures.py`) and raise one
of these; the ledger and the logs read them.
"""

from __future__ import annotations

import contextvars

# The ledger row being sent, for log lines deep in the adapters (None: a conversation reply).
delivery_ref: contextvars.ContextVar[int | None] = contextvars.ContextVar("delivery",
                                                                          default=None)


class Safe(str):
    """Text known to hold no message text, name or token (ids, methods, platform
    descriptions): the log filter keeps it as it is."""


class SendFailed(Exception):
    """A send that did not surely arrive: channel, method, status and the platform's
    description (no texts, so the log filter keeps its message)."""

    log_safe = True

    def __init__(self, description: str = "", channel: str = "", method: str = "",
                 status: int | str | None = None, transient: bool = False) -> None:
        super().__init__(description)
        self.description, self.channel, self.method = description, channel, method
        self.status, self.transient = status, transient

    def fields(self) -> Safe:
        """`channel=… method=… status=… description='…'` for a log line."""
        return Safe(f"channel={self.channel or '-'} method={self.method or '-'} "
                f"status={self.status if self.status is not None else '-'} "
                f"description={self.description[:200]!r} kind={self.kind}")

    @property
    def kind(self) -> str:
        """`not_sent` or `maybe_sent`."""
        return "not_sent"

    def __str__(self) -> str:
        return self.fields()


class NotSent(SendFailed):
    """The request never left, or the platform said no: safe to send again
    (`transient`: worth trying again soon, e.g. a 5xx or no connection)."""


class RetryAfter(NotSent):
    """The platform asks us to slow down (HTTP 429): wait `seconds`, then try again."""

    def __init__(self, seconds: float, description: str = "", channel: str = "",
                 method: str = "", status: int | str | None = 429) -> None:
        super().__init__(description or f"retry after {seconds} s", channel, method, status,
                         transient=True)
        self.seconds = seconds


class RecipientGone(NotSent):
    """The chat cannot receive messages (blocked the bot, chat not found): do not retry."""


class MaybeDelivered(SendFailed):
    """Some or all of the message may have reached the chat: never send it again."""

    @property
    def kind(self) -> str:
        """`maybe_sent`."""
        return "maybe_sent"
