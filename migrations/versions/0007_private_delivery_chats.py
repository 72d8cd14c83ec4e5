"""chat links: the chat type, and links that point at group chats repaired

A user's delivery chat (notifications, digests, reminders: household names) must be a
private chat of theirs. Before this, `/start CODE` in a group stored the group as the
user's chat. A private chat's id is the account's own id on every channel (Telegram, Zalo,
console), so a stored chat id that differs from the account id is not a private chat: it is
cleared (the link to the user stays) until the person writes to the bot privately. Each
repaired link is logged (WARNING, logger "migrations") and recorded in the audit trail
(action "identity.group_chat_cleared"), so the admin sees who must open the bot privately.

Wrong-code counts are now also kept per chat ("chat:<id>"): the key column is widened.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 18:30:00
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

log = logging.getLogger("migrations")
identity = sa.table('chat_identity', sa.column('channel', sa.String), sa.column('user_id'),
                    sa.column('external_id', sa.String), sa.column('chat_id', sa.String),
                    sa.column('chat_type', sa.String))
audit = sa.table('audit_event', sa.column('at', sa.DateTime(timezone=True)),
                 sa.column('actor_id'), sa.column('channel', sa.String),
                 sa.column('action', sa.String), sa.column('entity', sa.String),
                 sa.column('entity_id'), sa.column('before', sa.JSON), sa.column('after', sa.JSON))


def upgrade() -> None:
    with op.batch_alter_table('chat_identity') as batch_op:
        batch_op.add_column(sa.Column('chat_type', sa.String(length=16), nullable=True))
    with op.batch_alter_table('code_attempt') as batch_op:
        batch_op.alter_column('external_id', type_=sa.String(length=100),
                              existing_type=sa.String(length=64), existing_nullable=False)
    bind = op.get_bind()
    own = sa.or_(identity.c.chat_id.is_(None), identity.c.chat_id == identity.c.external_id)
    bind.execute(identity.update().where(own).values(chat_type='private'))
    repaired = bind.execute(sa.select(identity.c.channel, identity.c.external_id,
                                      identity.c.chat_id, identity.c.user_id)
                            .where(sa.not_(own))).all()
    bind.execute(identity.update().where(sa.not_(own)).values(chat_id=None))
    for row in repaired:
        _tell_admin(bind, row)


def _tell_admin(bind: sa.Connection, row: Any) -> None:
    log.warning("chat link pointed at a group chat, cleared: user=%s channel=%s account=%s "
                "chat=%s (the person must write to the bot privately to get sends again)",
                row.user_id, row.channel, row.external_id, row.chat_id)
    bind.execute(audit.insert().values(
        at=dt.datetime.now(dt.UTC), actor_id=None, channel='migration',
        action='identity.group_chat_cleared', entity='user', entity_id=row.user_id,
        before={'channel': row.channel, 'external_id': row.external_id,
                'chat_id': row.chat_id},
        after={'chat_id': None}))


def downgrade() -> None:
    with op.batch_alter_table('code_attempt') as batch_op:
        batch_op.alter_column('external_id', type_=sa.String(length=64),
                              existing_type=sa.String(length=100), existing_nullable=False)
    with op.batch_alter_table('chat_identity') as batch_op:
        batch_op.drop_column('chat_type')
