"""Users, their scopes and their chat identities."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import String, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.names import fold, split_title
from domain.roles import Role
from storage.audit import now, record
from storage.models import ChatIdentity, UnitTreeVersion, User, UserScope
from storage.unit_tree import VERSION_KEY


def login_for(name: str) -> str:
    """'Bà Đỗ Thị Nga' -> 'do-thi-nga'."""
    return fold(split_title(name)[1]).replace(" ", "-")


async def ensure_person(
    session: AsyncSession,
    person: str,
    role: Role,
    unit_id: int | None,
    channel: str,
    actor_id: int | None = None,
) -> tuple[User, bool, bool]:
    """The user of this name and role (created if missing), with `unit_id` in scope.

    Returns the user, whether it was created, and whether the unit was added to its scope.
    """
    title, name = split_title(person)
    key = fold(name)
    user = await session.scalar(select(User).where(User.name_key == key, User.role == role.value))
    created = user is None
    if user is None:
        user = await create_user(session, title, name, role.value, channel, actor_id)
    elif title and user.title and title != user.title:
        # The documents disagree on Ông/Bà for this person: greet by name only.
        record(session, actor_id=actor_id, channel=channel, action="user.update",
               entity="user", entity_id=user.id, before={"title": user.title},
               after={"title": None})
        user.title = None
    scope_added = unit_id is not None and await add_scope(
        session, user, unit_id, channel, actor_id
    )
    return user, created, scope_added


async def create_user(
    session: AsyncSession,
    title: str | None,
    name: str,
    role: str,
    channel: str,
    actor_id: int | None,
    created_at: dt.datetime | None = None,
) -> User:
    """A new active user with a free login derived from the name; audited."""
    user = User(login=await _free_login(session, login_for(name)), title=title, name=name,
                name_key=fold(name), role=role, active=True, created_at=created_at or now())
    session.add(user)
    await session.flush()
    record(session, actor_id=actor_id, channel=channel, action="user.create", entity="user",
           entity_id=user.id, after={"name": name, "role": role})
    return user


async def add_scope(
    session: AsyncSession, user: User, unit_id: int, channel: str, actor_id: int | None
) -> bool:
    """Give `user` the unit; False when it already had it."""
    if await session.get(UserScope, (user.id, unit_id)):
        return False
    session.add(UserScope(user_id=user.id, unit_id=unit_id))
    session.info.pop(SCOPES_KEY, None)
    session.info.pop(ROOTS_KEY, None)
    record(
        session,
        actor_id=actor_id,
        channel=channel,
        action="role.scope_add",
        entity="user",
        entity_id=user.id,
        after={"role": user.role, "unit_id": unit_id},
    )
    await session.flush()
    return True


async def _free_login(session: AsyncSession, base: str) -> str:
    candidate, suffix = base, 1
    while await session.scalar(select(User.id).where(User.login == candidate)):
        suffix += 1
        candidate = f"{base}-{suffix}"
    return candidate


async def scope_units(session: AsyncSession, user_id: int) -> set[int]:
    """The unit ids attached to a user (not yet expanded to descendants)."""
    known: dict[int, set[int]] = session.info.get(ROOTS_KEY, {})
    if user_id in known:
        return set(known[user_id])
    rows = await session.scalars(select(UserScope.unit_id).where(UserScope.user_id == user_id))
    return set(rows.all())


async def find_users(session: AsyncSession, name: str) -> list[User]:
    """The user whose login is `name`, else users whose name matches (accents, case ignored).

    A login is unique: it must pick one person even when namesakes share the folded name.
    """
    key = fold(split_title(name)[1])
    query = select(User).where((User.login == name) | (User.name_key == key)).order_by(User.id)
    found = list((await session.scalars(query)).all())
    return [u for u in found if u.login == name] or found


PRIVATE = "private"  # ChatIdentity.chat_type of a private chat
SCOPES_KEY = "scopes"  # services/access.py keeps each user's expanded scope per session
IDENTITY_KEY = "identity"  # the chat identity of the message's sender, kept for the session
ROOTS_KEY = "scope_roots"  # user id -> scope units, read with the sender


async def user_for_chat(session: AsyncSession, channel: str, external_id: str) -> User | None:
    """The active user linked to a chat account, if any (one query: asked on every message).

    The same statement brings the identity row (so `private_chat` and `note_private_chat`
    cost nothing), the user's scope units and the unit tree's version, all read on almost
    every message: three round trips fewer.
    """
    units = select(_joined(session, UserScope.unit_id)).where(UserScope.user_id == User.id)
    version = select(UnitTreeVersion.version).scalar_subquery()
    query = select(User, ChatIdentity, units.scalar_subquery(), version).join(
        ChatIdentity, ChatIdentity.user_id == User.id).where(
        ChatIdentity.channel == channel, ChatIdentity.external_id == external_id,
        User.active.is_(True))
    row = (await session.execute(query)).first()
    if row is None:
        return None
    user, identity, roots, session.info[VERSION_KEY] = row
    session.info[IDENTITY_KEY] = identity  # the session's identity map only holds it weakly
    session.info.setdefault(ROOTS_KEY, {})[user.id] = \
        {int(unit) for unit in roots.split(",")} if roots else set()
    return user  # type: ignore[no-any-return]


def _joined(session: AsyncSession, column: Any) -> Any:
    """Ids of a group as one text, '3,17,42', in either engine's words."""
    if session.get_bind().dialect.name == "postgresql":
        return func.string_agg(cast(column, String), ",")
    return func.group_concat(column, ",")


async def private_chat(session: AsyncSession, channel: str, external_id: str) -> str | None:
    """The account's own private chat with the bot, when one is known."""
    identity = await session.get(ChatIdentity, (channel, external_id))
    if identity is None or identity.chat_type != PRIVATE:
        return None
    return identity.chat_id or identity.external_id


async def note_private_chat(
    session: AsyncSession, channel: str, external_id: str, chat_id: str
) -> None:
    """A linked account wrote in its private chat: that chat is where its sends go."""
    identity = await session.get(ChatIdentity, (channel, external_id))
    if identity is None or (identity.chat_type == PRIVATE and identity.chat_id == chat_id):
        return
    before = {"chat_id": identity.chat_id, "chat_type": identity.chat_type}
    identity.chat_id, identity.chat_type = chat_id, PRIVATE
    record(session, actor_id=identity.user_id, channel=channel, action="identity.private_chat",
           entity="user", entity_id=identity.user_id, before=before,
           after={"chat_id": chat_id, "chat_type": PRIVATE})


async def link_chat(
    session: AsyncSession, channel: str, external_id: str, chat_id: str, user: User
) -> User | None:
    """Link (or re-link) a chat account, from its private chat `chat_id`, to a user.

    Returns the user the account was linked to before, if another one.
    """
    identity = await session.get(ChatIdentity, (channel, external_id))
    before = {"user_id": identity.user_id} if identity else None
    previous = None
    if identity is None:
        identity = ChatIdentity(
            channel=channel,
            external_id=external_id,
            user_id=user.id,
            chat_id=chat_id,
            chat_type=PRIVATE,
            linked_at=now(),
        )
        session.add(identity)
    else:
        if identity.user_id != user.id:
            previous = await session.get(User, identity.user_id)
        identity.user_id, identity.chat_id, identity.linked_at = user.id, chat_id, now()
        identity.chat_type = PRIVATE
    record(
        session,
        actor_id=user.id,
        channel=channel,
        action="identity.link",
        entity="user",
        entity_id=user.id,
        before=before,
        after={"channel": channel, "external_id": external_id},
    )
    await session.flush()
    return previous
