"""Composition root: settings -> database -> dispatcher -> channels."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from bot.reporting_calendar import calendar_of
from bot.settings import Settings
from handlers.context import WebLinks
from handlers.router import Dispatcher
from services.workshop import INLINE, Workshop
from storage.audit import now
from storage.db import Database
from storage.models import ChatIdentity, User
from storage.people import find_users, link_chat

log = logging.getLogger(__name__)


@dataclass
class App:
    """Everything the process runs with, wired once."""

    settings: Settings
    db: Database
    dispatcher: Dispatcher
    workshop: Workshop = field(default=INLINE)  # digests' charts and spreadsheets

    async def close(self) -> None:
        """Stop the composition workers, close the database's connections."""
        self.workshop.close()
        await self.db.dispose()


async def build(settings: Settings | None = None, migrate: bool = True) -> App:
    """Wire the application; apply migrations first (the database is always current)."""
    settings = settings or Settings()
    db = Database(settings.database_url)
    if migrate:
        await db.migrate()
    web = WebLinks(settings.public_base_url, settings.web_login_minutes,
                   bool(settings.telegram_bot_token)) if settings.public_base_url else None
    return App(settings, db, Dispatcher(db, settings.timezone, calendar=calendar_of(settings),
                                        web=web), Workshop(settings.composition_workers))


class UnknownUser(LookupError):
    """`--as NAME` named nobody, or several people."""


async def console_identity(db: Database, name: str) -> str:
    """Link the console to the user called `name` and return the console account id."""
    async with db.session() as session, session.begin():
        users = await find_users(session, name)
        if len(users) != 1:
            raise UnknownUser(_unknown_message(name, users))
        user: User = users[0]
        external_id = f"user:{user.login}"
        identity = await session.get(ChatIdentity, ("console", external_id))
        if identity is None or identity.user_id != user.id:
            await link_chat(session, "console", external_id, external_id, user)
        else:
            identity.linked_at = now()
        return external_id


def _unknown_message(name: str, users: list[User]) -> str:
    if not users:
        return f'Không có người dùng "{name}". Chạy `giamngheo demo-data` hoặc `giamngheo users`.'
    options = ", ".join(f"{u.login} ({u.name}, {u.role})" for u in users)
    return f'"{name}" trùng nhiều người: {options}. Dùng --as với tên đăng nhập.'
