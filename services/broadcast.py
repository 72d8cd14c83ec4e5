"""Sending many messages within the platforms' limits: a global and a per-chat rate, 429 pauses."""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from messaging.failures import (
    MaybeDelivered,
    NotSent,
    RecipientGone,
    RetryAfter,
    SendFailed,
)
from messaging.messages import Address, Reply

__all__ = ["Broadcaster", "ChannelDown", "DeliveryPolicy", "MaybeDelivered", "NotSent",
           "RecipientGone", "RetryAfter"]

Sleep = Callable[[float], Awaitable[None]]


class Registry(Protocol):
    """The channel registry as sending needs it: running channels, and delivery."""

    @property
    def channels(self) -> Mapping[str, object]:
        """Running channels by name."""

    async def deliver(self, reply: Reply) -> bool:
        """Send a reply with an address; False when its channel is not running here."""


@dataclass(frozen=True)
class DeliveryPolicy:
    """How fast to send and how hard to try (Telegram: ~30 msg/s overall, ~1/s per chat)."""

    per_second: float = 30.0
    per_chat_seconds: float = 1.0
    max_pause_seconds: float = 60.0  # a longer 429 hands the send back to the ledger
    max_pauses: int = 3  # 429s waited out for one message
    max_attempts: int = 5  # claims of one ledger row before it is given up
    retry_minutes: int = 10  # wait before a temporarily failed send is tried again
    lease_minutes: float = 15  # a claim (or a send) older than this was left by a dead process


class ChannelDown(NotSent):
    """The recipient's channel is not running in this process."""


class Broadcaster:
    """Delivers replies through the channel registry, spacing them out and waiting out 429s."""

    def __init__(self, registry: Registry, policy: DeliveryPolicy,
                 sleep: Sleep = asyncio.sleep,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.registry, self.policy = registry, policy
        self.sleep, self.monotonic = sleep, monotonic
        self.next_any = 0.0
        self.next_by_chat: dict[Address, float] = {}
        # When the last `per_second` sends finished: the window the platform counts in.
        self.finished: collections.deque[float] = collections.deque(
            maxlen=max(1, int(policy.per_second)))
        self.paused = 0.0  # seconds spent waiting out 429s, for reports

    @property
    def running(self) -> set[str]:
        """Names of the channels this process can send on."""
        return set(self.registry.channels)

    async def send(self, address: Address, replies: list[Reply]) -> None:
        """Send every reply to one chat; raises RetryAfter, RecipientGone, ChannelDown, or
        MaybeDelivered once a part has gone (a retry would double it)."""
        for number, reply in enumerate(replies):
            try:
                await self._send_one(dataclasses.replace(reply, to=address))
            except MaybeDelivered:
                raise
            except Exception as error:
                if number == 0:
                    raise
                raise _later_reply_failed(error, number, len(replies)) from error

    async def _send_one(self, reply: Reply) -> None:
        assert reply.to is not None
        for pauses in range(self.policy.max_pauses + 1):
            await self._wait_turn(reply.to)
            try:
                try:
                    delivered = await self.registry.deliver(reply)
                finally:  # refused or timed out, it may still count in the platform's window
                    self.finished.append(self.monotonic())
                if not delivered:
                    raise ChannelDown("channel not running here", reply.to.channel)
                return
            except RetryAfter as pause:
                if pause.seconds > self.policy.max_pause_seconds or \
                        pauses == self.policy.max_pauses:
                    raise
                self.paused += pause.seconds
                await self.sleep(pause.seconds)

    async def _wait_turn(self, address: Address) -> None:
        """Even spacing, one send per chat per `per_chat_seconds`, and never more than
        `per_second` sends arriving within one second.

        Spacing alone overran a strict 30-per-second window now and then: a slow send
        (a stall) is followed at once by the next, so arrivals bunch (31 x 429 in one run of
        10,000). A send starts only a second after the send `per_second` places back
        *finished*: it arrives after that one arrived plus a second, whatever the delays.
        """
        now = self.monotonic()
        ready = max(self.next_any, self.next_by_chat.get(address, 0.0))
        if len(self.finished) == self.finished.maxlen:
            ready = max(ready, self.finished[0] + 1.0)
        if ready > now:
            await self.sleep(ready - now)
            now = max(ready, self.monotonic())
        self.next_any = now + 1 / self.policy.per_second
        self.next_by_chat[address] = now + self.policy.per_chat_seconds


def _later_reply_failed(error: Exception, number: int, count: int) -> MaybeDelivered:
    """A later reply of several failed: the first went, so the whole is never sent again."""
    said = error.description if isinstance(error, SendFailed) else type(error).__name__
    return MaybeDelivered(f"reply {number + 1} of {count} failed after the first went: {said}",
                          getattr(error, "channel", ""), getattr(error, "method", ""),
                          getattr(error, "status", None))
