"""Invite codes: single-use, expiring, unguessable, hashed at rest; wrong guesses slowed down."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.names import split_title
from domain.roles import Role
from storage.audit import record
from storage.models import ChatIdentity, CodeAttempt, Invite, Unit, User, UserScope
from storage.people import add_scope, create_user, link_chat
from storage.unit_tree import UnitInfo

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone
CODE_LENGTH = 8
FREE_FAILURES = 5
MAX_LOCK = dt.timedelta(hours=24)


def new_code() -> str:
    """An 8-character code, about 40 bits of randomness, shown as XXXX-XXXX."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def normalize_code(text: str) -> str | None:
    """'abcd efgh' or 'ABCD-EFGH' -> 'ABCDEFGH'; None if it cannot be a code."""
    raw = re.sub(r"[\s\-]", "", text).upper()
    return raw if len(raw) == CODE_LENGTH and all(c in ALPHABET for c in raw) else None


def code_hash(raw: str) -> str:
    """Codes are stored hashed: a database leak does not leak usable codes."""
    return hashlib.sha256(raw.encode()).hexdigest()


async def create_invite(
    session: AsyncSession,
    *,
    now: dt.datetime,
    ttl: dt.timedelta,
    user: User | None = None,
    role: Role | None = None,
    unit: UnitInfo | None = None,
    created_by: int | None = None,
    channel: str = "cli",
) -> str:
    """Make a code for an existing user, or for a new user of `role` over `unit`."""
    code = new_code()
    invite = Invite(
        code_hash=code_hash(normalize_code(code) or ""),
        user_id=user.id if user else None,
        role=role.value if role else None,
        unit_id=unit.id if unit else None,
        created_by=created_by,
        created_at=now,
        expires_at=now + ttl,
    )
    session.add(invite)
    record(
        session,
        actor_id=created_by,
        channel=channel,
        action="invite.create",
        entity="user",
        entity_id=user.id if user else None,
        after={
            "role": invite.role,
            "unit_id": invite.unit_id,
            "expires_at": str(invite.expires_at),
        },
    )
    return code


async def same_role_over(session: AsyncSession, role: Role, unit_id: int) -> list[User]:
    """Active users who already hold this role over exactly this unit (a second head?)."""
    query = (select(User).join(UserScope, UserScope.user_id == User.id)
             .where(User.active.is_(True), User.role == role.value, UserScope.unit_id == unit_id)
             .order_by(User.id))
    return list((await session.scalars(query)).all())


async def new_person(session: AsyncSession, name: str, role: Role, unit: UnitInfo,
                     created_by: int | None = None, channel: str = "cli") -> User:
    """A person not yet known, with their role over the unit (the code then links them)."""
    title, bare = split_title(name)
    user = await create_user(session, title, bare, role.value, channel, created_by)
    await add_scope(session, user, unit.id, channel, created_by)
    return user


@dataclass
class Redeemed:
    """Outcome of a code: the linked user, or why not."""

    user: User | None
    problem: str | None = None  # 'wrong', 'spent' (used or expired), 'locked', 'relink'
    wait: dt.timedelta | None = None
    previous: User | None = None  # 'relink': the user this account is linked to now
    invite: Invite | None = None  # 'relink': the code to redeem once the person agrees


async def redeem(
    session: AsyncSession,
    *,
    channel: str,
    external_id: str,
    chat_id: str,
    text: str,
    now: dt.datetime,
    display_name: str | None,
    stored: str | None = None,
) -> Redeemed:
    """Link the chat account with the code's user (creating it for role invites).

    An account linked to another active user is not moved: the answer is 'relink' and the
    person is asked; `stored` is then the code's hash from that question, and moves it.
    """
    wait = await _lock_remaining(session, channel, (external_id, f"chat:{chat_id}"), now)
    if wait:
        return Redeemed(None, "locked", wait)
    raw = normalize_code(text)
    digest = stored or (code_hash(raw) if raw else None)
    invite = await session.get(Invite, digest) if digest else None
    if invite is None:
        await _fail(session, channel, (external_id, f"chat:{chat_id}"), now)
        return Redeemed(None, "wrong")
    if invite.used_at is not None or _aware(invite.expires_at) < now:
        return Redeemed(None, "spent")  # one answer: which of the two tells a guesser nothing
    previous = await _linked_user(session, channel, external_id)
    if previous is not None and previous.id != invite.user_id and stored is None:
        return Redeemed(None, "relink", previous=previous, invite=invite)
    user = await _user_for(
        session, invite, display_name or f"{channel} {external_id}", now, channel
    )
    invite.used_at, invite.used_by = now, user.id
    for key in (external_id, f"chat:{chat_id}"):
        if (attempt := await session.get(CodeAttempt, (channel, key))) is not None:
            await session.delete(attempt)
    previous = await link_chat(session, channel, external_id, chat_id, user)
    return Redeemed(user, previous=previous)


async def _linked_user(session: AsyncSession, channel: str, external_id: str) -> User | None:
    """The active user this account is linked to (an inactive one is not asked about)."""
    identity = await session.get(ChatIdentity, (channel, external_id))
    user = await session.get(User, identity.user_id) if identity else None
    return user if user is not None and user.active else None


async def _user_for(
    session: AsyncSession, invite: Invite, name: str, now: dt.datetime, channel: str
) -> User:
    if invite.user_id is not None:
        user = await session.get(User, invite.user_id)
        assert user is not None
        return user
    title, bare = split_title(name)
    role = invite.role or Role.VILLAGE_HEAD.value
    user = await create_user(session, title, bare, role, channel, invite.created_by, now)
    if invite.unit_id is not None:
        await add_scope(session, user, invite.unit_id, channel, invite.created_by)
    return user


async def _lock_remaining(
    session: AsyncSession, channel: str, keys: tuple[str, ...], now: dt.datetime
) -> dt.timedelta | None:
    """How long the account, or the chat, must still wait after too many wrong codes."""
    waits = []
    for key in keys:
        attempt = await session.get(CodeAttempt, (channel, key))
        if attempt is None or attempt.failures < FREE_FAILURES:
            continue
        lock = min(dt.timedelta(minutes=2 ** (attempt.failures - FREE_FAILURES)), MAX_LOCK)
        waits.append(_aware(attempt.last_failure_at) + lock - now)
    remaining = max(waits, default=dt.timedelta(0))
    return remaining if remaining > dt.timedelta(0) else None


async def _fail(
    session: AsyncSession, channel: str, keys: tuple[str, ...], now: dt.datetime
) -> None:
    for key in keys:
        attempt = await session.get(CodeAttempt, (channel, key))
        if attempt is None:
            session.add(
                CodeAttempt(channel=channel, external_id=key, failures=1, last_failure_at=now)
            )
        else:
            attempt.failures += 1
            attempt.last_failure_at = now


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; we store UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


async def user_roles_summary(session: AsyncSession, user: User) -> list[Unit]:
    """The units attached to a user, for 'who am I'."""
    query = (
        select(Unit)
        .join(UserScope, UserScope.unit_id == Unit.id)
        .where(UserScope.user_id == user.id)
        .order_by(Unit.id)
    )
    return list((await session.scalars(query)).all())
