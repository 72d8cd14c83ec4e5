"""Message latency at national scale: `python -m bench.national [--url URL] [--count 30]`.

Against the database of `python -m bench.generate --national`, real messages go through
`Dispatcher.handle` of an app built as `giamngheo run` builds it: the admin, commune
leaders, village heads and officers linked to chats as `giamngheo chat --as` links them,
and a province officer made with an invite code (`giamngheo invite --role
province_officer --unit ...`, then /start; the plans name no province officers). Only
public entry points are used, so the script keeps working as the core changes. Prints
p50 / p99 / max latency (ms), SQL statements per message and resident memory per kind of
message, then VmRSS / VmHWM of the process.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import resource
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, text

from bench.common import percentiles
from bench.plans import VILLAGES
from bench.resident import memory_mb
from bot.app import App, build, console_identity
from bot.cli_admin import make_invite
from bot.settings import Settings
from messaging.messages import IncomingMessage

URL = "postgresql://postgres@127.0.0.1:5432/bench_national"
CHANNEL = "console"
FAILED = "thử lại sau ít phút"  # the internal_error reply


@dataclass
class Kind:
    """One kind of message: latencies, statements, errors, and the first answer's first line."""

    name: str
    samples: list[float] = field(default_factory=list)
    statements: list[int] = field(default_factory=list)
    errors: int = 0
    first_line: str = ""
    rss_mb: float = 0.0

    def row(self) -> str:
        """One line of the results table."""
        p50, p99, worst = percentiles(self.samples)
        sql = statistics.median(self.statements) if self.statements else 0
        return (f"{self.name:34} {len(self.samples):>4} {p50:>9.0f} {p99:>9.0f} {worst:>9.0f} "
                f"{sql:>6.0f} {self.errors:>4} {self.rss_mb:>7.0f}  {self.first_line[:60]}")


class Bench:
    """Sends messages as chat accounts, timing each and counting its SQL statements."""

    def __init__(self, app: App, budget: float) -> None:
        self.app, self.budget = app, budget
        self.statements = 0
        event.listen(app.db.engine.sync_engine, "before_cursor_execute", self._count)

    def _count(self, *_args: Any) -> None:
        self.statements += 1

    async def send(self, kind: Kind, chat: str, words: str) -> str:
        """Handle one message; return the text of the replies."""
        message = IncomingMessage(CHANNEL, chat, chat, text=words,
                                  update_key=f"national-{time.time_ns()}")
        before, started = self.statements, time.perf_counter()
        replies = await self.app.dispatcher.handle(message)
        kind.samples.append(time.perf_counter() - started)
        kind.statements.append(self.statements - before)
        answer = "\n".join(reply.text for reply in replies)
        if not replies or FAILED in answer:
            kind.errors += 1
        kind.first_line = kind.first_line or answer.strip().split("\n")[0]
        return answer

    async def run(self, kind: Kind, script: list[tuple[str, str]]) -> Kind:
        """Send (chat, text) pairs until done, the time budget is spent or one fails."""
        started = time.perf_counter()
        for chat, words in script:
            answer = await self.send(kind, chat, words)
            if kind.errors:  # e.g. a MemoryError at --memory-limit-gb: the rest would fail too
                kind.name += " (failed)"
                kind.first_line = answer.strip().split("\n")[0]
                break
            if time.perf_counter() - started > self.budget:
                kind.name += " (budget)"
                break
        kind.rss_mb = memory_mb()["VmRSS"]
        print(kind.row(), flush=True)
        return kind


async def rows(app: App, query: str, **params: Any) -> list[Any]:
    """Rows of a read-only query (plain SQL: the tables, not the code, are the contract)."""
    async with app.db.engine.connect() as conn:
        return list((await conn.execute(text(query), params)).all())


async def chat_for(app: App, login: str) -> str:
    """A console chat linked to the user `login`, as `giamngheo chat --as LOGIN` does."""
    return await console_identity(app.db, login)


async def invited(app: App, url: str, role: str, unit: str, person: str) -> str:
    """A new user of `role` over `unit`, through an invite code (`giamngheo invite --role
    ROLE --unit UNIT`) and /start in a new chat; returns the chat."""
    os.environ["DATABASE_URL"] = url  # make_invite builds its app from the settings
    code = await make_invite(None, role, unit, dt.timedelta(hours=1))
    chat = f"bench-{role}-{time.time_ns()}"
    message = IncomingMessage(CHANNEL, chat, chat, text=f"/start {code}",
                              update_key=f"national-{time.time_ns()}", user_name=person)
    await app.dispatcher.handle(message)
    return chat


async def people(app: App, role: str, count: int, rng: random.Random) -> list[tuple[str, int]]:
    """`count` users of `role` (not the generator's deputies): (chat, unit of their scope).

    Only people whose name nobody else has: `chat --as` finds a user by login *or* name,
    so a login whose folded form is a namesake's name matches several users.
    """
    found = await rows(app, "SELECT u.login, min(s.unit_id) FROM app_user u JOIN user_scope s "
                            "ON s.user_id = u.id WHERE u.role = :role AND u.login NOT LIKE "
                            "'bench-%' AND NOT EXISTS (SELECT 1 FROM app_user o WHERE "
                            "o.name_key = u.name_key AND o.id <> u.id) "
                            "GROUP BY u.login ORDER BY u.login", role=role)
    return [(await chat_for(app, login), unit) for login, unit in rng.sample(found, count)]


