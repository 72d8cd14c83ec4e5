"""The bot's own web server: Telegram and Zalo webhooks, expiring links to images, and the
web view's pages (bot/webview/).

Tornado, because python-telegram-bot[webhooks] already brings it: no extra dependency,
and one server (one port behind the reverse proxy) serves both platforms and the images.
"""

from __future__ import annotations

import hmac
import json
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

log = logging.getLogger(__name__)
UpdateSink = Callable[[dict[str, Any]], Awaitable[None]]
MAX_BODY = 1024 * 1024
MEDIA_PATH = "/media/"


class MediaStore:
    """Images kept in memory under unguessable keys, each link valid for `ttl` seconds."""

    def __init__(self, public_base_url: str, ttl: float = 3600,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.base = public_base_url.rstrip("/") + MEDIA_PATH
        self.ttl, self.clock = ttl, clock
        self._items: dict[str, tuple[float, bytes]] = {}

    def put(self, data: bytes) -> str:
        """Keep an image; return its public URL."""
        self._expire()
        key = secrets.token_urlsafe(32)
        self._items[key] = (self.clock() + self.ttl, data)
        return self.base + key

    def get(self, key: str) -> bytes | None:
        """The image behind a key, or None when unknown or expired."""
        self._expire()
        item = self._items.get(key)
        return item[1] if item else None

    def _expire(self) -> None:
        now = self.clock()
        for key in [k for k, (until, _) in self._items.items() if until <= now]:
            del self._items[key]


class WebhookHandler(RequestHandler):
    """Checks the platform's secret header in constant time, then hands the update on."""

    def initialize(self, header: str, secret: str, sink: UpdateSink) -> None:
        """Tornado's per-route setup."""
        self.header, self.secret, self.sink = header, secret, sink

    async def post(self) -> None:
        """One update from the platform."""
        given = self.request.headers.get(self.header, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            log.warning("webhook refused path=%s reason=bad_secret", self.request.path)
            self.set_status(403)
            return
        try:
            update = json.loads(self.request.body, parse_constant=_not_json)
        except (ValueError, RecursionError):  # garbage, or nesting deep enough to blow the stack
            self.set_status(400)
            return
        if not isinstance(update, dict):
            self.set_status(400)
            return
        try:
            await self.sink(update)  # stored before the 200 (bot/channels/intake.py)
        except ValueError as error:  # malformed update: say so, keep serving
            log.warning("webhook update refused path=%s error=%s", self.request.path,
                        type(error).__name__)
            self.set_status(400)
            return
        except Exception as error:  # not stored (the database is down): the platform retries
            log.error("webhook update not stored path=%s error=%s", self.request.path,
                      type(error).__name__)
            self.set_status(503)
            return
        self.write({"ok": True})


def _not_json(constant: str) -> Any:
    """NaN and Infinity: Python reads them, JSON (and PostgreSQL) does not."""
    raise ValueError(f"not JSON: {constant}")


class MediaHandler(RequestHandler):
    """Serves an image while its link is valid."""

    def initialize(self, store: MediaStore) -> None:
        """Tornado's per-route setup."""
        self.store = store

    def get(self, key: str) -> None:
        """The image bytes, or 404."""
        data = self.store.get(key)
        if data is None:
            self.set_status(404)
            return
        self.set_header("Content-Type", image_type(data))
        self.set_header("Cache-Control", "private, max-age=300")
        self.write(data)


class HealthHandler(RequestHandler):
    """For the reverse proxy and systemd checks."""

    def get(self) -> None:
        """Always ok while the process serves."""
        self.write({"ok": True})


def image_type(data: bytes) -> str:
    """PNG or JPEG by magic bytes (charts are PNG)."""
    return "image/jpeg" if data[:3] == b"\xff\xd8\xff" else "image/png"


class WebServer:
    """Collects routes from the channels, then listens on one address."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.routes: list[Any] = [(r"/healthz", HealthHandler)]
        self._server: HTTPServer | None = None

    def add_webhook(self, path: str, header: str, secret: str, sink: UpdateSink) -> None:
        """Route POSTs on `path` to `sink` when they carry `header: secret`."""
        self.routes.append((path, WebhookHandler, {"header": header, "secret": secret,
                                                   "sink": sink}))

    def add_routes(self, routes: list[Any]) -> None:
        """More routes (the web view's pages, bot/webview/routes.py)."""
        self.routes.extend(routes)

    def add_media(self, store: MediaStore) -> None:
        """Serve the store's images under /media/<key>."""
        self.routes.append((MEDIA_PATH + r"([A-Za-z0-9_\-]+)", MediaHandler, {"store": store}))

    async def start(self) -> None:
        """Listen; port 0 picks a free port (tests), stored back in `port`."""
        self._server = HTTPServer(Application(self.routes), max_body_size=MAX_BODY)
        sockets = bind_sockets(self.port, self.host)
        self._server.add_sockets(sockets)
        self.port = sockets[0].getsockname()[1]
        log.info("web server listening host=%s port=%d", self.host, self.port)

    async def stop(self) -> None:
        """Stop listening and close connections."""
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
