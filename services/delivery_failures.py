"""Sends given up on, told to the admins once (a recipient gone, a send maybe delivered)."""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import select

from messaging.messages import Address, Reply
from messaging.render import render
from services.broadcast import Broadcaster
from services.recipients import admins, chat_for
from storage import ledger
from storage.db import Database
from storage.models import ChatIdentity, User

log = logging.getLogger(__name__)


def address_of(chat: ChatIdentity) -> Address:
    """Where a linked chat is reached."""
    return Address(chat.channel, chat.chat_id or chat.external_id, chat.external_id)


async def report_failures(db: Database, broadcaster: Broadcaster, now: dt.datetime) -> int:
    """Tell the admins, once, about sends given up on; returns how many were reported."""
    async with db.transaction() as session:
        chats = [c for user in await admins(session)
                 if (c := await chat_for(session, user.id, broadcaster.running))]
        if not chats:
            return 0  # kept unreported until an admin can be reached
        failures = [row for row in await ledger.unreported_failures(session)
                    if await ledger.mark_reported(session, row.id, now)]
        names = {u.id: u.name for u in (await session.scalars(select(User))).all()}
    if failures:
        lines = [{"name": names.get(row.recipient_id, "?"), "period": row.period,
                  "report": row.report_id, "notice": row.kind.startswith("notice."),
                  "kind": render("digest_labels", key=f"kind.{row.kind}"),
                  "error": row.error or "",
                  "maybe": (row.error or "").startswith("maybe delivered")} for row in failures]
        await _tell(broadcaster, chats, Reply(render("digest_failures", failures=lines)))
    return len(failures)


async def _tell(broadcaster: Broadcaster, chats: list[ChatIdentity], reply: Reply) -> None:
    for chat in chats:
        try:
            await broadcaster.send(address_of(chat), [reply])
        except Exception:
            log.exception("could not tell admin %s about failed deliveries", chat.user_id)
