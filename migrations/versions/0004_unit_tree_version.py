"""unit tree version: bumped by triggers on every change to `unit`

Each process keeps the unit tree in memory (storage/unit_tree.py) and reloads it when this
number moves. Triggers, not application code, bump it, so imports, bulk loads, other
processes and hand-made SQL fixes all invalidate the cached tree.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

BUMP = (
    "INSERT INTO unit_tree_version (id, version) VALUES (1, 1) "
    "ON CONFLICT (id) DO UPDATE SET version = unit_tree_version.version + 1"
)
POSTGRES_FUNCTION = f"""
CREATE FUNCTION bump_unit_tree_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {BUMP};
    RETURN NULL;
END $$
"""
SQLITE_EVENTS = ("insert", "update", "delete")


def upgrade() -> None:
    op.create_table(
        'unit_tree_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.execute("INSERT INTO unit_tree_version (id, version) VALUES (1, 1)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_FUNCTION)
        op.execute("CREATE TRIGGER unit_tree_changed AFTER INSERT OR UPDATE OR DELETE ON unit "
                   "FOR EACH STATEMENT EXECUTE FUNCTION bump_unit_tree_version()")
        op.execute("CREATE TRIGGER unit_tree_truncated AFTER TRUNCATE ON unit "
                   "FOR EACH STATEMENT EXECUTE FUNCTION bump_unit_tree_version()")
    else:
        for event in SQLITE_EVENTS:
            op.execute(f"CREATE TRIGGER unit_tree_{event} AFTER {event.upper()} ON unit "
                       f"BEGIN {BUMP}; END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER unit_tree_truncated ON unit")
        op.execute("DROP TRIGGER unit_tree_changed ON unit")
        op.execute("DROP FUNCTION bump_unit_tree_version()")
    else:
        for event in SQLITE_EVENTS:
            op.execute(f"DROP TRIGGER unit_tree_{event}")
    op.drop_table('unit_tree_version')
