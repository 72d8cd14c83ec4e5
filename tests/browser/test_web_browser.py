"""The web view in a real browser: log in by link and by Mini App initData (valid and
forged), read the overview, filter a village, confirm a report, download an XLSX, and a
village head refused another village's page and download by URL guessing.

Selenium's calls block: they run in a thread while the web server answers on the loop.
SQLite only (the pages' PostgreSQL runs are in tests/test_web_pages.py).
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest

from handlers.router import Dispatcher
from storage.db import Database
from tests.helpers import Chat, login
from tests.web_world import init_data, unit_id, web_world

T = TypeVar("T")
SQLITE = pytest.mark.parametrize("demo_db", ["sqlite"], indirect=True)


async def run(work: Callable[..., T], *args: Any) -> T:
    """A blocking browser call, off the event loop the web server runs on."""
    return await asyncio.to_thread(work, *args)


def css(browser: Any, selector: str) -> Any:
    """The first element matching a CSS selector."""
    return browser.find_element("css selector", selector)


def follow(browser: Any, element: Any) -> None:
    """Click a link or submit button and wait until the browser has left the page (its
    old elements gone stale): by ordering, not by sleeping."""
    from selenium.webdriver.support.expected_conditions import staleness_of
    from selenium.webdriver.support.wait import WebDriverWait

    old = browser.find_element("tag name", "html")
    element.click()
    WebDriverWait(browser, 10).until(staleness_of(old))


def click_login(browser: Any, url: str) -> str:
    """Open a /web link, press Đăng nhập; the page's heading after."""
    browser.get(url)
    follow(browser, css(browser, "#login"))
    return str(css(browser, "h1").text)


@SQLITE
async def test_link_login_overview_and_village_filter(demo_db: Database, page: Any) -> None:
    """The leader logs in by link, reads Cẩm Bình, goes down to Thôn Chợ, filters, searches."""
    async with web_world(demo_db) as world:
        assert await run(click_login, page, await world.link("Đỗ Văn Liên")) == "Xã Cẩm Bình"

        def read_and_filter() -> tuple[int, str, list[str], list[str]]:
            rows = len(page.find_elements("css selector", "#units tbody tr"))
            summary = css(page, ".summary").text
            follow(page, page.find_element("link text", "Thôn Chợ"))
            css(page, "select[name=status] option[value=near_poor]").click()
            follow(page, css(page, "#filter button"))
            near = [e.text for e in page.find_elements("css selector", "#households tbody th")]
            box = css(page, "input[name=q]")
            box.clear()
            css(page, "select[name=status] option[value='']").click()
            box.send_keys("pham thi dec")
            follow(page, css(page, "#filter button"))
            found = [e.text for e in page.find_elements("css selector", "#households tbody th")]
            return rows, summary, near, found

        rows, summary, near, found = await run(read_and_filter)
    assert rows == 11 and "Hộ nghèo" in summary and "Chờ duyệt" in summary
    assert near == ["Bà Phạm Thị Hòa", "Ông Phạm Văn Thế", "Ông Phạm Văn Thương"]
    assert found == ["Bà Phạm Thị Đéc"]


@SQLITE
async def test_mini_app_valid_and_forged_init_data(demo_db: Database, page: Any) -> None:
    """Opened as a Mini App: Telegram's signed initData logs the head in; forged does not."""
    await login(demo_db, "Bùi Thị Minh", user_id="777002", channel="telegram")
    async with web_world(demo_db) as world:
        def open_app(data: str) -> str:
            page.get(f"{world.base}/web/app#tgWebAppData={data}")
            return str(css(page, "h1").text)

        from urllib.parse import quote

        assert await run(open_app, quote(init_data(777002))) == "Thôn Chợ"
        await run(page.delete_all_cookies)
        assert await run(open_app, quote(init_data(777002, "1:forged"))) == "Không được phép"
        await run(page.get, f"{world.base}/web/")
        assert await run(lambda: css(page, "h1").text) == "Cần đăng nhập"


@SQLITE
async def test_officer_confirms_a_report_and_downloads_the_xlsx(
        demo_db: Database, page: Any, downloads: Path) -> None:
    """A report made in the chat is confirmed on Chờ duyệt; the digest XLSX downloads."""
    head = Chat(Dispatcher(demo_db), await login(demo_db, "Bùi Thị Minh"))
    await head.say("hộ bà Phạm Thị Đéc thoát nghèo")
    await head.press("Xác nhận")
    number = re.search(r"báo cáo số (\d+)", head.text).group(1)  # type: ignore[union-attr]
    async with web_world(demo_db) as world:
        await run(click_login, page, await world.link("Đỗ Thị Nga"))

        def confirm() -> str:
            page.get(f"{world.base}/web/pending")
            follow(page, css(page, f"#report-{number} button.ok"))
            return str(css(page, "#decided").text)

        decided = await run(confirm)
        village = await unit_id(demo_db, "Thôn Chợ")
        await run(page.get, f"{world.base}/web/downloads?unit={village}")
        await run(lambda: page.find_element("css selector", "a[href$='2024-Q3.xlsx']").click())
        saved = await _downloaded(downloads, "2024-Q3.xlsx")
    assert "Đã xác nhận" in decided and number in decided
    assert saved.read_bytes()[:2] == b"PK"


async def _downloaded(folder: Path, suffix: str, timeout: float = 15.0) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [p for p in folder.iterdir() if p.name.endswith(suffix)]
        if done:
            return done[0]
        await asyncio.sleep(0.1)
    raise AssertionError(f"nothing downloaded: {list(folder.iterdir())}")


@SQLITE
async def test_village_head_cannot_open_another_village(demo_db: Database, page: Any) -> None:
    """Thôn Chợ's head types Thôn Tô's page and download URLs: refused both."""
    other = await unit_id(demo_db, "Thôn Tô")
    async with web_world(demo_db) as world:
        assert await run(click_login, page, await world.link("Bùi Thị Minh")) == "Thôn Chợ"

        def guess(path: str) -> str:
            page.get(world.base + path)
            return str(css(page, "h1").text)

        assert await run(guess, f"/web/village/{other}") == "Không tìm thấy"
        assert await run(guess, f"/web/download/{other}/2024-Q3.xlsx") == "Không tìm thấy"
        assert await run(guess, f"/web/unit/{other}") == "Không tìm thấy"
