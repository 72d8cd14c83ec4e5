"""`giamngheo backup OUT` and `giamngheo restore IN`: SQLite online backup, pg_dump/pg_restore.

SQLite uses the sqlite3 backup API: a consistent copy while the bot keeps running (WAL
included). PostgreSQL uses pg_dump's custom format and pg_restore; when those programs are
not installed the command prints what to run instead.
"""

from __future__ import annotations

import shlex
import shutil
import sqlite3
import subprocess
from pathlib import Path

import click

from bot.settings import Settings


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (plain or +aiosqlite); None for other databases."""
    if not url.startswith("sqlite"):
        return None
    return Path(url.split(":///", 1)[1])


def libpq_url(url: str) -> str:
    """A URL pg_dump understands: without SQLAlchemy's '+asyncpg' driver suffix."""
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def backup_sqlite(source: Path, target: Path) -> None:
    """Copy a live SQLite database page by page into `target`, atomically replaced."""
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(partial) as dst:
        src.backup(dst)
    partial.replace(target)


def check_sqlite_backup(path: Path) -> None:
    """Raise unless `path` is an intact SQLite database made by this program."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            if conn.execute("PRAGMA integrity_check").fetchone() != ("ok",):
                raise click.ClickException(f"{path}: tệp sao lưu bị hỏng")
            conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as error:
        raise click.ClickException(f"{path}: không phải bản sao lưu ({error})") from error


def restore_sqlite(backup: Path, target: Path) -> None:
    """Write a backup over the database (through SQLite, so a WAL file cannot linger)."""
    check_sqlite_backup(backup)
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(backup) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def pg_dump_command(url: str, out: Path) -> list[str]:
    """The pg_dump call for a consistent snapshot in custom format."""
    return ["pg_dump", "--format=custom", "--no-owner", f"--file={out}", libpq_url(url)]


def pg_restore_command(url: str, backup: Path) -> list[str]:
    """The pg_restore call that replaces every table, in one transaction."""
    return ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
            f"--dbname={libpq_url(url)}", str(backup)]


def _run_or_print(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        click.echo(f"{command[0]} không có trên máy này; chạy lệnh sau trên máy có PostgreSQL:")
        click.echo(shlex.join(command))
        raise SystemExit(2)
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise click.ClickException(f"{command[0]} lỗi: {result.stderr.strip()}")


@click.command()
@click.argument("out", type=click.Path(path_type=Path, dir_okay=False))
def backup(out: Path) -> None:
    """Back up the database to OUT (SQLite: online copy; PostgreSQL: pg_dump -Fc)."""
    url = Settings().database_url
    path = sqlite_path(url)
    if path is not None:
        backup_sqlite(path, out)
    else:
        _run_or_print(pg_dump_command(url, out))
    click.echo(f"Đã sao lưu vào {out}.")


@click.command()
@click.argument("source", metavar="IN", type=click.Path(path_type=Path, exists=True,
                                                         dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask; replace the database.")
def restore(source: Path, yes: bool) -> None:
    """Replace the database with the backup IN (stop the bot first)."""
    url = Settings().database_url
    if not yes:
        click.confirm("Toàn bộ dữ liệu hiện tại sẽ bị thay bằng bản sao lưu. Tiếp tục?",
                      abort=True)
    path = sqlite_path(url)
    if path is not None:
        restore_sqlite(source, path)
    else:
        _run_or_print(pg_restore_command(url, source))
    click.echo(f"Đã khôi phục từ {source}.")
