"""The web view's routes, all under /web/ (the webhooks and /media/ keep their paths)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tornado.web import StaticFileHandler

from bot.webview.access import LoginLink, Logout, MiniApp
from bot.webview.base import Site
from bot.webview.decisions import DecidePage, PendingPage
from bot.webview.downloads import DownloadFile, DownloadsPage
from bot.webview.pages import AuditPage, Home, UnitPage, VillagePage

STATIC = Path(__file__).resolve().parent / "static"
ID = "([0-9]{1,18})"


def routes(site: Site) -> list[Any]:
    """(pattern, handler, arguments) for Tornado's Application."""
    pages = [
        (r"/web/?", Home),
        (r"/web/login/([A-Za-z0-9_\-]{20,100})", LoginLink),
        (r"/web/app", MiniApp),
        (r"/web/logout", Logout),
        (rf"/web/unit/{ID}", UnitPage),
        (rf"/web/village/{ID}", VillagePage),
        (r"/web/pending", PendingPage),
        (rf"/web/pending/{ID}", DecidePage),
        (r"/web/downloads", DownloadsPage),
        (rf"/web/download/{ID}/([0-9A-Za-z\-]{{4,8}})\.(xlsx|png)", DownloadFile),
        (r"/web/audit", AuditPage),
    ]
    return [(pattern, handler, {"site": site}) for pattern, handler in pages] + [
        (r"/web/static/(.*)", StaticFileHandler, {"path": str(STATIC)}),
    ]
