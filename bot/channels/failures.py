"""Every send failure classified once, in one place: *not sent* or *maybe sent*.

Not sent: the connection was never made, or the platform answered that it refused (a
readable `{"ok": false}`, or a 429/503 from the gateway in front of it). Maybe sent: anything
after the request was written: no answer (time-out, connection lost), a 2xx answer that cannot
be read, any other unreadable answer. A maybe-sent message is never sent again
(docs/channels.md: lost, never doubled).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import httpx
from telegram import error as tg_error
from telegram.request import HTTPXRequest

from bot.channels.zalo_api import ZaloApiError
from messaging.failures import MaybeDelivered, NotSent, RecipientGone, RetryAfter, SendFailed

NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)  # never left
GATEWAY_REFUSALS = {429, 503}  # said no before the platform saw it, even without a body
Answer = tuple[int, bytes]
_ANSWERS: contextvars.ContextVar[list[Answer] | None] = contextvars.ContextVar(
    "telegram_answers", default=None)


def verdict(channel: str, method: str, *, reached: bool, status: int | None,
            refusal: int | None, description: str, retry_after: float | None = None,
            ) -> SendFailed:
    """The rule. `status`: the HTTP answer (None: none came); `refusal`: the platform's
    error code when the answer reads as a refusal (None: it could not be read as one)."""
    if not reached:
        return NotSent(description or "no connection", channel, method, "no-connection",
                       transient=True)
    if status is None:
        return MaybeDelivered(description or "no answer", channel, method, "no-answer")
    if refusal is None:
        if status in GATEWAY_REFUSALS:
            return NotSent(description or "refused", channel, method, status, transient=True)
        return MaybeDelivered(f"answer could not be read: {description}", channel, method,
                              status)
    if refusal == 429:
        return RetryAfter(retry_after or 0.0, description, channel, method)
    if refusal == 403 or "chat not found" in description.lower():
        return RecipientGone(description, channel, method, refusal)
    return NotSent(description, channel, method, refusal, transient=refusal >= 500)


def from_zalo(method: str, error: BaseException) -> SendFailed:
    """A failure of the Zalo client as not sent or maybe sent."""
    if isinstance(error, SendFailed):
        return error
    if isinstance(error, ZaloApiError):
        return verdict("zalo", method, reached=True, status=error.status,
                       refusal=error.code if error.readable else None,
                       description=error.description, retry_after=error.retry_after)
    reached = not isinstance(error, NOT_SENT)
    return verdict("zalo", method, reached=reached, status=None, refusal=None,
                   description=type(error).__name__)


def from_telegram(method: str, error: BaseException, answers: list[Answer]) -> SendFailed:
    """A failure of python-telegram-bot as not sent or maybe sent, from the last HTTP answer
    seen (`recording`) and the exception's cause."""
    if isinstance(error, SendFailed):
        return error
    description = str(getattr(error, "message", "") or type(error).__name__)
    wait = error.retry_after if isinstance(error, tg_error.RetryAfter) else None
    retry_after = wait.total_seconds() if isinstance(wait, dt.timedelta) else \
        float(wait) if wait is not None else None
    if answers:
        status, payload = answers[-1]
        body = _refusal(payload) if not 200 <= status < 300 else None
        refusal = int(body.get("error_code") or status) if body is not None else None
        said = str(body.get("description") or description) if body else description
        return verdict("telegram", method, reached=True, status=status, refusal=refusal,
                       description=said, retry_after=retry_after)
    reached = isinstance(error, tg_error.TelegramError) and not _cause_is(error, NOT_SENT)
    return verdict("telegram", method, reached=reached, status=None, refusal=None,
                   description=description)


def _refusal(payload: bytes) -> dict[str, Any] | None:
    """The body as the platform's `{"ok": false, …}`; None when it is not that."""
    try:
        body = json.loads(payload)
    except ValueError:
        return None
    return body if isinstance(body, dict) and body.get("ok") is False else None


def _cause_is(error: BaseException, kinds: tuple[type[BaseException], ...]) -> bool:
    cause = error.__cause__
    while cause is not None:
        if isinstance(cause, kinds):
            return True
        cause = cause.__cause__
    return False


@contextlib.contextmanager
def recording() -> Iterator[list[Answer]]:
    """Collect the HTTP answers `RecordingRequest` sees inside this block (this task)."""
    answers: list[Answer] = []
    token = _ANSWERS.set(answers)
    try:
        yield answers
    finally:
        _ANSWERS.reset(token)


class RecordingRequest(HTTPXRequest):
    """python-telegram-bot's HTTP client, noting each answer's status and body so a failure
    can be told apart: refused, or taken but unreadable."""

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        """One HTTP request, as HTTPXRequest does it."""
        status, payload = await super().do_request(*args, **kwargs)
        answers = _ANSWERS.get()
        if answers is not None:
            answers.append((status, payload))
        return status, payload
