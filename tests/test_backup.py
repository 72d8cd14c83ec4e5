"""`giamngheo backup` and `restore`: what was backed up comes back, later changes go away."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from bot.cli import main
from bot.cli_backup import libpq_url, pg_dump_command
from handlers.router import Dispatcher
from storage.db import Database
from storage.models import StatusChange
from tests.helpers import Chat, FixedClock, login


async def _reports(db: Database) -> int:
    async with db.session() as session:
        return await session.scalar(select(func.count(StatusChange.id))) or 0


def _cli(db: Database, *args: str) -> str:
    result = CliRunner().invoke(main, list(args), env={"DATABASE_URL": db.url})
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


async def test_backup_then_restore(demo_db: Database, clock: FixedClock, tmp_path: Path) -> None:
    """A report made after the backup is gone after restore; one made before stays."""
    if not demo_db.is_sqlite and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed: the command only prints it")
    head = Chat(Dispatcher(demo_db, clock=clock), await login(demo_db, "Bùi Thị Minh"))
    await head.say("hộ bà Phạm Thị Đéc thoát nghèo")
    await head.say("1")
    out = tmp_path / ("backup.db" if demo_db.is_sqlite else "backup.dump")
    assert "Đã sao lưu" in _cli(demo_db, "backup", str(out))  # online: the pool stays open
    await head.say("hộ bà Phạm Thị Gang thoát nghèo")
    await head.say("1")
    assert await _reports(demo_db) == 2
    await demo_db.dispose()  # the bot is stopped before a restore
    assert "Đã khôi phục" in _cli(demo_db, "restore", str(out), "--yes")
    assert await _reports(demo_db) == 1
    leader = Chat(Dispatcher(demo_db, clock=clock), await login(demo_db, "Đỗ Văn Liên"))
    await leader.say("Thôn Chợ thế nào?")
    assert "Thôn Chợ" in leader.text


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    """A wrong file is refused before anything is overwritten."""
    bogus, target = tmp_path / "bogus.db", tmp_path / "live.db"
    bogus.write_bytes(b"not sqlite" * 100)
    target.write_bytes(b"")
    result = CliRunner().invoke(main, ["restore", str(bogus), "--yes"],
                                env={"DATABASE_URL": f"sqlite:///{target}"})
    assert result.exit_code != 0 and "không phải bản sao lưu" in result.output
    assert target.read_bytes() == b""


def test_pg_dump_command_uses_a_plain_libpq_url() -> None:
    """pg_dump gets postgresql://, never SQLAlchemy's +asyncpg form."""
    url = "postgresql+asyncpg://postgres@127.0.0.1:5432/giamngheo"
    assert libpq_url(url) == "postgresql://postgres@127.0.0.1:5432/giamngheo"
    assert pg_dump_command(url, Path("x.dump"))[-1] == libpq_url(url)
