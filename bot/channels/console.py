"""Console chat: the same neutral core in a terminal, buttons as numbered choices."""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable
from typing import TextIO

from handlers.router import Dispatcher
from messaging.messages import IncomingMessage, Reply

CHANNEL = "console"


def render_reply(reply: Reply) -> str:
    """A reply as terminal text: buttons become '  1. label' lines."""
    lines = [reply.text]
    for number, button in enumerate(reply.flat_buttons(), start=1):
        lines.append(f"  {number}. {button.label}")
    if reply.image is not None:
        lines.append("  [ảnh đính kèm]")
    if reply.document is not None:
        lines.append(f"  [tệp đính kèm: {reply.document[0]}]")
    return "\n".join(lines)


class ConsoleChat:
    """Reads lines, hands each to the dispatcher, prints the replies."""

    name = CHANNEL

    def __init__(
        self, dispatcher: Dispatcher, external_id: str,
        display: Callable[[str], None] | None = None,
        send_notices: Callable[[], Awaitable[object]] | None = None,
    ) -> None:
        self.dispatcher = dispatcher
        self.external_id = external_id
        self.display = display or print
        self.send_notices = send_notices  # after each message: the notices it queued

    @property
    def channels(self) -> dict[str, object]:
        """As a channel registry for notices: only the console runs here."""
        return {CHANNEL: self}

    async def deliver(self, reply: Reply) -> bool:
        """A notice to a console user: printed, marked with its recipient."""
        self.display(self._format(reply))
        return True

    async def say(self, text: str) -> list[Reply]:
        """Send one line as this console user; print what the bot answers."""
        message = IncomingMessage(
            channel=CHANNEL, chat_id=self.external_id, user_id=self.external_id, text=text
        )
        replies = await self.dispatcher.handle(message)
        for reply in replies:
            self.display(self._format(reply))
        if self.send_notices is not None:
            await self.send_notices()
        return replies

    def _format(self, reply: Reply) -> str:
        if reply.to is None or reply.to.chat_id == self.external_id:
            return render_reply(reply)
        return f"[gửi tới {reply.to.channel}:{reply.to.chat_id}]\n{render_reply(reply)}"

    async def run(self, stream: TextIO = sys.stdin) -> None:
        """Interactive loop on a terminal; one message per line when piped."""
        interactive = stream.isatty()
        while True:
            if interactive:
                print("Bạn: ", end="", flush=True)
            line = stream.readline()
            if not line:
                break
            text = line.rstrip("\n")
            if interactive and text.strip() in {"/exit", "/quit"}:
                break
            if not interactive:
                self.display(f"> {text}")
            if text.strip():
                await self.say(text)
            if not interactive:
                self.display("")
