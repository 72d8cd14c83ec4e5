"""Conversation state and processed updates, kept in the database to survive restarts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.audit import now
from storage.models import Conversation

IDLE = "idle"


async def load(session: AsyncSession, channel: str, chat_id: str, user_id: str) -> Conversation:
    """The conversation row of this chat account, created idle if missing (locked on PostgreSQL)."""
    query = (
        select(Conversation)
        .where(
            Conversation.channel == channel,
            Conversation.chat_id == chat_id,
            Conversation.external_id == user_id,
        )
        .with_for_update()
    )
    conversation = await session.scalar(query)
    if conversation is None:
        conversation = Conversation(
            channel=channel,
            chat_id=chat_id,
            external_id=user_id,
            step=IDLE,
            data={},
            updated_at=now(),
        )
        session.add(conversation)
    return conversation


def save(conversation: Conversation, step: str, data: dict[str, Any]) -> None:
    """Set the step and its data (a new dict, so the JSON column is seen as changed)."""
    conversation.step = step
    conversation.data = dict(data)
    conversation.updated_at = now()


async def offer_menu(
    session: AsyncSession, channel: str, chat_id: str, user_id: str, menu: list[list[str]]
) -> None:
    """Remember a menu sent to another account (a notification), unless it is mid-flow.

    On channels without buttons the person answers "1"; that must find this menu.
    """
    conversation = await session.get(Conversation, (channel, chat_id, user_id))
    if conversation is None:
        conversation = Conversation(channel=channel, chat_id=chat_id, external_id=user_id,
                                    step=IDLE, data={}, updated_at=now())
        session.add(conversation)
    elif conversation.step != IDLE:
        return
    save(conversation, IDLE, {"menu": menu})
