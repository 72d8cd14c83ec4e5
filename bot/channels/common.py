"""What the Telegram and Zalo adapters share: splitting text, numbered menus, delivery."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from bot.channels.base import ChannelRegistry, SendFailed
from messaging.messages import Reply

log = logging.getLogger(__name__)


class Sender(Protocol):
    """The part of a channel that delivery needs."""

    name: str

    async def send(self, chat_id: str, reply: Reply) -> None:
        """Deliver one reply to a chat on this platform."""


def split_text(text: str, limit: int) -> list[str]:
    """Cut text into pieces of at most `limit` characters, at line breaks where possible."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit)
            cut = cut if cut > limit // 2 else limit
            pieces, current = _push(pieces, current), ""
            pieces.append(line[:cut])
            line = line[cut:].lstrip(" ")
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            pieces, candidate = _push(pieces, current), line
        current = candidate
    return _push(pieces, current) or [""]


def _push(pieces: list[str], current: str) -> list[str]:
    if current.strip():
        pieces.append(current)
    return pieces


def numbered(reply: Reply) -> str:
    """The reply's text with its buttons as '1. label' lines (answered by number or label)."""
    lines = [reply.text]
    lines += [f"{n}. {button.label}" for n, button in enumerate(reply.flat_buttons(), start=1)]
    return "\n".join(lines)


async def deliver(sender: Sender, registry: ChannelRegistry, chat_id: str,
                  replies: list[Reply],
                  before: Callable[[int], Awaitable[None]] | None = None) -> None:
    """Send the replies of one update: answers to this chat, notifications via the registry.

    One failed send is logged and does not stop the others (the update is already committed).
    `before(n)` runs before the n-th reply goes out (the intake records which one is out).
    """
    for index, reply in enumerate(replies):
        if before is not None:
            await before(index)
        try:
            if reply.to is None:
                await sender.send(chat_id, reply)
            elif not await registry.deliver(reply):
                log.warning("notification dropped channel=%s reason=channel_not_running",
                            reply.to.channel)
        except Exception as error:  # a lost send must not lose the others
            _log_failure(sender.name, reply.to.chat_id if reply.to else chat_id, error)


def _log_failure(channel: str, chat_id: str, error: Exception) -> None:
    """One line per failed reply: what the platform said, never the text."""
    if isinstance(error, SendFailed):
        log.error("send failed %s chat=%s delivery=-", error.fields(), chat_id)
    else:  # by type only: a message may carry a URL with the token
        log.error("send failed channel=%s chat=%s error=%s delivery=-", channel, chat_id,
                  type(error).__name__)
