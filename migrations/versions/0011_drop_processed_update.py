"""drop processed_update: one deduplication, the durable intake's (issue 11.3)

`processed_update` held every update key ever handled, never pruned, keyed by channel only:
a bot whose ids started again (a new token, a week without updates) had new messages
dropped silently. The intake (`received_update`, 0009) deduplicates by channel, bot and a
bounded window and logs every drop; this table is no longer read or written.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 19:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table('processed_update')


def downgrade() -> None:
    op.create_table('processed_update',
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('update_key', sa.String(length=100), nullable=False),
    sa.Column('processed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('channel', 'update_key')
    )