async def reportable(app: App, village: int) -> str:
    """'hộ Bà X thoát nghèo' for a household of the village with no pending report."""
    found = await rows(app, "SELECT h.title, h.head_name, h.status FROM household h "
                            "WHERE h.village_id = :v AND h.status IN ('poor', 'near_poor') "
                            "AND NOT EXISTS (SELECT 1 FROM status_change c WHERE c.household_id "
                            "= h.id AND c.state = 'pending') ORDER BY h.id LIMIT 1", v=village)
    title, name, status = found[0]
    return " ".join(filter(None, ("hộ", title, name, "thoát nghèo" if status == "poor"
                                  else "thoát cận nghèo")))


Script = Callable[[], Awaitable[list[tuple[str, str]]]]


async def scripts(app: App, url: str, count: int,
                  rng: random.Random) -> dict[str, Script]:
    """What each kind sends, built when its turn comes (so setup is not timed)."""
    places = await rows(app, "SELECT id, parent_id, level, name FROM unit WHERE level <> "
                             "'village' ORDER BY id")
    parent = {uid: up for uid, up, _, _ in places}
    name = {uid: unit_name for uid, _, _, unit_name in places}
    provinces = [uid for uid, _, level, _ in places if level == "province"]
    communes = [uid for uid, _, level, _ in places if level == "commune"]

    def province_of(uid: int) -> int:
        while parent.get(uid) is not None:
            uid = parent[uid]
        return uid

    admin = await chat_for(app, "admin")
    province = provinces[min(1, len(provinces) - 1)]
    mine = [c for c in communes if province_of(c) == province]
    villages = [f"Thôn {base} thế nào?" for base in VILLAGES]

    officer: list[str] = []  # made once, on first use

    async def officer_script(questions: list[str]) -> list[tuple[str, str]]:
        officer[:] = officer or [await invited(app, url, "province_officer", name[province],
                                               "Ông Lê Văn Tỉnh")]
        return [(officer[0], q) for q in questions]

    async def leaders() -> list[tuple[str, str]]:
        """A few commune leaders, 3 questions each about villages of their commune."""
        script = []
        for chat, commune in await people(app, "commune_leader", max(1, count // 3), rng):
            own = await rows(app, "SELECT name FROM unit WHERE parent_id = :c", c=commune)
            script += [(chat, f"{village} thế nào?") for (village,) in rng.sample(own, 3)]
        return script

    async def quick_reports() -> list[tuple[str, str]]:
        script = []
        for chat, village in await people(app, "village_head", count // 2, rng):
            script += [(chat, await reportable(app, village)), (chat, "1")]
        return script

    async def pending() -> list[tuple[str, str]]:
        return [(chat, "/cho") for chat, _ in await people(app, "officer", count, rng)]

    async def households() -> list[tuple[str, str]]:
        top = (await rows(app, "SELECT max(id) FROM household"))[0][0] or 0
        found = await rows(app, "SELECT title, head_name FROM household WHERE id = ANY(:ids)",
                           ids=[rng.randint(1, top) for _ in range(count)])
        return [(admin, " ".join(filter(None, ("hộ", title, head)))) for title, head in found]

    async def fixed(script: list[tuple[str, str]]) -> list[tuple[str, str]]:
        return script

    return {
        "admin: province": lambda: fixed(
            [(admin, f"{name[rng.choice(provinces)]} thế nào?") for _ in range(count)]),
        "admin: commune": lambda: fixed(
            [(admin, f"{name[rng.choice(communes)]} đến đâu rồi") for _ in range(count)]),
        "admin: village, shared name": lambda: fixed(
            [(admin, villages[i % len(villages)]) for i in range(count)]),
        "province officer: commune": lambda: officer_script(
            [f"{name[rng.choice(mine)]} đến đâu rồi" for _ in range(count)]),
        "province officer: village": lambda: officer_script(
            [villages[i % len(villages)] for i in range(count)]),
        "commune leader: own village": leaders,
        "village head: quick report (2 msgs)": quick_reports,
        "officer: /cho": pending,
        "admin: household by name": households,
    }


async def main(url: str, count: int, budget: float, seed: int, only: list[str]) -> None:
    """Build the app, warm it up, run every kind, print the table and the process's memory."""
    app = await build(Settings(_env_file=None, database_url=url))  # type: ignore[call-arg]
    bench = Bench(app, budget)
    rng = random.Random(seed)
    plan = await scripts(app, url, count, rng)
    print(f"{'kind':34} {'n':>4} {'p50 ms':>9} {'p99 ms':>9} {'max ms':>9} {'SQL':>6} "
          f"{'err':>4} {'RSS MB':>7}  first line of the first answer")
    admin = await chat_for(app, "admin")
    await bench.run(Kind("first message (cold): admin"), [(admin, "Thôn Chợ thế nào?")])
    for name, script in plan.items():
        if not only or any(part in name for part in only):
            await bench.run(Kind(name), await script())
    memory = memory_mb()
    print(f"process: VmRSS {memory['VmRSS']:.0f} MB, VmHWM {memory['VmHWM']:.0f} MB")
    await app.close()


def cli() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=URL)
    parser.add_argument("--count", type=int, default=30, help="messages per kind")
    parser.add_argument("--budget", type=float, default=120.0,
                        help="seconds per kind before it stops early (at least one message)")
    parser.add_argument("--memory-limit-gb", type=float, default=8.0,
                        help="address-space cap, so a runaway message fails instead of "
                             "swamping a shared machine (0: none)")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--only", action="append", default=[],
                        help="run the kinds whose name contains this (repeatable)")
    args = parser.parse_args()
    if args.memory_limit_gb:
        cap = int(args.memory_limit_gb * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    asyncio.run(main(args.url, args.count, args.budget, args.seed, args.only))


if __name__ == "__main__":
    cli()
