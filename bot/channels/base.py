"""The small protocol every channel implements, and the registry that routes replies."""

from __future__ import annotations

from typing import Protocol

from messaging.failures import MaybeDelivered, NotSent, RecipientGone, RetryAfter, SendFailed
from messaging.messages import Reply

# adapters raise these
__all__ = ["Channel", "ChannelRegistry", "MaybeDelivered", "NotSent", "RecipientGone",
           "RetryAfter", "SendFailed"]


class Channel(Protocol):
    """A platform adapter: it can start, stop and send a neutral reply to a chat."""

    name: str

    async def send(self, chat_id: str, reply: Reply) -> None:
        """Deliver one reply to a chat on this platform."""

    async def start(self, receive: bool = True) -> None:
        """Begin receiving updates; with `receive=False` only get ready to send."""

    async def stop(self) -> None:
        """Stop receiving and release resources."""


class ChannelRegistry:
    """Routes replies addressed to other chats to the channel that owns them."""

    def __init__(self) -> None:
        self.channels: dict[str, Channel] = {}

    def add(self, channel: Channel) -> None:
        """Register a running channel under its name."""
        self.channels[channel.name] = channel

    async def deliver(self, reply: Reply) -> bool:
        """Send a reply with an address; False when its channel is not running here."""
        if reply.to is None or reply.to.channel not in self.channels:
            return False
        await self.channels[reply.to.channel].send(reply.to.chat_id, reply)
        return True
