"""`giamngheo web sessions|revoke`: the web view's live sessions, and ending them."""

from __future__ import annotations

import asyncio

import click

from bot.app import build
from services import web_access
from storage.audit import now
from storage.people import find_users


@click.group()
def web() -> None:
    """The web view's browser sessions (opened by /web links or the Telegram Mini App)."""


@web.command()
def sessions() -> None:
    """List live sessions: who, how opened, since and until when (UTC)."""
    click.echo(asyncio.run(_sessions()))


@web.command()
@click.option("--user", "name", help="Revoke every session of this user (name or login).")
@click.option("--all", "everyone", is_flag=True, help="Revoke every live session.")
def revoke(name: str | None, everyone: bool) -> None:
    """End sessions at once: the browser must log in again with a new /web link."""
    if bool(name) == everyone:
        raise click.UsageError("Cần đúng một trong --user TÊN hoặc --all.")
    click.echo(asyncio.run(_revoke(name)))


async def _sessions() -> str:
    app = await build()
    try:
        async with app.db.session() as session:
            rows = await web_access.live_sessions(session, now())
    finally:
        await app.close()
    lines = [f"{user.login}\t{user.name}\t{row.via}\t{row.created_at:%Y-%m-%d %H:%M}"
             f"\t{row.expires_at:%Y-%m-%d %H:%M}" for row, user in rows]
    return "\n".join(["đăng nhập\ttên\tqua\ttừ\tđến", *lines]) if lines \
        else "Không có phiên nào đang mở."


async def _revoke(name: str | None) -> str:
    app = await build()
    try:
        async with app.db.transaction() as session:
            user_id = None
            if name:
                users = await find_users(session, name)
                if len(users) != 1:
                    raise click.ClickException(f'"{name}": {len(users)} người khớp; '
                                               "dùng tên đăng nhập (giamngheo users).")
                user_id = users[0].id
            count = await web_access.revoke(session, now(), user_id=user_id)
    finally:
        await app.close()
    return f"Đã thu hồi {count} phiên."
