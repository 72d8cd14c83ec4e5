"""corrections: requests to undo a confirmed report, closed periods, unlisted households

A confirmed report keeps what the household was before it (`previous`), so an approved
correction or a revoked confirmation moves the figures back. A household added by a
report that was never confirmed is unlisted (kept for the audit trail).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column('status_change', sa.Column('previous', sa.JSON(), nullable=True))
    op.add_column('household', sa.Column('listed', sa.Boolean(), nullable=False,
                                         server_default=sa.true()))
    op.create_table('correction_request',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('change_id', BIG_ID, sa.ForeignKey('status_change.id'), nullable=False),
    sa.Column('village_id', BIG_ID, sa.ForeignKey('unit.id'), nullable=False),
    sa.Column('requested_by', BIG_ID, sa.ForeignKey('app_user.id'), nullable=False),
    sa.Column('requested_at', WHEN, nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('decided_by', BIG_ID, sa.ForeignKey('app_user.id'), nullable=True),
    sa.Column('decided_at', WHEN, nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_correction_change', 'correction_request', ['change_id'])
    op.create_index('ix_correction_state_village', 'correction_request', ['state', 'village_id'])
    op.create_table('period_close',
    sa.Column('unit_id', BIG_ID, sa.ForeignKey('unit.id'), nullable=False),
    sa.Column('period', sa.String(length=16), nullable=False),
    sa.Column('closed_by', BIG_ID, sa.ForeignKey('app_user.id'), nullable=True),
    sa.Column('closed_at', WHEN, nullable=False),
    sa.PrimaryKeyConstraint('unit_id', 'period'),
    )


def downgrade() -> None:
    op.drop_table('period_close')
    op.drop_index('ix_correction_state_village', 'correction_request')
    op.drop_index('ix_correction_change', 'correction_request')
    op.drop_table('correction_request')
    with op.batch_alter_table('household') as batch:
        batch.drop_column('listed')
    with op.batch_alter_table('status_change') as batch:
        batch.drop_column('previous')
