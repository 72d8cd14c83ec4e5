"""Query plans of what real messages run: `python -m bench.explain --url postgresql://...`.

Captures every SELECT the dispatcher sends for a commune question, a village question, a
quick report with its confirmation, /baocao and /cho, then prints PostgreSQL's EXPLAIN
ANALYZE for each distinct statement, flagging sequential scans of large tables.
"""

from __future__ import annotations

import argparse
import asyncio
import re
from typing import Any

from sqlalchemy import event

from bench.common import CHANNEL, cast, reportable
from handlers.router import Dispatcher
from messaging.messages import IncomingMessage
from storage.db import Database

BIG = ("household", "status_change", "exit_registration", "audit_event", "app_user",
       "user_scope", "chat_identity", "unit_plan")


async def capture(db: Database) -> list[tuple[str, str, Any]]:
    """(message, statement, parameters) of every SELECT sent while handling a few messages."""
    people = await cast(db, 3)
    leader, questions = people.leaders[0]
    head, village = people.heads[0]
    name, phrase = (await reportable(db, village))[0]
    script = [(leader, questions[0]), (leader, questions[1]), (head, f"hộ {name} {phrase}"),
              (head, "1"), (head, "/baocao"), (head, "/huy"), (people.officers[0], "/cho")]
    seen: list[tuple[str, str, Any]] = []
    current = [""]

    def record(_c: Any, _cur: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((current[0], statement, parameters))

    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    dispatcher = Dispatcher(db)
    for who, text in script:
        current[0] = text
        await dispatcher.handle(IncomingMessage(CHANNEL, who, who, text=text))
    event.remove(db.engine.sync_engine, "before_cursor_execute", record)
    return seen


async def explain(url: str) -> None:
    """Print the plan of each distinct captured statement."""
    db = Database(url)
    captured = await capture(db)
    done: set[str] = set()
    async with db.engine.connect() as conn:
        raw: Any = (await conn.get_raw_connection()).driver_connection
        for message, statement, parameters in captured:
            shape = re.sub(r"\$\d+", "?", statement)
            if shape in done:
                continue
            done.add(shape)
            rows = await raw.fetch("EXPLAIN (ANALYZE, BUFFERS) " + statement, *parameters)
            plan = "\n".join(r[0] for r in rows)
            flag = [t for t in BIG if re.search(rf"Seq Scan on {t}\b", plan)]
            print(f"--- [{message}] {' '.join(statement.split())[:160]}")
            print(f"    SEQ SCAN on {flag}" if flag else "    index only")
            print("    " + plan.replace("\n", "\n    "))
    await db.dispose()


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/bench_province")
    asyncio.run(explain(parser.parse_args().url))


if __name__ == "__main__":
    main()
