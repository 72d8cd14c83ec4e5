"""Test drivers: a chat participant on the neutral core, a fixed clock, login helpers."""

from __future__ import annotations

import datetime as dt
import itertools

from handlers.router import Dispatcher
from messaging.messages import IncomingMessage, Reply
from services import notices
from services.broadcast import Broadcaster, DeliveryPolicy
from services.deliveries import Run
from storage.db import Database
from storage.people import find_users, link_chat

_update_ids = itertools.count(1)


class FixedClock:
    """A clock tests move by hand: no sleeping."""

    def __init__(self, moment: dt.datetime) -> None:
        self.moment = moment

    def __call__(self) -> dt.datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        """Move the clock forward."""
        self.moment += dt.timedelta(**delta)


class Chat:
    """One chat account talking to the bot through the neutral core."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        user_id: str,
        channel: str = "test",
        private: bool = True,
        name: str | None = None,
        chat_id: str | None = None,
    ) -> None:
        self.dispatcher, self.user_id, self.channel = dispatcher, user_id, channel
        self.private, self.name = private, name
        self.chat_id = chat_id or user_id  # a private chat's id is the account's own
        self.last: list[Reply] = []

    async def say(
        self,
        text: str = "",
        button: str | None = None,
        photo: str | None = None,
        update_key: str | None = None,
    ) -> list[Reply]:
        """Send text (or a button's data) and keep the replies to this chat."""
        message = IncomingMessage(
            channel=self.channel,
            chat_id=self.chat_id,
            user_id=self.user_id,
            text=text,
            button=button,
            photo=photo,
            private=self.private,
            user_name=self.name,
            update_key=update_key or f"u{next(_update_ids)}",
        )
        woken: list[bool] = []
        self.dispatcher.on_notices = lambda: woken.append(True)  # as the bot's sender is
        replies = await self.dispatcher.handle(message)
        self.last = [r for r in replies if r.to is None]
        return replies + (await sent_notices(self.dispatcher) if woken else [])

    async def press(self, label_part: str) -> list[Reply]:
        """Press the button of the last replies whose label contains `label_part`."""
        for reply in self.last:
            for button in reply.flat_buttons():
                if label_part.lower() in button.label.lower():
                    return await self.say(button=button.data)
        raise AssertionError(f"no button {label_part!r} in {[r.text for r in self.last]}")

    @property
    def text(self) -> str:
        """All text of the last replies to this chat."""
        return "\n".join(r.text for r in self.last)


async def login(db: Database, name: str, user_id: str | None = None, channel: str = "test") -> str:
    """Link a chat account to the existing user `name`; return the account id."""
    async with db.session() as session, session.begin():
        users = await find_users(session, name)
        assert len(users) == 1, f"{name}: {len(users)} users"
        external = user_id or f"{channel}-{users[0].login}"
        await link_chat(session, channel, external, external, users[0])
    return external


def outbox(replies: list[Reply]) -> list[Reply]:
    """Replies addressed to other chats (notifications)."""
    return [r for r in replies if r.to is not None]


class NoticeRecorder:
    """A channel registry running every channel the tests use, recording each notice."""

    def __init__(self) -> None:
        self.sent: list[Reply] = []

    @property
    def channels(self) -> dict[str, object]:
        """Every channel a test links chats on."""
        return dict.fromkeys(("test", "telegram", "zalo", "console"))

    async def deliver(self, reply: Reply) -> bool:
        """Record the notice (its address is set by the broadcaster)."""
        self.sent.append(reply)
        return True


async def _no_sleep(seconds: float) -> None:
    """Rate limits are not waited out in tests."""


async def sent_notices(dispatcher: Dispatcher, token: str = "tests") -> list[Reply]:
    """Send the notices the ledger holds as due, as a bot process would after a commit."""
    recorder = NoticeRecorder()
    policy = DeliveryPolicy(per_second=1000.0, per_chat_seconds=0.0)
    run = Run(dispatcher.db, Broadcaster(recorder, policy, sleep=_no_sleep), dispatcher.cal,
              policy, dispatcher.clock, token)
    await notices.send_due(run)
    return recorder.sent
