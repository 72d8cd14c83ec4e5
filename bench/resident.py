"""Resident size of a bot process with the province loaded: `python -m bench.resident URL`.

Builds the app as `giamngheo run` does, answers a question about every commune and a
village of each (so the whole unit tree and the plans have been loaded), then prints the
process's resident set (VmRSS) and its peak (VmHWM) in MB as JSON.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from bench.common import CHANNEL, cast
from bot.app import build
from bot.settings import Settings
from messaging.messages import IncomingMessage


def memory_mb() -> dict[str, float]:
    """VmRSS and VmHWM of this process, in MB."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    return {key: int(fields[key].split()[0]) / 1024 for key in ("VmRSS", "VmHWM")}


async def main(url: str) -> None:
    """Load, answer, measure."""
    app = await build(Settings(_env_file=None, database_url=url), migrate=False)  # type: ignore[call-arg]
    people = await cast(app.db, 100)
    for number, (who, asks) in enumerate(people.leaders):
        for text in asks[:2]:
            message = IncomingMessage(CHANNEL, who, who, text=text, update_key=f"r{number}{text}")
            await app.dispatcher.handle(message)
    print(json.dumps(memory_mb() | {"communes_asked": len(people.leaders)}))
    await app.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
