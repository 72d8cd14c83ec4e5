"""query indexes: deciders of a village (user_scope by unit), pending reports by state

Found with EXPLAIN on the generated province (bench/explain.py): without them, notifying
the deciders of a report scanned user_scope, and pending lists scanned status_change.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 12:00:00
"""

from __future__ import annotations

from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_user_scope_unit', 'user_scope', ['unit_id'], unique=False)
    op.create_index('ix_change_state_village', 'status_change', ['state', 'village_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_change_state_village', table_name='status_change')
    op.drop_index('ix_user_scope_unit', table_name='user_scope')
