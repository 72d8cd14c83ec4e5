"""The unit tree kept in memory: shared while units stay put, reloaded as soon as they change."""

from __future__ import annotations

from sqlalchemy import text

from handlers.router import Dispatcher
from storage import units as unit_repo
from storage.db import Database
from storage.models import Unit
from storage.unit_tree import unit_tree
from tests.helpers import Chat, FixedClock, login


async def test_sessions_share_one_tree_while_units_stay_put(demo_db: Database) -> None:
    async with demo_db.session() as first:
        tree = await unit_tree(first)
    async with demo_db.session() as second:
        assert await unit_tree(second) is tree
    assert any(node.name == "Thôn Chợ" for node in tree.nodes)


async def test_a_change_made_outside_the_bot_is_seen_by_the_next_message(
    demo_db: Database, clock: FixedClock
) -> None:
    """A rename by hand in SQL (or by another process) moves the version: no stale answer."""
    admin = Chat(Dispatcher(demo_db, clock=clock), await login(demo_db, "admin"))
    await admin.say("Thôn Chợ thế nào?")
    assert admin.text.startswith("Thôn Chợ, Xã Cẩm Bình")
    async with demo_db.transaction() as session:
        await session.execute(text(
            "UPDATE unit SET name = 'Thôn Chợ Mới', name_key = 'cho moi' WHERE name = 'Thôn Chợ'"))
    await admin.say("Thôn Chợ Mới thế nào?")
    assert admin.text.startswith("Thôn Chợ Mới, Xã Cẩm Bình")


async def test_units_of_a_transaction_rolled_back_never_reach_other_sessions(
    demo_db: Database,
) -> None:
    async with demo_db.session() as warm:
        before = len(await unit_tree(warm))
    async with demo_db.session() as importing:
        await importing.begin()
        commune = await importing.scalar(
            text("SELECT id FROM unit WHERE name = 'Xã Cẩm Bình'"))
        parent = await importing.get(Unit, commune)
        await unit_repo.find_or_create(importing, parent, "village", "Thôn Bỏ Dở")
        own = await unit_tree(importing)
        assert any(node.name == "Thôn Bỏ Dở" for node in own.nodes)
        await importing.rollback()
    async with demo_db.transaction() as session:  # the version moves on as far again
        await session.execute(text("UPDATE unit SET kind = kind WHERE name = 'Thôn Chợ'"))
    async with demo_db.session() as other:
        tree = await unit_tree(other)
        assert len(tree) == before
        assert not any(node.name == "Thôn Bỏ Dở" for node in tree.nodes)
