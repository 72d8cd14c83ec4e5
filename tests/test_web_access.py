"""Getting into the web view: /web links (single use, expiring, stored hashed), sessions
(cookie flags, expiry, revocation), Mini App initData (valid, forged, stale), CSRF."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
from sqlalchemy import select

from bot.webview.init_data import telegram_user_id
from handlers.context import WebLinks
from handlers.router import Dispatcher
from services import web_access
from storage.db import Database
from storage.models import WebLogin, WebSession
from storage.people import find_users
from tests.helpers import Chat, FixedClock, login
from tests.web_world import BOT_TOKEN, init_data, web_world

LINK = re.compile(r"https?://\S+/web/login/\S+")


async def test_web_command_answers_a_single_use_link(demo_db: Database, clock: FixedClock) -> None:
    """/web answers a link; opening it shows a button (a link preview spends nothing); the
    button logs in once; a second use is refused; the database holds only its hash."""
    dispatcher = Dispatcher(demo_db, clock=clock, web=WebLinks("http://127.0.0.1:1", 10))
    head = Chat(dispatcher, await login(demo_db, "Bùi Thị Minh"))
    await head.say("/web")
    assert "dùng một lần, hết hạn sau 10 phút" in head.text
    path = LINK.search(head.text).group(0).split("/web/login/")[1]  # type: ignore[union-attr]
    async with web_world(demo_db, clock=clock) as world, httpx.AsyncClient() as client:
        url = f"{world.base}/web/login/{path}"
        assert (await client.get(url)).status_code == 200
        assert (await client.get(url)).status_code == 200  # a preview did not spend it
        first = await client.post(url)
        assert first.status_code == 303 and first.headers["location"] == "/web/"
        cookie = first.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/web" in cookie
        assert "Secure" not in cookie  # plain HTTP here; Secure behind HTTPS (next test)
        assert (await client.get(f"{world.base}/web/")).status_code in (200, 302)
        again = await httpx.AsyncClient().post(url)
        assert again.status_code == 410 and "đã dùng hoặc đã hết hạn" in again.text
    async with demo_db.session() as session:
        stored = (await session.scalars(select(WebLogin.token_hash))).all()
    assert path not in stored and web_access.digest(path) in stored


async def test_link_expires_and_sessions_expire_or_are_revoked(demo_db: Database,
                                                               clock: FixedClock) -> None:
    """A link unused for its minutes is dead; a session ends after its hours or revoked."""
    async with web_world(demo_db, clock=clock) as world:
        world.site.secure = True
        stale = await world.link("Đỗ Thị Nga")
        clock.advance(minutes=11)
        async with httpx.AsyncClient() as client:
            assert (await client.post(stale)).status_code == 410
        fresh = await world.link("Đỗ Thị Nga")
        async with httpx.AsyncClient() as client:
            opened = await client.post(fresh)
            assert "Secure" in opened.headers["set-cookie"]
            token = opened.cookies["gn_session"]
        headers = {"Cookie": f"gn_session={token}"}
        async with httpx.AsyncClient(base_url=world.base, headers=headers) as client:
            assert (await client.get("/web/pending")).status_code == 200
            clock.advance(hours=13)
            assert (await client.get("/web/pending")).status_code == 401
        again = await world.link("Đỗ Thị Nga")
        async with httpx.AsyncClient() as client:
            token = (await client.post(again)).cookies["gn_session"]
        async with demo_db.transaction() as session:
            assert await web_access.revoke(session, clock()) == 1  # the expired one is not live
        async with httpx.AsyncClient(base_url=world.base,
                                     headers={"Cookie": f"gn_session={token}"}) as client:
            page = await client.get("/web/pending")
            assert page.status_code == 401 and "/web" in page.text


async def test_no_page_without_a_session(demo_db: Database) -> None:
    """Every page and download refuses without a session; a made-up cookie is no session."""
    async with web_world(demo_db) as world, httpx.AsyncClient(base_url=world.base) as client:
        for path in ("/web/", "/web/unit/1", "/web/village/14", "/web/pending",
                     "/web/downloads", "/web/download/2/2024-Q3.xlsx", "/web/audit?village=14"):
            assert (await client.get(path)).status_code == 401, path
            forged = await client.get(path, headers={"Cookie": "gn_session=made-up-value"})
            assert forged.status_code == 401, path


async def test_post_without_csrf_token_is_refused(demo_db: Database) -> None:
    """A POST carrying the session cookie but not the form's token changes nothing."""
    async with web_world(demo_db) as world, httpx.AsyncClient(base_url=world.base) as client:
        await client.post(await world.link("Đỗ Thị Nga"))
        refused = await client.post("/web/logout", data={"csrf": "0" * 32})
        assert refused.status_code == 403
        assert (await client.get("/web/pending")).status_code == 200  # still logged in
        page = (await client.get("/web/pending")).text
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)  # type: ignore[union-attr]
        assert (await client.post("/web/logout", data={"csrf": csrf})).status_code == 200
        assert (await client.get("/web/pending")).status_code == 401


