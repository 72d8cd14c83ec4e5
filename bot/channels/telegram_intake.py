"""Telegram updates through the durable intake: getUpdates read as raw JSON, stored, and
only then confirmed; each stored update parsed on its own.

python-telegram-bot's Updater confirms a batch (the next getUpdates offset) while its
updates still wait in memory, and parses a whole batch at once, so one malformed update
fails every update of it. Here a batch is stored first (bot/channels/intake.py) and the
next offset is asked for only after the commit; an update that cannot be parsed is set
aside on its own.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import Bot, Update

from bot.channels.intake import Intake

log = logging.getLogger(__name__)
ID_LIMIT = 2**63 - 1
MAX_BACKOFF = 30.0


def keyed(batch: Any) -> list[tuple[str, dict[str, Any]]]:
    """The updates of a getUpdates result with their ids; one without an id is dropped."""
    updates = batch if isinstance(batch, list) else []
    found = [(update_id(u), u) for u in updates if isinstance(u, dict)]
    if len(found) < len(updates) or any(key is None for key, _ in found):
        log.warning("telegram updates without an id dropped count=%d",
                    len(updates) - sum(key is not None for key, _ in found))
    return [(str(key), u) for key, u in found if key is not None]


def update_id(update: dict[str, Any]) -> int | None:
    """The update's id, when it is one (an integer Telegram could have sent)."""
    value = update.get("update_id")
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= ID_LIMIT:
        return None
    return value


async def poll(bot: Bot, intake: Intake, timeout: int, allowed: list[str]) -> None:
    """Long-poll for ever: fetch a batch, store it, then confirm it with the next offset."""
    offset: int | None = None
    failures = 0
    while True:
        try:
            batch = keyed(await bot._post(
                "getUpdates", {"offset": offset, "timeout": timeout, "allowed_updates": allowed},
                read_timeout=timeout + 10))
            await intake.store(batch)
        except Exception as error:  # Telegram or the database unreachable: same offset again
            failures += 1
            log.warning("telegram poll failed attempt=%d error=%s", failures,
                        type(error).__name__)
            await asyncio.sleep(min(MAX_BACKOFF, 0.25 * 2 ** min(failures, 8)))
            continue
        failures = 0
        if batch:
            offset = max(int(key) for key, _ in batch) + 1


def parse(payload: dict[str, Any], bot: Bot) -> Update:
    """One stored update as python-telegram-bot's Update; raises when it cannot be read.

    A chat or user id that is no 64-bit number is refused too: python-telegram-bot would
    fail later when it hashes the id.
    """
    update = Update.de_json(payload, bot)
    for found in (update.effective_chat, update.effective_user):
        if found is not None and (isinstance(found.id, bool) or not isinstance(found.id, int)
                                  or abs(found.id) > ID_LIMIT):
            raise ValueError("a chat or user id that is no Telegram id")
    return update
