"""Screenshots of the web view for a reviewer: the overview and a village page at phone
width (390 px) and desktop width (1280 px), on the demo data, in headless Chromium.

    python -m bench.web_screenshots            # writes docs/screenshots/*.png
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import tempfile
from pathlib import Path
from typing import Any

from selenium import webdriver

from bot.web import WebServer
from bot.webview.base import Site
from bot.webview.routes import routes
from domain.schedule import Calendar
from services import web_access
from services.demo import load_demo
from storage.audit import now
from storage.db import Database
from storage.people import find_users
from storage.unit_tree import unit_tree

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
WIDTHS = {"phone": 390, "desktop": 1280}


def browser() -> Any:
    """Headless Chromium through the system's chromedriver."""
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                     "--hide-scrollbars", "--lang=vi"):
        options.add_argument(argument)
    service = webdriver.ChromeService(shutil.which("chromedriver") or "chromedriver")
    return webdriver.Chrome(options=options, service=service)


def shoot(driver: Any, url: str, width: int, path: Path) -> None:
    """The whole page at `width` (the window grown to the page's height)."""
    driver.set_window_size(width, 900)
    driver.get(url)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, min(int(height) + 20, 4000))
    driver.save_screenshot(str(path))


async def main(out: Path) -> None:
    """Serve the demo, log in as the commune leader, take the shots."""
    folder = Path(tempfile.mkdtemp())
    db = Database(f"sqlite:///{folder / 'demo.db'}")
    await db.migrate()
    await load_demo(db)
    async with db.transaction() as session:
        leader = (await find_users(session, "Đỗ Văn Liên"))[0]
        token = await web_access.issue_link(session, leader, now(), 10)
        village = next(n.id for n in (await unit_tree(session)).nodes if n.name == "Thôn Chợ")
    server = WebServer("127.0.0.1", 0)
    server.add_routes(routes(Site(db, Calendar())))
    await server.start()
    base = f"http://127.0.0.1:{server.port}"
    driver = await asyncio.to_thread(browser)
    try:
        await asyncio.to_thread(driver.get, f"{base}/web/login/{token}")
        await asyncio.to_thread(lambda: driver.find_element("css selector", "#login").click())
        out.mkdir(parents=True, exist_ok=True)
        for name, width in WIDTHS.items():
            for page, path in (("overview", "/web/"), ("village", f"/web/village/{village}")):
                target = out / f"{page}-{name}.png"
                await asyncio.to_thread(shoot, driver, base + path, width, target)
                print(target)
    finally:
        await asyncio.to_thread(driver.quit)
        await server.stop()
        await db.dispose()
        shutil.rmtree(folder)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    asyncio.run(main(parser.parse_args().out))
