"""web sessions: one-time login links and browser sessions for the web view (issue 16)

Both are stored by the SHA-256 of their token only: a copy of the database opens nothing.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 19:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('web_login',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', BIG_ID, sa.ForeignKey('app_user.id'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('token_hash'))
    op.create_table('web_session',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', BIG_ID, sa.ForeignKey('app_user.id'), nullable=False),
    sa.Column('via', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('token_hash'))
    op.create_index('ix_web_session_user', 'web_session', ['user_id'])


def downgrade() -> None:
    op.drop_index('ix_web_session_user', table_name='web_session')
    op.drop_table('web_session')
    op.drop_table('web_login')
