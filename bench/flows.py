"""Real user flows through the Dispatcher: questions, quick reports, guided reports."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bench.common import CHANNEL, Cast, reportable
from handlers.router import Dispatcher
from messaging.messages import IncomingMessage, Reply
from storage.db import Database

_keys = itertools.count()


@dataclass
class Timings:
    """Seconds per handled message, errors seen, and wall time of the whole run."""

    samples: list[float] = field(default_factory=list)
    errors: int = 0
    wall: float = 0.0

    @property
    def throughput(self) -> float:
        """Messages handled per second of wall time."""
        return len(self.samples) / self.wall if self.wall else 0.0


async def send(dispatcher: Dispatcher, who: str, timings: Timings, text: str = "",
               button: str | None = None) -> list[Reply]:
    """Handle one message, timing it; count the 'try again' replies as errors."""
    message = IncomingMessage(CHANNEL, who, who, text=text, button=button,
                              update_key=f"bench{next(_keys)}-{time.time_ns()}")
    started = time.perf_counter()
    replies = await dispatcher.handle(message)
    timings.samples.append(time.perf_counter() - started)
    if not replies or "thử lại sau ít phút" in replies[0].text:
        timings.errors += 1
    return replies


def _buttons(replies: list[Reply], prefix: str) -> list[str]:
    return [b.data for r in replies if r.to is None for b in r.flat_buttons()
            if b.data.startswith(prefix)]


async def questions(dispatcher: Dispatcher, cast: Cast, timings: Timings, count: int) -> None:
    """Leaders ask about their commune and its villages, round robin."""
    asks = [(who, q) for who, qs in cast.leaders for q in qs]
    for who, text in itertools.islice(itertools.cycle(asks), count):
        await send(dispatcher, who, timings, text)


async def quick_reports(db: Database, dispatcher: Dispatcher, cast: Cast, timings: Timings,
                        count: int) -> None:
    """'hộ X thoát nghèo' then '1' (confirm: stored, deciders notified)."""
    for who, village in itertools.islice(itertools.cycle(cast.heads), count):
        name, phrase = (await reportable(db, village))[0]
        await send(dispatcher, who, timings, f"hộ {name} {phrase}")
        await send(dispatcher, who, timings, "1")


async def guided_reports(db: Database, dispatcher: Dispatcher, cast: Cast, timings: Timings,
                         count: int) -> None:
    """/baocao, household button, change button, skip the note, confirm."""
    for who, village in itertools.islice(itertools.cycle(cast.heads), count):
        name, _ = (await reportable(db, village))[0]
        await send(dispatcher, who, timings, "/baocao")
        replies = await send(dispatcher, who, timings, name)
        kinds = _buttons(replies, "rk:")
        if not kinds:
            timings.errors += 1
            await send(dispatcher, who, timings, "/huy")
            continue
        await send(dispatcher, who, timings, button=kinds[0])
        await send(dispatcher, who, timings, button="skip:")
        await send(dispatcher, who, timings, button="cf:yes")


async def concurrently(work: Callable[[int], Awaitable[None]], workers: int) -> float:
    """Run `work(i)` for i in range(workers) at once; return the wall time."""
    started = time.perf_counter()
    await asyncio.gather(*(work(i) for i in range(workers)))
    return time.perf_counter() - started


async def question_burst(dispatcher: Dispatcher, cast: Cast, timings: Timings, count: int,
                         workers: int) -> None:
    """`workers` leaders asking at the same time (the Telegram adapter's concurrency)."""
    async def leader(i: int) -> None:
        who, asks = cast.leaders[i % len(cast.leaders)]
        for text in itertools.islice(itertools.cycle(asks), count // workers):
            await send(dispatcher, who, timings, text)
    timings.wall = await concurrently(leader, workers)
