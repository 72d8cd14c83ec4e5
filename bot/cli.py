"""The `giamngheo` command: migrate, import, demo-data, chat, run, invite, audit, users."""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import click

from bot import logs
from bot.app import UnknownUser, build, console_identity
from bot.channels.console import ConsoleChat
from bot.cli_admin import make_invite, print_audit, print_users
from bot.notice_sender import NoticeSender
from bot.settings import Settings
from services.demo import has_plans, load_demo
from services.plan_import import ImportResult, import_plan

WHAT = {
    "unit": "đơn vị",
    "plan": "kế hoạch",
    "household": "hộ",
    "registration": "đăng ký thoát",
    "user": "người dùng",
}


def _run(work: Callable[..., Coroutine[Any, Any, Any]], *args: Any) -> Any:
    return asyncio.run(work(*args))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Chatbot giảm nghèo: trưởng thôn báo cáo, cán bộ xác nhận, lãnh đạo hỏi tình hình."""
    logs.for_commands()


@main.command()
def migrate() -> None:
    """Apply database migrations (also done automatically on start)."""

    async def work() -> None:
        app = await build()
        await app.close()

    _run(work)
    click.echo("Cơ sở dữ liệu đã cập nhật.")


@main.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def import_command(files: tuple[Path, ...]) -> None:
    """Import plan files (CSV or XLSX; format in data/FORMAT.md). All rows or nothing."""

    async def work() -> list[ImportResult]:
        app = await build()
        try:
            return [await import_plan(app.db, path) for path in files]
        finally:
            await app.close()

    results = _run(work)
    for result in results:
        _print_result(result)
    if any(not r.ok for r in results):
        sys.exit(1)


def _print_result(result: ImportResult) -> None:
    for problem in result.errors:
        click.echo(f"LỖI {problem}", err=True)
    for problem in result.warnings:
        click.echo(f"CẢNH BÁO {problem}")
    if not result.ok:
        click.echo(f"{result.file}: không nhập gì ({len(result.errors)} lỗi).", err=True)
        return
    if not result.rows:
        click.echo(f"{result.file}: không nhập gì (không có dòng số liệu).")
        return
    if not result.changed:
        click.echo(f"{result.file}: không có gì thay đổi.")
        return
    parts = [f"thêm {v} {WHAT[k]}" for k, v in sorted(result.created.items())]
    parts += [f"sửa {v} {WHAT[k]}" for k, v in sorted(result.updated.items())]
    click.echo(f"{result.file}: đã nhập ({', '.join(parts)}).")


@main.command("demo-data")
def demo_data() -> None:
    """Load the demo plans of Cẩm Bình, Hồng Thượng and Cam Phúc Nam (idempotent)."""

    async def work() -> list[ImportResult]:
        app = await build()
        try:
            return await load_demo(app.db, history=True)
        finally:
            await app.close()

    results = _run(work)
    if all(r.ok and not r.changed for r in results):  # its warnings were shown the first time
        click.echo(f"Dữ liệu mẫu đã nạp từ trước ({len(results)} tệp): không có gì thay đổi.")
        return
    for result in results:
        _print_result(result)


@main.command()
@click.option("--as", "as_name", default=None, help="Chat as this user (name or login).")
def chat(as_name: str | None) -> None:
    """Console chat with the bot; one message per line when input is piped."""
    _run(_console, as_name)


async def _console(as_name: str | None) -> None:
    app = await build()
    try:
        external_id = "guest"
        if as_name:
            try:
                external_id = await console_identity(app.db, as_name)
            except UnknownUser as error:
                raise click.ClickException(str(error)) from error
        console = ConsoleChat(app.dispatcher, external_id)
        console.send_notices = NoticeSender(app, console).send_now
        await console.run()
    finally:
        await app.close()


@main.command()
@click.option(
    "--as",
    "as_name",
    default="admin",
    show_default=True,
    help="Console user when no bot token is set.",
)
def run(as_name: str) -> None:
    """Run every channel whose token is set; without tokens, the console chat on demo data."""
    from bot.runner import run_channels  # imports telegram: only when a channel will run

    settings = Settings()
    if settings.telegram_bot_token or settings.zalo_bot_token:
        _run(run_channels, settings)
        return
    click.echo("Chưa đặt TELEGRAM_BOT_TOKEN hay ZALO_BOT_TOKEN: mở chat trên console.")
    _run(_demo_console, as_name)


async def _demo_console(as_name: str) -> None:
    app = await build()
    try:
        if not await has_plans(app.db):
            click.echo(
                "Cơ sở dữ liệu trống: nạp dữ liệu mẫu (Cẩm Bình, Hồng Thượng, Cam Phúc Nam)."
            )
            await load_demo(app.db, history=True)
    finally:
        await app.close()
    click.echo(f'Đang chat với tư cách "{as_name}". Thử: Thôn Chợ thế nào?  (/exit để thoát)')
    await _console(as_name)


@main.command()
@click.argument("name", required=False)
@click.option(
    "--role",
    type=click.Choice(
        ["village_head", "officer", "commune_leader", "district_officer", "province_officer"]
    ),
)
@click.option("--unit", "unit_name", help="Unit the new user's role covers.")
@click.option("--hours", default=72, show_default=True, help="Hours before the code expires.")
def invite(name: str | None, role: str | None, unit_name: str | None, hours: int) -> None:
    """Print a one-time code: for an existing user NAME, or a new user --role --unit."""
    code = _run(make_invite, name, role, unit_name, dt.timedelta(hours=hours))
    click.echo(code)


@main.command()
@click.option("--household", help="Household head's name.")
@click.option("--village", help="Village name.")
def audit(household: str | None, village: str | None) -> None:
    """List the audit trail of a household or a village."""
    if not household and not village:
        raise click.UsageError("Cần --household hoặc --village.")
    _run(print_audit, household, village)


@main.command()
def users() -> None:
    """List users, their roles and logins."""
    _run(print_users)


from bot.cli_digest import digest, schedule  # noqa: E402  (issue 5: digests and schedule)

main.add_command(digest)
main.add_command(schedule)

from bot.cli_backup import backup, restore  # noqa: E402  (issue 6: backup and restore)

main.add_command(backup)
main.add_command(restore)

from bot.cli_period import period  # noqa: E402  (issue 13: closing a period)

main.add_command(period)

from bot.cli_plan import plan  # noqa: E402  (issue 13: next year's plan file)

main.add_command(plan)

from bot.cli_web import web  # noqa: E402  (issue 16: the web view's sessions)

main.add_command(web)
