"""Notices about reports: ledger rows written with the change, sent once it has committed.

Filed (to those who may decide), confirmed or rejected (to the head, and the village's
officer when a leader decided), corrected, revoked: each is queued in the transaction of
the change it tells, so a crash after the commit cannot lose it, and sent through the
ledger like a scheduled send (claimed, sent once, failures told to the admins). Only a
person's private chat is ever used: notices name households.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from messaging import stored
from messaging.failures import delivery_ref
from messaging.messages import Button, Reply
from services.deliveries import Run
from services.deliveries import _failure as failure
from services.deliveries import _finish as finish
from services.deliveries import _offer_menus as offer_menus
from services.deliveries import _start_sending as start_sending
from services.delivery_failures import address_of
from services.recipients import chat_for
from storage import ledger, notice_rows
from storage.ledger import DeliveryState
from storage.models import ChatIdentity, Delivery
from storage.people import PRIVATE

log = logging.getLogger(__name__)
QUEUED = "notices_queued"  # session.info flag: the dispatcher wakes the sender after commit


async def tell(session: AsyncSession, kind: str, user_ids: list[int], text: str,
               now: dt.datetime, report_id: int | None = None,
               buttons: list[list[Button]] | None = None, waiting: bool = False) -> list[int]:
    """Queue one notice to each of these users who has a private chat with the bot
    (`waiting`: to each, sent once they have one); returns those it was queued for."""
    wanted = list(dict.fromkeys(user_ids))
    reachable = wanted if waiting else await _reachable(session, wanted)
    content = stored.dump([Reply(text, buttons=buttons or [])])
    key = notice_rows.event_key()
    for user_id in reachable:
        notice_rows.add(session, kind, key, user_id, now, content, report_id)
    if reachable:
        session.info[QUEUED] = True
    return reachable


async def reachable(session: AsyncSession, user_ids: list[int]) -> list[int]:
    """Those of these users who have a private chat with the bot."""
    return await _reachable(session, user_ids)


async def _reachable(session: AsyncSession, user_ids: list[int]) -> list[int]:
    if not user_ids:
        return []
    query = select(ChatIdentity.user_id).where(ChatIdentity.user_id.in_(user_ids),
                                               ChatIdentity.chat_type == PRIVATE)
    found = set((await session.scalars(query)).all())
    return [i for i in user_ids if i in found]


async def send_due(run: Run) -> Counter[str]:
    """Send every notice due whose recipient has a chat on a channel running here."""
    lease = dt.timedelta(minutes=run.policy.lease_minutes)
    async with run.db.reading() as session:
        rows = await notice_rows.due(session, run.clock(), lease, run.broadcaster.running)
        chats = {row.id: await chat_for(session, row.recipient_id, run.broadcaster.running)
                 for row in rows}
    results: Counter[str] = Counter()
    for row in rows:
        chat = chats[row.id]
        if chat is not None:  # else: a process running their channel sends it
            results[await _deliver(run, row, chat)] += 1
    return results


async def _deliver(run: Run, row: Delivery, chat: ChatIdentity) -> str:
    async with run.db.transaction() as session:
        won = await ledger.reclaim(session, row, run.token, run.clock(),
                                   dt.timedelta(minutes=run.policy.lease_minutes))
    if not won:
        return "busy"
    replies = stored.load(row.content or [])
    try:
        await offer_menus(run.db, chat, replies)
        if not await start_sending(run, row.id):  # taken over meanwhile
            return "busy"
        token = delivery_ref.set(row.id)
        try:
            await run.broadcaster.send(address_of(chat), replies)
        finally:
            delivery_ref.reset(token)
    except Exception as error:
        state, values = failure(run, error, row.id, row.attempts + 1)
        return await finish(run, row.id, state, **values)
    await finish(run, row.id, DeliveryState.SENT, sent_at=run.clock(), channel=chat.channel,
                 chat_id=address_of(chat).chat_id, error=None)
    return "sent"
