"""The durable intake: updates stored as received, then handled from the store.

An update is inserted (a whole getUpdates batch in one statement) before the offset that
confirms it is sent or the webhook answers 200. A redelivery (same channel, bot, update id
and content) is not inserted again. Rows are handled in order and end `done` or
`set_aside`; they are pruned after a bounded window, so an id the platform starts again
is a new update.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from messaging import stored
from messaging.messages import Reply
from storage.audit import now
from storage.models import ReceivedUpdate

NEW, SENDING, DONE, SET_ASIDE = "new", "sending", "done", "set_aside"
BATCH = 100


@dataclass(frozen=True)
class Received:
    """One stored update: its row, the platform's id and JSON, and its replies if kept."""

    id: int
    update_id: str
    payload: dict[str, Any]
    state: str
    outbox: dict[str, Any] | None


def digest(payload: dict[str, Any]) -> str:
    """The update's content, hashed: a redelivery has the same one."""
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


async def store(session: AsyncSession, channel: str, bot_id: str,
                updates: list[tuple[str, dict[str, Any]]], window: dt.timedelta) -> list[str]:
    """Insert a batch in one statement; return the update ids dropped as redeliveries.

    A row of the same update received before the window (and finished) is not a
    redelivery: the platform started its ids again, and the row is taken for the new one.
    """
    at, rows, dropped = now(), dict[tuple[str, str], dict[str, Any]](), []
    for key, body in updates:
        sha = digest(body)
        if (key, sha) in rows:
            dropped.append(key)
        rows.setdefault((key, sha), {"channel": channel, "bot_id": bot_id, "update_id": key,
                                     "digest": sha, "payload": body, "received_at": at,
                                     "state": NEW})
    if not rows:
        return dropped
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" \
        else sqlite.insert
    statement = insert(ReceivedUpdate).values(list(rows.values()))
    statement = statement.on_conflict_do_update(
        index_elements=["channel", "bot_id", "update_id", "digest"],
        set_={"payload": statement.excluded.payload, "received_at": at, "state": NEW,
              "handled_at": None, "outbox": None, "reason": None},
        where=(ReceivedUpdate.received_at < at - window)
        & ReceivedUpdate.state.in_((DONE, SET_ASIDE)))
    result = await session.execute(statement.returning(ReceivedUpdate.update_id,
                                                       ReceivedUpdate.digest))
    kept = {(str(u), str(d)) for u, d in result.all()}
    return dropped + [key for key, sha in rows if (key, sha) not in kept]


async def pending(session: AsyncSession, channel: str, bot_id: str,
                  stale_before: dt.datetime) -> list[Received]:
    """The next rows to handle, oldest first: new ones, and replies whose sending was cut
    off (kept before `stale_before`: the process that kept them is gone)."""
    query = (select(ReceivedUpdate.id, ReceivedUpdate.update_id, ReceivedUpdate.payload,
                    ReceivedUpdate.state, ReceivedUpdate.outbox)
             .where(ReceivedUpdate.channel == channel, ReceivedUpdate.bot_id == bot_id,
                    or_(ReceivedUpdate.state == NEW,
                        (ReceivedUpdate.state == SENDING)
                        & (ReceivedUpdate.handled_at < stale_before)))
             .order_by(ReceivedUpdate.id).limit(BATCH))
    return [Received(*row) for row in (await session.execute(query)).all()]


async def keep(session: AsyncSession, row_id: int, chat_id: str, replies: list[Reply]) -> bool:
    """In the update's own transaction: it was handled, and this is what to send; its
    commit also says the first reply may be out (`next` 0). False when another process took
    it first (the caller rolls back)."""
    outbox = {"chat": chat_id, "replies": stored.dump(replies), "next": 0}
    return await _set(session, row_id, ReceivedUpdate.state == NEW,
                      state=SENDING, handled_at=now(), outbox=outbox)


async def resume(session: AsyncSession, row_id: int, stale_before: dt.datetime,
                 outbox: dict[str, Any]) -> bool:
    """Take over replies whose sending was cut off, `outbox` saying which goes next;
    False when someone else did."""
    return await _set(session, row_id, (ReceivedUpdate.state == SENDING)
                      & (ReceivedUpdate.handled_at < stale_before), handled_at=now(),
                      outbox=outbox)


async def mark_next(session: AsyncSession, row_id: int, outbox: dict[str, Any]) -> bool:
    """Before a reply after the first goes out: `outbox["next"]` is the one that may be out
    (a restart never sends it again); the lease renewed."""
    return await _set(session, row_id, ReceivedUpdate.state == SENDING, handled_at=now(),
                      outbox=outbox)


async def finish(session: AsyncSession, row_id: int, state: str = DONE,
                 reason: str | None = None, only_new: bool = False) -> bool:
    """Done (answered, or nothing to answer) or set aside with a reason (no text).
    `only_new`: unless another process took it meanwhile (then False)."""
    condition = ReceivedUpdate.state == NEW if only_new else None
    return await _set(session, row_id, condition, state=state, outbox=None, reason=reason)


async def prune(session: AsyncSession, before: dt.datetime) -> int:
    """Delete finished rows received before `before`; return how many."""
    statement = delete(ReceivedUpdate).where(
        ReceivedUpdate.received_at < before, ReceivedUpdate.state.in_((DONE, SET_ASIDE)))
    result = await session.execute(statement.execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0)


async def _set(session: AsyncSession, row_id: int, condition: Any, **values: Any) -> bool:
    statement = update(ReceivedUpdate).where(ReceivedUpdate.id == row_id)
    if condition is not None:
        statement = statement.where(condition)
    result = await session.execute(
        statement.values(**values).execution_options(synchronize_session=False))
    return bool(getattr(result, "rowcount", 0))


@dataclass
class Receipt:
    """Handed to the dispatcher with a stored update: kept in the update's transaction."""

    row_id: int
    kept: bool | None = None  # None: not handled (ignored, or the handler failed)

    async def keep(self, session: AsyncSession, chat_id: str, replies: list[Reply]) -> bool:
        """Record the update handled with its replies; False when taken by another process."""
        self.kept = await keep(session, self.row_id, chat_id, replies)
        return self.kept
