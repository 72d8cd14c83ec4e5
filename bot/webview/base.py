"""What every page shares: the site's wiring, the session cookie, CSRF on every POST, the
scope check (the chat's: a unit outside the user's scope reads as one that does not exist)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from tornado.web import RequestHandler

from bot.channels.base import ChannelRegistry
from bot.webview.render import page
from domain.roles import CAN_CONFIRM, Role
from domain.schedule import Calendar
from services.access import scope_of
from services.web_access import csrf_ok, csrf_token, session_user
from storage.db import Database
from storage.models import User
from storage.unit_tree import UnitNode, unit_tree

COOKIE = "gn_session"
AUDIT_ROLES = frozenset({Role.ADMIN, Role.COMMUNE_LEADER, Role.DISTRICT_OFFICER,
                         Role.PROVINCE_OFFICER})


@dataclass
class Site:
    """The web view's wiring: database, calendar, clock, cookie policy, chat channels."""

    db: Database
    cal: Calendar
    session_hours: float = 12.0
    secure: bool = False
    bot_token: str | None = None  # Telegram's, for Mini App initData
    init_data_max_age: float = 600.0
    registry: ChannelRegistry | None = None  # decisions made here are told in the chat
    clock: Callable[[], dt.datetime] = field(default=lambda: dt.datetime.now(dt.UTC))
    wake_notices: Callable[[], None] | None = None  # the notice sender, after a decision

    def notices_committed(self) -> None:
        """Notices were queued in the ledger by a commit: have the sender send them now."""
        if self.wake_notices is not None:
            self.wake_notices()

    def today(self) -> dt.date:
        """The local date now."""
        return self.cal.today(self.clock())


class Page(RequestHandler):
    """A page that needs a session (all but the login link's); POSTs carry the CSRF token."""

    public = False

    def initialize(self, site: Site) -> None:
        """Tornado's per-route setup."""
        self.site = site
        self.user: User | None = None
        self.token = ""

    def set_default_headers(self) -> None:
        """No caching of personal data, no referrer (a login link must not leak), no CDN."""
        self.set_header("Cache-Control", "no-store")
        self.set_header("Referrer-Policy", "no-referrer")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Content-Security-Policy", "default-src 'self'; img-src 'self'; "
                        "frame-ancestors 'self' https://web.telegram.org")

    async def prepare(self) -> None:
        """Find the session's user; refuse without one, and a POST without its token."""
        self.token = self.get_cookie(COOKIE) or ""
        if self.token:
            async with self.site.db.session() as session:
                self.user = await session_user(session, self.token, self.site.clock())
        if self.public:
            return
        if self.user is None:
            self.show("no_session", status=401)
            return
        if self.request.method == "POST" and not csrf_ok(self.token,
                                                         self.get_body_argument("csrf", "")):
            self.show("forbidden", status=403)

    def show(self, name: str, status: int = 200, **values: Any) -> None:
        """Render a page and finish the request."""
        self.set_status(status)
        user = self.user
        role = Role(user.role) if user else None
        self.finish(page(name, user=user, csrf=csrf_token(self.token) if user else "",
                         can_decide=role in CAN_CONFIRM, can_audit=role in AUDIT_ROLES,
                         **values))

    def not_found(self) -> None:
        """Missing and outside the scope look the same: no guessing which units exist."""
        self.show("not_found", status=404)

    async def unit_in_scope(self, session: AsyncSession, unit_id: int) -> UnitNode | None:
        """The unit, if it exists and the user's role covers it."""
        assert self.user is not None
        node = (await unit_tree(session)).get(unit_id)
        if node is None or not (await scope_of(session, self.user)).covers(unit_id):
            return None
        return node

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Tornado's errors as our Vietnamese page, without a traceback."""
        self.finish(page("error", user=None, csrf="", can_decide=False, can_audit=False,
                         status=status_code))
