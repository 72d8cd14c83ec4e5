"""`giamngheo digest preview|send` and `giamngheo schedule list`: the proactive side by hand."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import App, build
from bot.channels.console import render_reply
from bot.cli_admin import EVERYTHING
from bot.reporting_calendar import calendar_of
from domain.periods import Period, parse_period
from domain.schedule import DIGESTS, Calendar, PlannedSend, SendKind, planned_sends, upcoming_sends
from messaging.messages import Reply
from messaging.render import render
from scheduler import send_period
from services.deliveries import compose
from services.digests import Occasion
from services.lookup import best_units
from services.recipients import Recipient, chat_for, planned_villages, recipients
from storage import ledger
from storage.idlists import among
from storage.models import UnitPlan
from storage.people import find_users
from storage.unit_tree import UnitNode, unit_tree

KINDS = click.Choice([kind.value for kind in SendKind])


class PrintChannel:
    """The console channel of a CLI run: messages to console accounts are printed here."""

    name = "console"

    async def send(self, chat_id: str, reply: Reply) -> None:
        """Print the message with its address."""
        click.echo(f"[gửi tới console:{chat_id}]\n{render_reply(reply)}\n")

    async def start(self, receive: bool = True) -> None:
        """Nothing to start."""

    async def stop(self) -> None:
        """Nothing to stop."""


@click.group()
def digest() -> None:
    """Reminders and digests of a period: preview them, or send them now."""


@digest.command()
@click.option("--unit", "unit_name", required=True, help="Commune or village, e.g. 'Cẩm Bình'.")
@click.option("--period", "period_text", required=True, help="2024-Q3, 2024-H1, 2024-09, 2024.")
@click.option("--as", "as_name", help="Only what this user would receive.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Write chart PNGs and XLSX workbooks into this folder.")
@click.option("--kind", "kinds", multiple=True, type=KINDS, help="Only these kinds of send.")
def preview(unit_name: str, period_text: str, as_name: str | None, out: Path | None,
            kinds: tuple[str, ...]) -> None:
    """Print exactly what would be sent about a unit for a period (nothing is sent)."""
    asyncio.run(_with_app(_preview, unit_name, _period(period_text), as_name, out, kinds))


@digest.command()
@click.option("--period", "period_text", required=True, help="2024-Q3, 2024-H1, 2024.")
@click.option("--kind", "kinds", multiple=True, type=KINDS,
              help="Kinds to send (default: the officer and leader digests).")
def send(period_text: str, kinds: tuple[str, ...]) -> None:
    """Send a period's digests now, through the ledger (what was sent is not sent again).

    Sends through the channels whose tokens are set without receiving (safe beside a running
    bot: no second poller, its webhook untouched); console accounts are printed here.
    """
    asyncio.run(_with_app(_send, _period(period_text), kinds))


@click.group()
def schedule() -> None:
    """The calendar of reminders and digests."""


@schedule.command("list")
@click.option("--at", "at_text", help="Look from this date (YYYY-MM-DD) instead of today.")
@click.option("--days", default=120, show_default=True, help="How far ahead to look.")
def list_command(at_text: str | None, days: int) -> None:
    """Upcoming sends with their times, recipients and what the ledger holds."""
    asyncio.run(_with_app(_list, at_text, days))


def _period(text: str) -> Period:
    try:
        return parse_period(text)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--period") from error


async def _with_app(work: Callable[..., Awaitable[None]], *args: object) -> None:
    app = await build()
    try:
        await work(app, *args)
    finally:
        await app.close()


async def _preview(app: App, unit_name: str, period: Period, as_name: str | None,
                   out: Path | None, kinds: tuple[str, ...]) -> None:
    cal = calendar_of(app.settings)
    async with app.db.reading() as session:
        tree = await unit_tree(session)
        found = best_units(unit_name, tree, EVERYTHING)
        if not found:
            raise click.ClickException(f'Không tìm thấy đơn vị "{unit_name}".')
        within = tree.descendants([found[0].id]) | tree.ancestors(found[0].id)
        only = {u.id for u in await find_users(session, as_name)} if as_name else None
        shown = 0
        for send in _sends_of(period, cal, kinds):
            for recipient in await recipients(session, send.kind, period.year, within):
                if only is None or recipient.user.id in only:
                    replies = await compose(session, Occasion(send, cal, send.due), recipient)
                    if send.kind is SendKind.WATCH and not replies:
                        continue  # every village head gets one only with households on watch
                    chat = await chat_for(session, recipient.user.id, ["telegram", "zalo"])
                    _show(send, recipient, replies, chat is not None, out, cal.timezone)
                    shown += send.kind is not SendKind.WATCH  # asked with or without a plan
        if not shown:
            raise click.ClickException(await _why_nothing(session, found[0], period, as_name))


async def _why_nothing(session: AsyncSession, unit: UnitNode, period: Period,
                       as_name: str | None) -> str:
    """Why a preview has nothing to show: no plan for the year, or nobody to send to."""
    tree = await unit_tree(session)
    villages = set(tree.under(unit.id, "village"))
    if villages & await planned_villages(session, period.year):
        who = f' cho "{as_name}"' if as_name else ""
        return (f"{unit.name}, {period.key}: không có tin nào gửi{who} (chưa có người nhận "
                "phụ trách đơn vị này: giamngheo users, giamngheo invite).")
    latest = await session.scalar(select(func.max(UnitPlan.year)).where(
        among(UnitPlan.unit_id, villages)))
    had = f"kế hoạch mới nhất đã nhập là năm {latest}" if latest else "chưa nhập kế hoạch nào"
    return (f"{unit.name} chưa có kế hoạch năm {period.year} ({had}): không nhắc báo cáo, "
            f"không gửi tổng hợp {period.key}. Tạo tệp kế hoạch từ số đã xác nhận: giamngheo "
            f'plan next-year --unit "{unit.name}" --year {period.year}, điền chỉ tiêu rồi '
            "giamngheo import TỆP.")


def _sends_of(period: Period, cal: Calendar, kinds: tuple[str, ...]) -> list[PlannedSend]:
    sends = [s for s in planned_sends(period.year, cal) if s.period == period]
    if not any(s.kind in DIGESTS for s in sends):  # e.g. 2024-Q2: digests go out as 2024-H1
        end = period.end(cal.cutoff_day)
        due = cal.at(end + dt.timedelta(days=cal.digest_delay_days))
        sends += [PlannedSend(kind, period, due, due + dt.timedelta(days=1), end)
                  for kind in DIGESTS]
    return [s for s in sends if not kinds or s.kind.value in kinds]


def _show(send: PlannedSend, recipient: Recipient, replies: list[Reply] | None, linked: bool,
          out: Path | None, timezone: str) -> None:
    user = recipient.user
    when = send.due.astimezone(ZoneInfo(timezone)).strftime("%d/%m/%Y %H:%M")
    kind = render("digest_labels", key=f"kind.{send.kind.value}")
    note = "" if linked else "  [chưa liên kết Telegram/Zalo: sẽ không gửi]"
    name = f"{user.title} {user.name}" if user.title else user.name
    click.echo(f"=== {kind} · {send.period.key} · {when} → {name} ({user.role}){note}")
    if not replies:
        click.echo("(không gửi: không có gì cần nhắc)\n")
    for reply in replies or []:
        click.echo(render_reply(reply))
        _write_attachments(reply, out)
        click.echo("")


def _write_attachments(reply: Reply, out: Path | None) -> None:
    if out is None or (reply.image is None and reply.document is None):
        return
    out.mkdir(parents=True, exist_ok=True)
    if reply.document is not None:
        name, content = reply.document
        (out / name).write_bytes(content)
        click.echo(f"  -> {out / name}")
    if reply.image is not None:
        stem = reply.document[0].rsplit(".", 1)[0] if reply.document else "bieu-do"
        (out / f"{stem}.png").write_bytes(reply.image)
        click.echo(f"  -> {out / f'{stem}.png'}")


async def _send(app: App, period: Period, kinds: tuple[str, ...]) -> None:
    from bot.runner import serve

    wanted = [SendKind(k) for k in kinds] or list(DIGESTS)
    async with serve(app, with_scheduler=False, receive=False) as running:
        running.registry.add(PrintChannel())
        run = await send_period(app, running.registry, period, kinds=wanted)
    for kind, key, user_id, result in run.log:
        click.echo(f"{kind:<16} {key:<8} người dùng #{user_id:<5} {result}")
    summary = ", ".join(f"{result}: {count}" for result, count in sorted(run.results.items()))
    nothing = "không có gì cần gửi (đã gửi hết, hoặc người nhận chưa liên kết chat)"
    click.echo(f"Kết quả: {summary or nothing}")


async def _list(app: App, at_text: str | None, days: int) -> None:
    cal = calendar_of(app.settings)
    zone = ZoneInfo(cal.timezone)
    now = (dt.datetime.combine(dt.date.fromisoformat(at_text), dt.time(), zone)
           if at_text else dt.datetime.now(zone)).astimezone(dt.UTC)
    async with app.db.reading() as session:
        planned: dict[int, bool] = {}
        for send in upcoming_sends(now, days, cal):
            year = send.period.year
            if year not in planned:
                planned[year] = bool(await planned_villages(session, year))
            people = await recipients(session, send.kind, year)
            rows = await ledger.rows_for(session, send.kind.value, send.period.key)
            states = Counter(rows[p.user.id].state for p in people if p.user.id in rows)
            when = send.due.astimezone(zone).strftime("%d/%m/%Y %H:%M")
            kind = render("digest_labels", key=f"kind.{send.kind.value}")
            overdue = "  (đến hạn, gửi bù nếu chưa gửi)" if send.due <= now else ""
            ledger_text = ", ".join(f"{s}: {n}" for s, n in sorted(states.items()))
            why = "" if people or send.kind is SendKind.PLAN_MISSING or planned[year] \
                else f" (chưa nhập kế hoạch năm {year}: không gửi)"
            click.echo(f"{when}  {kind:<26} {send.period.key:<8} {len(people):>3} người nhận"
                       f"{why}{'; ' + ledger_text if ledger_text else ''}{overdue}")
