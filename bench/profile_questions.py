"""Profile questions: `python -m bench.profile_questions [URL] [N] [cumulative|tottime]`.

Prints the 25 most expensive functions of N leaders' questions through the Dispatcher.
"""

from __future__ import annotations

import asyncio
import cProfile
import pstats
import sys

from bench import flows
from bench.common import cast
from bench.generate import DEFAULT_URL
from handlers.router import Dispatcher
from storage.db import Database


async def _run(url: str, count: int) -> None:
    db = Database(url)
    dispatcher = Dispatcher(db)
    people = await cast(db)
    await flows.questions(dispatcher, people, flows.Timings(), 10)  # warm up
    profile = cProfile.Profile()
    profile.enable()
    await flows.questions(dispatcher, people, flows.Timings(), count)
    profile.disable()
    await db.dispose()
    order = sys.argv[3] if len(sys.argv) > 3 else "cumulative"
    pstats.Stats(profile).sort_stats(order).print_stats(25)


def main() -> None:
    """Entry point."""
    url = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_URL
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 60
    asyncio.run(_run(url, count))


if __name__ == "__main__":
    main()
