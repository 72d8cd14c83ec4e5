"""household names: a trigram index for typo-tolerant lookups at national scale (PostgreSQL)

A national officer's "hộ Nguyễn Văn An" must not score millions of names in Python:
services/lookup.py asks pg_trgm's index for the names alike first. pg_trgm ships with
PostgreSQL (contrib) and is a trusted extension: the database owner may create it.
SQLite has no such index; it serves a province at most and scores every name in scope.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 13:00:00
"""

from __future__ import annotations

from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute("CREATE INDEX ix_household_name_trgm ON household "
               "USING gin (name_key gin_trgm_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_household_name_trgm")
