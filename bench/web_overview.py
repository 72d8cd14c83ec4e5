"""The web view's overview of a whole province (bench.generate: 100 communes, 1,500
villages) rendered server-side: goal under 300 ms on PostgreSQL.

    python -m bench.web_overview --url postgresql://postgres@127.0.0.1:5432/bench_province

Prints p50 / p90 / max of (a) the page's work in process (overview use case + HTML) and
(b) GET /web/unit/<province> through the real Tornado handler on 127.0.0.1, as admin.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time

import httpx
from sqlalchemy import select

from bench.generate import DEFAULT_URL
from bot.web import WebServer
from bot.webview.base import COOKIE, Site
from bot.webview.render import page
from bot.webview.routes import routes
from domain.schedule import Calendar
from services import web_access
from services.overview import overview
from storage.audit import now
from storage.db import Database
from storage.models import User
from storage.unit_tree import unit_tree


def figures(label: str, samples: list[float]) -> str:
    """p50, p90 and max in milliseconds."""
    ordered = sorted(samples)
    p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
    return (f"{label}: p50 {statistics.median(ordered) * 1000:.0f} ms, p90 {p90 * 1000:.0f} ms,"
            f" max {ordered[-1] * 1000:.0f} ms ({len(ordered)} runs)")


async def in_process(db: Database, runs: int) -> tuple[list[float], list[float]]:
    """The overview use case and its HTML, one session each, as the handler does: wall
    time, and this process's CPU time (what a loaded machine does not inflate)."""
    samples, cpu = [], []
    for _ in range(runs):
        started, used = time.perf_counter(), time.process_time()
        async with db.session() as session:
            tree = await unit_tree(session)
            province = next(n for n in tree.nodes if n.level == "province")
            view = await overview(session, province, now().date(), Calendar())
        page("overview", user=None, csrf="", can_decide=False, can_audit=False, unit=province,
             view=view, sort="pace", up=None)
        samples.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
    return samples, cpu


async def over_http(db: Database, runs: int) -> tuple[list[float], int]:
    """GET the province's page as admin through the web server."""
    async with db.transaction() as session:
        admin = (await session.scalars(select(User).where(User.role == "admin"))).first()
        assert admin is not None
        token = web_access.open_session(session, admin, web_access.LINK, now(), 1).token
        province = next(n for n in (await unit_tree(session)).nodes if n.level == "province")
    server = WebServer("127.0.0.1", 0)
    server.add_routes(routes(Site(db, Calendar())))
    await server.start()
    samples, size = [], 0
    try:
        async with httpx.AsyncClient(cookies={COOKIE: token}) as client:
            for _ in range(runs):
                started = time.perf_counter()
                answer = await client.get(f"http://127.0.0.1:{server.port}/web/unit/{province.id}")
                samples.append(time.perf_counter() - started)
                assert answer.status_code == 200, answer.status_code
                size = len(answer.content)
    finally:
        await server.stop()
    return samples, size


async def main(url: str, runs: int) -> None:
    """Warm up, then measure both ways; the machine's load beside the figures."""
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    db = Database(url)
    try:
        await in_process(db, 2)
        wall, cpu = await in_process(db, runs)
        print(figures("overview + HTML, in process", wall))
        print(figures("  of which this process's CPU", cpu))
        samples, size = await over_http(db, runs)
        print(figures(f"GET /web/unit/<province> ({size // 1024} KB)", samples))
    finally:
        await db.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--runs", type=int, default=30)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.url, arguments.runs))
