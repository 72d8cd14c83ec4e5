"""The same scenario over Telegram and over Zalo, through real HTTP, leaves the same data."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable

import pytest

from storage.db import Database
from tests.e2e.conftest import WorldFactory
from tests.e2e.scenario import STORED, play, stored_changes


def doubled(sends: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(chat, text) pairs sent twice in a row: what a retried, already delivered send leaves."""
    return [pair for before, pair in itertools.pairwise(sends) if before == pair]


@pytest.mark.parametrize("channel", ["telegram", "zalo"])
async def test_scenario(channel: str, make_world: WorldFactory, demo_db: Database,
                        clock: Callable[[], dt.datetime]) -> None:
    async with make_world(channel) as world:
        await play(world.driver, demo_db, clock())
        sends = [(str(c.params["chat_id"]), str(c.params.get("text")))
                 for c in world.fake.calls if c.method == "sendMessage" and c.accepted]
    assert sends and not doubled(sends)
    assert await stored_changes(demo_db) == STORED
