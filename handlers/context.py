"""What a handler gets: the message, the session of this update, the user and their state."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.schedule import Calendar
from messaging.messages import IncomingMessage, Reply
from messaging.render import render
from storage.models import Conversation, User


@dataclass(frozen=True)
class WebLinks:
    """The web view's address and how long its one-time login links last."""

    base_url: str
    minutes: int = 10
    telegram_app: bool = False  # also offer it as a Telegram Mini App button


@dataclass
class Context:
    """One update being handled, inside one database transaction."""

    session: AsyncSession
    message: IncomingMessage
    user: User | None
    conversation: Conversation
    today: dt.date
    now: dt.datetime
    cal: Calendar  # the reporting calendar: time zone of `today`, periods' cut-off day
    outbox: list[Reply] = field(default_factory=list)
    web: WebLinks | None = None  # where the web view is served, when it is

    @property
    def step(self) -> str:
        """The conversation step this chat account is in."""
        return self.conversation.step

    @property
    def data(self) -> dict[str, Any]:
        """The data collected so far in the current flow."""
        return self.conversation.data

    def reply(
        self,
        template: str,
        /,
        buttons: list[list[Any]] | None = None,
        group_safe: bool = False,
        **values: Any,
    ) -> Reply:
        """Render a named template into a reply to this chat.

        `group_safe` marks a reply with no personal data and no decision; in a group chat
        every other reply goes to the user's private chat instead (handlers/groups.py).
        """
        return Reply(render(template, **values), buttons=buttons or [], group_safe=group_safe)
