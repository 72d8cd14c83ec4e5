"""received updates: the durable intake (issues 10.3, 11.3, 11.8)

Every update is stored here, as the platform sent it, before the getUpdates offset that
confirms it is sent or the webhook answers 200; it is handled from here and a restart
handles what was stored and not done. A redelivery (same channel, bot, update id and
content) is dropped; rows are pruned after a bounded window, so an update id the platform
starts again (Telegram after a week without updates, a new token or Bot API server) is a
new update.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 13:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('received_update',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('bot_id', sa.String(length=64), nullable=False),
    sa.Column('update_id', sa.String(length=100), nullable=False),
    sa.Column('digest', sa.String(length=32), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('handled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outbox', sa.JSON(), nullable=True),
    sa.Column('reason', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('channel', 'bot_id', 'update_id', 'digest', name='uq_received_update')
    )
    op.create_index('ix_received_update_state', 'received_update',
                    ['channel', 'bot_id', 'state'], unique=False)
    op.create_index('ix_received_update_at', 'received_update', ['received_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_received_update_at', table_name='received_update')
    op.drop_index('ix_received_update_state', table_name='received_update')
    op.drop_table('received_update')
