"""follow-up: 'no change' declarations and the answers about households on watch

A village head may declare that the village had no change in a period (reporting
completeness, issue 15.3); the head's quarterly answer about each household on the
36-month watch after its exit is kept per household and period (issue 15.1).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 19:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table('no_change_report',
    sa.Column('village_id', BIG_ID, sa.ForeignKey('unit.id'), nullable=False),
    sa.Column('period', sa.String(length=16), nullable=False),
    sa.Column('reported_by', BIG_ID, sa.ForeignKey('app_user.id'), nullable=True),
    sa.Column('reported_at', WHEN, nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.PrimaryKeyConstraint('village_id', 'period'),
    )
    op.create_table('watch_answer',
    sa.Column('household_id', BIG_ID, sa.ForeignKey('household.id'), nullable=False),
    sa.Column('period', sa.String(length=16), nullable=False),
    sa.Column('village_id', BIG_ID, sa.ForeignKey('unit.id'), nullable=False),
    sa.Column('answer', sa.String(length=16), nullable=False),
    sa.Column('difficulty', sa.String(length=16), nullable=True),
    sa.Column('answered_by', BIG_ID, sa.ForeignKey('app_user.id'), nullable=True),
    sa.Column('answered_at', WHEN, nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.PrimaryKeyConstraint('household_id', 'period'),
    )
    op.create_index('ix_watch_answer_village', 'watch_answer', ['village_id', 'period'])


def downgrade() -> None:
    op.drop_index('ix_watch_answer_village', 'watch_answer')
    op.drop_table('watch_answer')
    op.drop_table('no_change_report')
