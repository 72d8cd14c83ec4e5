"""Every command logs through the privacy filter (issue 11.4), not only `giamngheo run`: a
`giamngheo chat` whose report the database refuses logs the failure without the note the
head typed or the household's name (SQLAlchemy's message quotes the statement's values)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from storage.db import Database

NOTE = "Con trai Bảy đi làm ở Bình Dương gửi tiền về"
STORY = f"/baocao\nPhạm Thị Đéc\n1\n{NOTE}\n1\n"
REFUSE_SQLITE = ("CREATE TRIGGER refuse_reports BEFORE INSERT ON audit_event "
                 "WHEN NEW.action LIKE 'report%' BEGIN SELECT RAISE(ABORT, 'refused'); END")
REFUSE_POSTGRES = [
    "CREATE FUNCTION refuse_reports() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'refused'; END $$",
    "CREATE TRIGGER refuse_reports BEFORE INSERT ON audit_event FOR EACH ROW "
    "WHEN (NEW.action LIKE 'report%') EXECUTE FUNCTION refuse_reports()"]


UNDO = ["DROP TRIGGER refuse_reports"]
UNDO_POSTGRES = ["DROP TRIGGER refuse_reports ON audit_event", "DROP FUNCTION refuse_reports()"]


async def refuse_reports(db: Database, refuse: bool = True) -> None:
    """The database refuses to record a report (a full disk, a broken trigger...), or no
    longer (the PostgreSQL test database outlives the test)."""
    statements = ([REFUSE_SQLITE] if db.is_sqlite else REFUSE_POSTGRES) if refuse \
        else UNDO if db.is_sqlite else UNDO_POSTGRES
    async with db.engine.begin() as connection:
        for statement in statements:
            await connection.execute(text(statement))


async def test_a_console_chat_logs_a_refused_report_without_its_note(
        demo_db: Database) -> None:
    await refuse_reports(demo_db)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZALO_"))}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bot", "chat", "--as", "Bùi Thị Minh"], input=STORY,
            capture_output=True, text=True, env=env | {"DATABASE_URL": demo_db.url},
            cwd=Path(__file__).parents[1], timeout=120, check=False)
    finally:
        await refuse_reports(demo_db, refuse=False)
    assert "chưa lưu được gì" in done.stdout, done.stdout  # the head is told
    log = done.stderr
    assert "update failed" in log, log
    for private in (NOTE, "Con trai", "Bình Dương", "B\\u00ecnh", "Phạm Thị Đéc", "Đéc"):
        assert private not in log, (private, log)
