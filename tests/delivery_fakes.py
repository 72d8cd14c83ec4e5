"""Fakes for proactive sends: a recording channel that fails on demand, time that never sleeps."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from bot.app import App
from bot.channels.base import ChannelRegistry
from bot.settings import Settings
from domain.statuses import ChangeKind
from handlers.router import Dispatcher
from messaging.messages import Reply
from scheduler import Clock, policy_of, tick
from services import decisions as decision_cases
from services import reporting
from services.broadcast import Broadcaster
from services.deliveries import Run
from storage.db import Database
from storage.models import Delivery, Household
from storage.people import find_users

VN = dt.timezone(dt.timedelta(hours=7))


def vn(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """A moment given in Vietnam's local time, as UTC."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=VN).astimezone(dt.UTC)


class FakeChannel:
    """Records what it is asked to send; raises the exceptions queued for a chat."""

    def __init__(self, name: str = "telegram") -> None:
        self.name = name
        self.sent: list[tuple[str, Reply]] = []
        self.failures: dict[str, list[Exception]] = {}

    async def send(self, chat_id: str, reply: Reply) -> None:
        """Record the reply, or raise the next failure queued for this chat."""
        queued = self.failures.get(chat_id)
        if queued:
            raise queued.pop(0)
        self.sent.append((chat_id, reply))

    async def start(self, receive: bool = True) -> None:
        """Nothing to start."""

    async def stop(self) -> None:
        """Nothing to stop."""

    def to(self, chat_id: str) -> list[Reply]:
        """Replies sent to one chat."""
        return [reply for chat, reply in self.sent if chat == chat_id]


class FakeTime:
    """A monotonic clock that `sleep` advances: rate limits and 429 pauses without waiting."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        """Seconds since the start of the test."""
        return self.now

    async def sleep(self, seconds: float) -> None:
        """Record the pause and jump forward."""
        self.slept.append(seconds)
        self.now += seconds


class Process:
    """One bot process: its own Database object, channel, registry and ledger token."""

    def __init__(self, url: str, token: str, **settings: Any) -> None:
        self.db = Database(url)
        self.settings = Settings(_env_file=None, database_url=url, **settings)  # type: ignore[call-arg]
        self.app = App(self.settings, self.db, Dispatcher(self.db))
        self.channel = FakeChannel()
        self.registry = ChannelRegistry()
        self.registry.add(self.channel)
        self.time = FakeTime()
        self.token = token

    def broadcaster(self) -> Broadcaster:
        """A broadcaster on fake time."""
        return Broadcaster(self.registry, policy_of(self.settings), self.time.sleep,
                           self.time.monotonic)

    async def tick(self, clock: Clock) -> Run:
        """One scheduler tick of this process."""
        return await tick(self.app, self.registry, clock, self.token, self.broadcaster())

    async def close(self) -> None:
        """Release the connections."""
        await self.db.dispose()


async def ledger_rows(db: Database) -> list[Delivery]:
    """Every ledger row, oldest first."""
    async with db.session() as session:
        return list((await session.scalars(select(Delivery).order_by(Delivery.id))).all())


async def report_exit(db: Database, household_key: str, happened_on: dt.date, confirm: bool,
                      at: dt.datetime) -> None:
    """Bà Bùi Thị Minh reports that a household of Thôn Chợ exited; Bà Nga confirms if asked."""
    async with db.session() as session, session.begin():
        [head] = await find_users(session, "Bùi Thị Minh")
        [officer] = await find_users(session, "Đỗ Thị Nga")
        household = await session.scalar(
            select(Household).where(Household.name_key == household_key))
        assert household is not None
        change = await reporting.submit(session, head, "test", household.id,
                                        ChangeKind.EXIT_POVERTY, happened_on, at)
        if confirm:
            await decision_cases.decide(session, officer, "test", change.id, True, at)
