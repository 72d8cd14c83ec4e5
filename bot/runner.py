"""Run every channel whose token is set (Telegram, Zalo) in one process, with the scheduler."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import inspect
import logging
import secrets
import signal
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from bot import logs
from bot.app import App, build
from bot.channels import startup, telegram, zalo
from bot.channels.base import Channel, ChannelRegistry
from bot.channels.intake import Intake, bot_id
from bot.channels.zalo_api import ZaloApi
from bot.notice_sender import NoticeSender
from bot.settings import BadSetting, Settings, check_webhook_secrets, secure_cookie
from bot.web import MediaStore, WebServer
from bot.webview.base import Site
from bot.webview.routes import routes
from messaging.failures import Safe

log = logging.getLogger(__name__)
SCHEDULER_MODULES = ("scheduler", "bot.scheduler")


@dataclass
class Running:
    """What `serve` started: the registry of channels, and the web server if any."""

    registry: ChannelRegistry
    web: WebServer | None = None
    media: MediaStore | None = None
    scheduler: Any = field(default=None, repr=False)
    made: list[Channel] = field(default_factory=list)  # running or being retried
    notices: NoticeSender | None = None
    retries: list[asyncio.Task[None]] = field(default_factory=list, repr=False)


class NoChannel(RuntimeError):
    """No channel could start: nothing for the process to do."""


async def run_channels(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """`giamngheo run`: serve until SIGINT/SIGTERM (or `stop` is set)."""
    logs.configure(
        settings.log_level, [settings.telegram_bot_token or "", settings.zalo_bot_token or ""]
    )
    try:
        check_webhook_secrets(settings)
    except BadSetting as problem:
        log.error("bad setting: %s", Safe(str(problem)))
        raise SystemExit(str(problem)) from None
    stop = stop or _stop_on_signals()
    app = await build(settings)
    try:
        async with serve(app):
            await stop.wait()
    except NoChannel:
        log.error("no channel could start; exiting")
        raise SystemExit(1) from None
    except Exception:  # logged through the masking formatter, not printed raw with the token
        log.exception("channels failed; exiting")
        raise SystemExit(1) from None
    finally:
        await app.close()
    log.info("stopped")


@contextlib.asynccontextmanager
async def serve(app: App, with_scheduler: bool = True,
                receive: bool = True) -> AsyncIterator[Running]:
    """Start the web server, the channels and the scheduler; stop them all on exit.

    `receive=False`: channels that only send (no web server, no polling, webhooks untouched),
    for commands run beside the bot.
    """
    settings = app.settings
    running = Running(ChannelRegistry())
    hooks = settings.telegram_webhook_url or settings.zalo_webhook_url or settings.public_base_url
    if receive and hooks:
        running.web = WebServer(settings.web_listen, settings.web_port)
    if settings.public_base_url and running.web is not None:
        running.media = MediaStore(settings.public_base_url)
        running.web.add_media(running.media)
        running.web.add_routes(web_pages(app, running.registry))
    running.made = make_channels(app, running)
    try:
        if running.web is not None:
            await running.web.start()
        await start_channels(running, receive)
        if receive:  # a bot that answers sends the notices its answers queue
            running.notices = NoticeSender(app, running.registry)
            app.dispatcher.on_notices = running.notices.wake
            running.notices.start()
        if with_scheduler:
            running.scheduler = await start_scheduler(app, running.registry)
        yield running
    finally:
        await _stop_all(running)


def web_pages(app: App, registry: ChannelRegistry) -> list[Any]:
    """The web view (issue 16), served next to the webhooks on the same port."""
    settings = app.settings
    site = Site(app.db, app.dispatcher.cal, settings.web_session_hours, secure_cookie(settings),
                settings.telegram_bot_token, settings.telegram_init_data_max_age, registry,
                app.dispatcher.clock, wake_notices=lambda: _wake(app))
    return routes(site)


def _wake(app: App) -> None:
    """Wake the notice sender the bot started (none in a process that only sends)."""
    if app.dispatcher.on_notices is not None:
        app.dispatcher.on_notices()


async def start_channels(running: Running, receive: bool) -> None:
    """Start every channel on its own: one that fails is logged and retried in the
    background while the others run; NoChannel when none started."""
    for channel in running.made:
        if await _start(running, channel, receive):
            continue
        running.retries.append(asyncio.create_task(
            _start_later(running, channel, receive), name=f"start-{channel.name}"))
    if running.made and not running.registry.channels:
        raise NoChannel(", ".join(c.name for c in running.made))


async def _start(running: Running, channel: Channel, receive: bool) -> bool:
    try:
        await channel.start(receive)
    except Exception as error:  # by type only: a message may carry a URL with the token
        log.error("channel failed to start channel=%s error=%s description=%s", channel.name,
                  type(error).__name__, startup.describe(error))
        return False
    running.registry.add(channel)
    return True


async def _start_later(running: Running, channel: Channel, receive: bool,
                       max_wait: float = 300.0) -> None:
    """Keep trying to start a channel that failed at start-up (the others run meanwhile)."""
    wait = 5 * startup.WAIT
    while True:
        await asyncio.sleep(wait)
        if await _start(running, channel, receive):
            log.info("channel started after all channel=%s", channel.name)
            return
        wait = min(wait * 2, max_wait)


def make_channels(app: App, running: Running) -> list[Channel]:
    """One channel per token set; webhook routes added to the web server."""
    settings, channels = app.settings, list[Channel]()
    check_webhook_secrets(settings)
    if settings.telegram_bot_token:
        hook = _webhook(settings.telegram_webhook_url, settings.telegram_webhook_secret)
        application = telegram.build_application(
            settings.telegram_bot_token, settings.telegram_api_base_url
        )
        tg = telegram.TelegramChannel(application, app.dispatcher, running.registry, hook,
                                      intake=make_intake(app, telegram.CHANNEL,
                                                         settings.telegram_bot_token))
        _route(running, hook, telegram.SECRET_HEADER, tg.receive)
        channels.append(tg)
    if settings.zalo_bot_token:
        hook = _webhook(settings.zalo_webhook_url, settings.zalo_webhook_secret)
        api = ZaloApi(settings.zalo_bot_token, settings.zalo_api_base_url)
        za = zalo.ZaloChannel(api, app.dispatcher, running.registry, running.media, hook,
                              intake=make_intake(app, zalo.CHANNEL, settings.zalo_bot_token))
        _route(running, hook, zalo.SECRET_HEADER, za.receive)
        channels.append(za)
    return channels


def make_intake(app: App, channel: str, token: str) -> Intake:
    """The channel's durable intake (bot/channels/intake.py), with the settings' window."""
    settings = app.settings
    return Intake(app.db, channel, bot_id(token), settings.intake_window_hours,
                  settings.intake_lease_seconds)


def _webhook(url: str | None, secret: str | None) -> tuple[str, str] | None:
    return (url, secret or secrets.token_urlsafe(32)) if url else None


def _route(running: Running, hook: tuple[str, str] | None, header: str, sink: Any) -> None:
    if hook is not None and running.web is not None:
        running.web.add_webhook(urlparse(hook[0]).path or "/", header, hook[1], sink)


async def start_scheduler(app: App, registry: ChannelRegistry) -> Any:
    """Plug-in point: calls `scheduler.start(app, registry)` when that module exists.

    Whatever it returns is kept; if it has `shutdown()` (APScheduler does) it is called
    on stop.
    """
    for name in SCHEDULER_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
            continue
        result = module.start(app, registry)
        return await result if inspect.isawaitable(result) else result
    log.info("scheduler not installed: no reminders or digests")
    return None


async def _stop_all(running: Running) -> None:
    for task in running.retries:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    if running.notices is not None:
        await running.notices.stop()
    shutdown = getattr(running.scheduler, "shutdown", None)
    if callable(shutdown):
        result = shutdown()
        if inspect.isawaitable(result):
            await result
    for channel in reversed(running.made):  # a channel that never started releases its client
        try:
            await channel.stop()
        except Exception as error:  # stop the others anyway
            log.error("stop failed channel=%s error=%s", channel.name, type(error).__name__)
    if running.web is not None:
        await running.web.stop()


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop
