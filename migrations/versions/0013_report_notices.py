"""report notices through the delivery ledger

A notice about a report (filed, confirmed or rejected, corrected, revoked) is a ledger row
written in the transaction of the change it tells: `content` holds the message as it was
composed, `report_id` the report it is about. The rows of a report are the record of who
was told about it, so a correction tells exactly those people.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 19:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('delivery') as batch_op:
        batch_op.add_column(sa.Column('report_id', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('content', sa.JSON(), nullable=True))
        batch_op.create_index('ix_delivery_report', ['report_id'])


def downgrade() -> None:
    with op.batch_alter_table('delivery') as batch_op:
        batch_op.drop_index('ix_delivery_report')
        batch_op.drop_column('content')
        batch_op.drop_column('report_id')
