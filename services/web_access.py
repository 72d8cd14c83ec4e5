"""Access to the web view: one-time login links, browser sessions, revocation.

Tokens are random (256 bits), handed out once and stored by their SHA-256 only. A link is
used once and expires in minutes; a session expires after hours and can be revoked.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ChatIdentity, User, WebLogin, WebSession

LINK = "link"
TELEGRAM = "telegram"


@dataclass(frozen=True)
class Opened:
    """A session just opened: the cookie's token (never stored) and its owner."""

    token: str
    user: User


def digest(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_token(session_token: str) -> str:
    """The CSRF token of a session: derived from its secret, so nothing more is stored."""
    return hmac.new(session_token.encode(), b"csrf", hashlib.sha256).hexdigest()[:32]


def csrf_ok(session_token: str, given: str) -> bool:
    """True when a form's token is this session's (compared in constant time)."""
    return hmac.compare_digest(csrf_token(session_token), given)


async def issue_link(session: AsyncSession, user: User, now: dt.datetime,
                     minutes: int) -> str:
    """A new single-use login token for `user`, valid `minutes`."""
    token = secrets.token_urlsafe(32)
    session.add(WebLogin(token_hash=digest(token), user_id=user.id, created_at=now,
                         expires_at=now + dt.timedelta(minutes=minutes)))
    return token


async def link_user(session: AsyncSession, token: str, now: dt.datetime) -> User | None:
    """The active user a login token is for, while unused and unexpired (not spent here)."""
    login = await session.get(WebLogin, digest(token))
    if login is None or login.used_at is not None or _aware(login.expires_at) <= now:
        return None
    user = await session.get(User, login.user_id)
    return user if user is not None and user.active else None


async def redeem_link(session: AsyncSession, token: str, now: dt.datetime,
                      hours: float) -> Opened | None:
    """Spend a login token (once, even with two clicks at once) and open a session."""
    user = await link_user(session, token, now)
    if user is None:
        return None
    spent = await session.execute(update(WebLogin).where(
        WebLogin.token_hash == digest(token), WebLogin.used_at.is_(None)).values(used_at=now))
    if getattr(spent, "rowcount", 0) != 1:
        return None
    return open_session(session, user, LINK, now, hours)


def open_session(session: AsyncSession, user: User, via: str, now: dt.datetime,
                 hours: float) -> Opened:
    """A new browser session for `user`."""
    token = secrets.token_urlsafe(32)
    session.add(WebSession(token_hash=digest(token), user_id=user.id, via=via, created_at=now,
                           expires_at=now + dt.timedelta(hours=hours)))
    return Opened(token, user)


async def session_user(session: AsyncSession, token: str, now: dt.datetime) -> User | None:
    """The active user of a live (unexpired, unrevoked) session token."""
    if not token:
        return None
    row = await session.get(WebSession, digest(token))
    if row is None or row.revoked_at is not None or _aware(row.expires_at) <= now:
        return None
    user = await session.get(User, row.user_id)
    return user if user is not None and user.active else None


async def telegram_user(session: AsyncSession, telegram_id: int) -> User | None:
    """Our active user linked to this Telegram account (by /start CODE), if any."""
    identity = await session.get(ChatIdentity, (TELEGRAM, str(telegram_id)))
    if identity is None:
        return None
    user = await session.get(User, identity.user_id)
    return user if user is not None and user.active else None


async def revoke(session: AsyncSession, now: dt.datetime, user_id: int | None = None,
                 token: str | None = None) -> int:
    """Revoke live sessions: one (by token), a user's, or all; returns how many."""
    query = update(WebSession).where(WebSession.revoked_at.is_(None),
                                     WebSession.expires_at > now)
    if user_id is not None:
        query = query.where(WebSession.user_id == user_id)
    if token is not None:
        query = query.where(WebSession.token_hash == digest(token))
    result = await session.execute(query.values(revoked_at=now))
    return int(getattr(result, "rowcount", 0) or 0)


async def live_sessions(session: AsyncSession, now: dt.datetime) -> list[tuple[WebSession, User]]:
    """Unexpired, unrevoked sessions with their users, newest first."""
    query = (select(WebSession, User).join(User, User.id == WebSession.user_id)
             .where(WebSession.revoked_at.is_(None)).order_by(WebSession.created_at.desc()))
    rows = (await session.execute(query)).all()
    return [(s, u) for s, u in rows if _aware(s.expires_at) > now]


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite gives naive datetimes back: they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
