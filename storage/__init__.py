"""Persistence: SQLAlchemy models, engine and sessions, migrations, repositories."""
