"""No N+1: statements per handled message stay a small constant as the data grows."""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event

from bench.plans import Shape, commune_rows
from handlers.router import Dispatcher
from services.plan_file import COLUMNS
from services.plan_import import import_plan
from storage.db import Database
from tests.helpers import Chat, FixedClock, login

BIG = "Xã Bình Yên 1"  # commune_name(4): 30 villages, its own officers and leader
LIMIT = 32  # statements for any one message; about 15-31 (a report writes its notices
# to the delivery ledger in its own transaction: one INSERT more than when they were sent)


class Statements:
    """Counts SQL statements the engine sends while active."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *_args: Any) -> None:
        self.count += 1


@contextmanager
def counting(db: Database) -> Iterator[Statements]:
    """Count every statement sent to the database inside the block."""
    statements = Statements()
    event.listen(db.engine.sync_engine, "before_cursor_execute", statements)
    try:
        yield statements
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", statements)


async def add_big_commune(db: Database, folder: Path) -> None:
    """Import a generated 30-village commune (with 10 officers and a leader) beside the demo."""
    shape = Shape(communes=1, villages_per_commune=30, households_per_village=4, year=2024)
    path = folder / "big.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(commune_rows(4, shape, random.Random(1)))
    result = await import_plan(db, path)
    assert result.ok, result.errors[:3]


async def statements_for(db: Database, chat: Chat, *texts: str) -> list[int]:
    """Statements for each message in turn."""
    counts = []
    for text in texts:
        with counting(db) as statements:
            await chat.say(text)
        assert "thử lại" not in chat.text.lower(), chat.text
        counts.append(statements.count)
    return counts


async def test_commune_question_does_not_grow_with_villages(
    demo_db: Database, clock: FixedClock, tmp_path: Path
) -> None:
    """A question about an 11-village commune costs what one about a 30-village one costs."""
    await add_big_commune(demo_db, tmp_path)
    admin = Chat(Dispatcher(demo_db, clock=clock), await login(demo_db, "admin"))
    await admin.say("/toi")  # the first message of a chat also creates its conversation row
    await admin.say("Xã Cẩm Bình thế nào?")  # the first question loads the unit tree
    small, big, village = await statements_for(
        demo_db, admin, "/tinhhinh Xã Cẩm Bình", f"/tinhhinh {BIG}", "Thôn Chợ thế nào?"
    )
    assert small == big <= LIMIT
    assert village <= LIMIT


async def test_report_costs_the_same_with_more_officers(
    demo_db: Database, clock: FixedClock, tmp_path: Path
) -> None:
    """Quick report, confirm (notifying the deciders) and /cho: constant, not per officer."""
    dispatcher = Dispatcher(demo_db, clock=clock)
    head = Chat(dispatcher, await login(demo_db, "Bùi Thị Minh"))
    officer = Chat(dispatcher, await login(demo_db, "Đỗ Thị Nga"))
    await head.say("/toi")
    await officer.say("/toi")
    before = await statements_for(demo_db, head, "hộ bà Phạm Thị Đéc thoát nghèo", "1")
    before += await statements_for(demo_db, officer, "/cho")
    await add_big_commune(demo_db, tmp_path)
    after = await statements_for(demo_db, head, "hộ bà Phạm Thị Gang thoát nghèo", "1")
    after += await statements_for(demo_db, officer, "/cho")
    assert "Phạm Thị Gang" in officer.text
    assert before == after
    assert max(after) <= LIMIT


async def test_a_village_question_reads_each_thing_once(demo_db: Database,
                                                        clock: FixedClock) -> None:
    """Dedupe, conversation, the user with their chat, scope and the tree's version, plans,
    changes, households to exit: 6 statements (+ BEGIN on SQLite), none repeated."""
    leader = Chat(Dispatcher(demo_db, clock=clock), await login(demo_db, "Đỗ Văn Liên"))
    await leader.say("/toi")
    await leader.say("Thôn Chợ thế nào?")
    statements: list[str] = []

    def note(*args: Any) -> None:
        statements.append(" ".join(args[2].split()))

    event.listen(demo_db.engine.sync_engine, "before_cursor_execute", note)
    try:
        await leader.say("Thôn Chợ thế nào?")
    finally:
        event.remove(demo_db.engine.sync_engine, "before_cursor_execute", note)
    assert "Hộ nghèo: đã giảm 0/7 hộ" in leader.text
    queries = [s for s in statements if not s.startswith("BEGIN")]
    assert len(queries) <= 6, queries
    assert len({q.split(" WHERE ")[0] for q in queries}) == len(queries), queries
