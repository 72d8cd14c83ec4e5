"""Charts and spreadsheets built beside the event loop, in a pool of worker processes.

matplotlib and openpyxl are CPU-bound: on the event loop a chart (0.2-0.4 s) would hold every
question behind it. The composition root makes one `Workshop` per process; its workers start
from a fork server that has already imported the builders, on the first build, and stop at
`close()`. Arguments and results cross a process boundary: plain picklable data only
(services/figures.py), never ORM objects or sessions.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")
BUILDERS = ["services.charts", "services.workbook"]  # imported once, by the fork server


class Workshop:
    """Builds attachments in `workers` processes; with none, right here (CLI preview, tests)."""

    def __init__(self, workers: int = 0) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    async def build(self, make: Callable[..., T], *args: Any) -> T:
        """`make(*args)`, in a worker process when there are workers."""
        if not self.workers:
            return make(*args)
        try:
            return await asyncio.get_running_loop().run_in_executor(self._started(), make, *args)
        except BrokenProcessPool:
            log.error("a composition worker died; the pool starts again at the next build")
            self.close()
            raise

    def _started(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.workers, mp_context=_context())
        return self._pool

    def close(self) -> None:
        """Stop the workers; a build under way finishes first, queued ones are cancelled."""
        if self._pool is not None:
            pool, self._pool = self._pool, None
            pool.shutdown(wait=True, cancel_futures=True)


def _context() -> multiprocessing.context.BaseContext:
    """A fork server where there is one (workers fork from a process that imported the
    builders, not from the bot with its threads and connections), else spawn."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(BUILDERS)
    return context


INLINE = Workshop()
