"""Getting in: the one-time link (GET shows a button, POST spends it: a chat's link preview
fetching the page cannot use it up), the Telegram Mini App's initData, logging out."""

from __future__ import annotations

import logging

from bot.webview.base import COOKIE, Page
from bot.webview.init_data import telegram_user_id
from services import web_access

log = logging.getLogger(__name__)


class SessionStart(Page):
    """Shared by the ways in: set the session cookie and go to the overview."""

    public = True

    def start_session(self, opened: web_access.Opened) -> None:
        """HttpOnly, SameSite=Lax, Secure behind HTTPS; as long-lived as the session."""
        self.set_cookie(COOKIE, opened.token, path="/web", httponly=True, samesite="Lax",
                        secure=self.site.secure,
                        expires_days=self.site.session_hours / 24)
        self.redirect("/web/", status=303)


class LoginLink(SessionStart):
    """/web/login/<token>: the link a /web command answered."""

    async def get(self, token: str) -> None:
        """A button to log in while the link is valid; otherwise say it is spent."""
        async with self.site.db.session() as session:
            user = await web_access.link_user(session, token, self.site.clock())
        if user is None:
            self.show("link_spent", status=410)
            return
        self.show("login", who=user, token=token)

    async def post(self, token: str) -> None:
        """Spend the link (once) and open the session."""
        async with self.site.db.transaction() as session:
            opened = await web_access.redeem_link(session, token, self.site.clock(),
                                                  self.site.session_hours)
        if opened is None:
            self.show("link_spent", status=410)
            return
        log.info("web session opened via=link user=%s", opened.user.id)
        self.start_session(opened)


class MiniApp(SessionStart):
    """/web/app: Telegram opens it with initData; a small script posts it to us."""

    def get(self) -> None:
        """The page whose script (static/app.js) sends Telegram's initData."""
        self.show("miniapp")

    async def post(self) -> None:
        """Check initData (HMAC-SHA256 with the bot token, auth_date fresh), map the user."""
        telegram_id = telegram_user_id(
            self.get_body_argument("init_data", ""), self.site.bot_token or "",
            self.site.clock().timestamp(), self.site.init_data_max_age) \
            if self.site.bot_token else None
        if telegram_id is None:
            log.warning("web mini app refused reason=bad_init_data")
            self.show("forbidden", status=403)
            return
        async with self.site.db.transaction() as session:
            user = await web_access.telegram_user(session, telegram_id)
            opened = web_access.open_session(session, user, web_access.TELEGRAM,
                                             self.site.clock(), self.site.session_hours) \
                if user is not None else None
        if opened is None:
            self.show("not_registered", status=403)
            return
        log.info("web session opened via=telegram user=%s", opened.user.id)
        self.start_session(opened)


class Logout(Page):
    """POST /web/logout: revoke this session."""

    async def post(self) -> None:
        """Revoke the session, clear the cookie."""
        async with self.site.db.transaction() as session:
            await web_access.revoke(session, self.site.clock(), token=self.token)
        self.clear_cookie(COOKIE, path="/web")
        self.show("logged_out")