async def test_mini_app_init_data(demo_db: Database) -> None:
    """Valid initData of a linked Telegram account opens its user's session; forged, stale
    and unlinked ones do not."""
    await login(demo_db, "Bùi Thị Minh", user_id="777001", channel="telegram")
    async with web_world(demo_db) as world:
        cases = {"valid": (init_data(777001), 303), "forged": (init_data(777001, "1:other"), 403),
                 "stale": (init_data(777001, age=3600), 403),
                 "unlinked": (init_data(999999), 403), "garbage": ("user=%7B&hash=00", 403)}
        for name, (data, status) in cases.items():
            async with httpx.AsyncClient(base_url=world.base) as client:
                answer = await client.post("/web/app", data={"init_data": data})
                assert answer.status_code == status, name
                if status == 303:
                    assert (await client.get("/web/")).headers["location"] == "/web/unit/14"
    async with demo_db.session() as session:
        assert [s.via for s in (await session.scalars(select(WebSession))).all()] == ["telegram"]


def test_init_data_rules() -> None:
    """Telegram's scheme: the signature covers every field; auth_date is bounded by a setting."""
    data = init_data(5)
    assert telegram_user_id(data, BOT_TOKEN, time.time(), 600) == 5
    assert telegram_user_id(data.replace("Minh", "Nam"), BOT_TOKEN, time.time(), 600) is None
    assert telegram_user_id(data, BOT_TOKEN, time.time() + 601, 600) is None
    assert telegram_user_id(data + "&extra=1", BOT_TOKEN, time.time(), 600) is None
    assert telegram_user_id("", BOT_TOKEN, time.time(), 600) is None


def test_cli_lists_and_revokes_sessions(tmp_path: Path) -> None:
    """giamngheo web sessions lists who is logged in; web revoke --user ends their sessions."""
    env = os.environ | {"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}

    def cli(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "bot", *args], env=env, text=True,
                              capture_output=True, timeout=120, cwd=tmp_path, check=True)
        return done.stdout

    cli("demo-data")

    async def open_one() -> None:
        db = Database(env["DATABASE_URL"])
        async with db.transaction() as session:
            user = (await find_users(session, "Đỗ Thị Nga"))[0]
            web_access.open_session(session, user, web_access.LINK, dt.datetime.now(dt.UTC), 12)
        await db.dispose()

    asyncio.run(open_one())
    assert "Đỗ Thị Nga\tlink" in cli("web", "sessions")
    assert "Đã thu hồi 1 phiên." in cli("web", "revoke", "--user", "Đỗ Thị Nga")
    assert "Không có phiên nào đang mở." in cli("web", "sessions")


async def test_telegram_gets_a_mini_app_button(demo_db: Database, clock: FixedClock) -> None:
    """On Telegram the link comes with a button opening the page as a Mini App (web_app);
    other channels get the link alone."""
    from bot.channels.telegram import keyboard

    dispatcher = Dispatcher(demo_db, clock=clock, web=WebLinks("https://bot.example.vn", 10, True))
    on_telegram = Chat(dispatcher, await login(demo_db, "Đỗ Thị Nga", channel="telegram"),
                       channel="telegram")
    on_zalo = Chat(dispatcher, await login(demo_db, "Đỗ Thị Nga", channel="zalo"), channel="zalo")
    [reply] = await on_telegram.say("/web")
    [[button]] = keyboard(reply).inline_keyboard  # type: ignore[union-attr]
    assert button.text == "Mở trang web" and button.web_app.url == "https://bot.example.vn/web/app"
    [plain] = await on_zalo.say("/web")
    assert plain.web_app is None and "https://bot.example.vn/web/login/" in plain.text
