"""The web view on 127.0.0.1 for tests: a web server with its pages over a test database,
login links made as the /web command makes them, signed Mini App initData."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from bot.channels.base import ChannelRegistry
from bot.web import WebServer
from bot.webview.base import Site
from bot.webview.init_data import sign
from bot.webview.routes import routes
from domain.schedule import Calendar
from services import web_access
from storage.db import Database
from storage.people import find_users
from storage.unit_tree import unit_tree

BOT_TOKEN = "123456:TEST-token-for-web-view"


@dataclass
class WebWorld:
    """A running web view and how to get into it."""

    db: Database
    base: str
    site: Site
    wakes: list[bool]  # one entry each time a commit woke the notice sender

    @property
    def woken(self) -> bool:
        """True once the web view woke the notice sender."""
        return bool(self.wakes)

    async def link(self, name: str) -> str:
        """A one-time login URL for the user called `name`."""
        async with self.db.transaction() as session:
            user = (await find_users(session, name))[0]
            token = await web_access.issue_link(session, user, self.site.clock(), 10)
        return f"{self.base}/web/login/{token}"


async def unit_id(db: Database, name: str) -> int:
    """The id of the demo unit called `name` (one of that name in the demo)."""
    async with db.session() as session:
        found = [n.id for n in (await unit_tree(session)).nodes if n.name == name]
    assert len(found) == 1, name
    return found[0]


def init_data(telegram_id: int, token: str = BOT_TOKEN, age: float = 0.0) -> str:
    """Mini App initData as Telegram signs it (a forged one: sign with another token)."""
    fields = {"auth_date": str(int(time.time() - age)), "query_id": "AAH-test",
              "user": json.dumps({"id": telegram_id, "first_name": "Minh"})}
    return urlencode({**fields, "hash": sign(fields, token)})


@contextlib.asynccontextmanager
async def web_world(db: Database, registry: ChannelRegistry | None = None,
                    clock: Callable[[], dt.datetime] | None = None) -> AsyncIterator[WebWorld]:
    """Serve the web view over `db` on a free port of 127.0.0.1."""
    wakes: list[bool] = []
    site = Site(db, Calendar(), bot_token=BOT_TOKEN, registry=registry,
                clock=clock or (lambda: dt.datetime.now(dt.UTC)),
                wake_notices=lambda: wakes.append(True))
    server = WebServer("127.0.0.1", 0)
    server.add_routes(routes(site))
    await server.start()
    try:
        yield WebWorld(db, f"http://127.0.0.1:{server.port}", site, wakes)
    finally:
        await server.stop()
