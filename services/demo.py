"""Demo data: the seed plans shipped in data/demo/, plus an admin user."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from domain.names import fold
from domain.roles import Role
from services.demo_history import load_demo_history
from services.plan_import import ImportResult, import_plan
from storage.audit import now, record
from storage.db import Database
from storage.models import Unit, User

DEMO_FOLDER = Path(__file__).resolve().parent.parent / "data" / "demo"


async def load_demo(db: Database, history: bool = False) -> list[ImportResult]:
    """Import every demo plan (idempotent) and make sure `admin` exists; `history`: also the
    demo's confirmed exits of 2024 (services/demo_history.py)."""
    results = [
        await import_plan(db, path, channel="demo") for path in sorted(DEMO_FOLDER.glob("*.csv"))
    ]
    await ensure_admin(db)
    if history:
        await load_demo_history(db)
    return results


async def has_plans(db: Database) -> bool:
    """True once any administrative unit has been imported."""
    async with db.session() as session:
        return await session.scalar(select(Unit.id).limit(1)) is not None


async def ensure_admin(db: Database) -> None:
    """The `admin` user, who sees everything."""
    async with db.session() as session, session.begin():
        if await session.scalar(select(User).where(User.login == "admin")):
            return
        admin = User(
            login="admin",
            title=None,
            name="Quản trị",
            name_key=fold("admin"),
            role=Role.ADMIN.value,
            active=True,
            created_at=now(),
        )
        session.add(admin)
        await session.flush()
        record(
            session,
            actor_id=None,
            channel="demo",
            action="user.create",
            entity="user",
            entity_id=admin.id,
            after={"login": "admin", "role": "admin"},
        )
