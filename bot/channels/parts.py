"""Sending a reply in parts (text pieces, then a chart or a file) without doubling any.

Each part is tried on its own: a part is retried only while it was surely not sent. The text
goes first; a chart or file that fails never holds it back and is retried on its own in the
background. Each failure is logged once with channel, method, status, the platform's
description and the ledger row (no texts).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bot.channels import startup
from messaging.failures import (
    MaybeDelivered,
    NotSent,
    RetryAfter,
    SendFailed,
    delivery_ref,
)

log = logging.getLogger(__name__)
LATER_ATTEMPTS = 5  # a chart or file that failed: tried again on its own, 1 s doubling


@dataclass(frozen=True)
class Part:
    """One platform call of a reply; `call` raises SendFailed (classified by the channel)."""

    method: str
    call: Callable[[], Awaitable[Any]]
    optional: bool = False  # a chart or file: never holds back the text


@dataclass
class Sender:
    """How one channel tries its parts: attempts, backoff, and who waits out 429s."""

    channel: str
    attempts: int = 3
    backoff: float = 0.5
    max_wait: float = 30.0
    waits_out_429: bool = True  # False where the client does it (PTB's AIORateLimiter)
    later: startup.Background = field(init=False)

    def __post_init__(self) -> None:
        self.later = startup.Background(self.channel, retry_later, "send of an optional part",
                                        LATER_ATTEMPTS)

    async def attempt(self, part: Part) -> None:
        """One part, retried while the platform surely did not take it."""
        for number in range(1, self.attempts + 1):
            try:
                await part.call()
                return
            except SendFailed as failure:
                wait = self._wait(failure, number)
                if wait is None:
                    raise
                log.warning("send retry %s attempt=%d wait=%.2f delivery=%s", failure.fields(),
                            number, wait, delivery_ref.get() or "-")
                await asyncio.sleep(wait)

    def _wait(self, failure: SendFailed, number: int) -> float | None:
        if number == self.attempts or not isinstance(failure, NotSent) or not failure.transient:
            return None
        if isinstance(failure, RetryAfter) and failure.seconds:  # a 429 saying how long
            wait: float = failure.seconds
            return wait if self.waits_out_429 and wait <= self.max_wait else None
        backoff: float = self.backoff * 2 ** (number - 1)
        return backoff


def retry_later(error: BaseException) -> bool:
    """An optional part worth trying again on its own: surely not sent, and not refused."""
    return isinstance(error, NotSent) and error.transient


async def send_parts(sender: Sender, parts: list[Part]) -> None:
    """Send every part in order; raises NotSent only when nothing went (the whole reply may
    be sent again), MaybeDelivered when a text part failed after something went."""
    went, lost = False, list[MaybeDelivered]()
    for part in parts:
        try:
            await sender.attempt(part)
        except SendFailed as failure:
            if not went and isinstance(failure, NotSent):
                raise
            if part.optional:
                _later(sender, part, failure)
            else:
                _log_lost(failure, "text")
                lost.append(_as_maybe(failure))
        went = True
    if lost:
        raise lost[0]


def _as_maybe(failure: SendFailed) -> MaybeDelivered:
    """A text part that failed after another part went: the reply is never sent again."""
    if isinstance(failure, MaybeDelivered):
        return failure
    return MaybeDelivered(f"after another part went: {failure.description}", failure.channel,
                          failure.method, failure.status)


def _later(sender: Sender, part: Part, failure: SendFailed) -> None:
    """A chart or file that failed: retried on its own when surely not sent, else dropped."""
    if retry_later(failure):
        log.warning("optional part not sent %s delivery=%s retry=later", failure.fields(),
                    delivery_ref.get() or "-")
        sender.later.run(part.method, part.call)
    else:
        _log_lost(failure, "optional")


def _log_lost(failure: SendFailed, part: str) -> None:
    log.error("part given up %s part=%s delivery=%s", failure.fields(), part,
              delivery_ref.get() or "-")
