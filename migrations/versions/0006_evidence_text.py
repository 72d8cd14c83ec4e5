"""report evidence: any length (a Zalo photo link can exceed 300 characters)

Found by the adapter fuzz tests: on PostgreSQL a longer link made saving the report fail.
SQLite does not enforce VARCHAR lengths, so only PostgreSQL changes.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column('status_change', 'evidence', type_=sa.Text(),
                        existing_type=sa.String(length=300))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column('status_change', 'evidence', type_=sa.String(length=300),
                        existing_type=sa.Text())
