"""Alembic environment: runs on the connection the application hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from storage.models import Base

config = context.config
connection = config.attributes.get("connection")


def run_migrations(conn: object) -> None:
    """Configure the context on a sync connection and run the migrations."""
    context.configure(
        connection=conn,  # type: ignore[arg-type]
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    run_migrations(connection)
else:  # `alembic revision --autogenerate` from the command line
    url = config.get_main_option("sqlalchemy.url") or "sqlite:///data/autogen.db"
    with create_engine(url).connect() as conn:
        run_migrations(conn)
