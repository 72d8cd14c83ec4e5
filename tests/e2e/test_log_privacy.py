"""Every log line goes through one filter (issue 11, point 4): no message texts, names or
tokens, even where python-telegram-bot logs a whole update it could not parse."""

from __future__ import annotations

import io
import logging
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
from telegram import Update

from bot import logs
from messaging.failures import NotSent
from tests.e2e.conftest import TOKENS, WorldFactory

NAME, TEXT = "Phạm Thị Đéc", "hộ bà Phạm Thị Đéc thoát nghèo"
PRIVATE = (NAME, "Đéc", "thoát nghèo", "Tom", "hello", TOKENS["telegram"])


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """The bot's own logging set up as `giamngheo run` does, written to a buffer."""
    root = logging.getLogger()
    saved, level = list(root.handlers), root.level
    logs.configure("INFO", list(TOKENS.values()))
    output = io.StringIO()
    handler = root.handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(output)
    try:
        yield output
    finally:
        root.handlers[:] = saved
        root.setLevel(level)


def malformed(update_id: int) -> dict[str, Any]:
    """A button press python-telegram-bot cannot parse (no chat_instance), names and text."""
    user = {"id": 7_000_000_031, "is_bot": False, "first_name": NAME, "last_name": "Tom",
            "username": "hello"}
    return {"update_id": update_id, "callback_query": {
        "id": "cb1", "from": user, "data": "h:1", "message": {
            "message_id": 9, "date": int(time.time()), "text": TEXT,
            "chat": {"id": user["id"], "type": "private", "first_name": NAME}}}}


def leaks(text: str) -> list[str]:
    """What should never be in the log, found in it."""
    return [word for word in PRIVATE if word in text]


async def test_a_malformed_polled_update_is_logged_without_names_or_text(
        make_world: WorldFactory, log_output: io.StringIO) -> None:
    async with make_world("telegram") as world:
        update = world.fake.update(**{k: v for k, v in malformed(0).items()
                                      if k != "update_id"})
        await world.fake.wait_until(lambda: str(update["update_id"]) in log_output.getvalue())
    written = log_output.getvalue()
    assert leaks(written) == [], written
    assert "level=CRITICAL" in written or "level=WARNING" in written


def test_the_record_python_telegram_bot_writes_keeps_ids_drops_texts(
        log_output: io.StringIO) -> None:
    data = [malformed(4242)]
    try:
        Update.de_list(data, None)  # type: ignore[arg-type]
    except Exception:
        error = sys.exc_info()
    logging.getLogger("telegram.Bot").critical(
        "Error while parsing updates! Received data was %r", data, exc_info=error)
    written = log_output.getvalue()
    assert leaks(written) == [] and "'update_id': 4242" in written
    assert "Traceback" in written and "TypeError" in written  # frames and type kept


def test_our_lines_keep_what_the_platform_said_and_mask_tokens(
        log_output: io.StringIO) -> None:
    log = logging.getLogger("bot.channels.test")
    failure = NotSent("Bad Request: chat not found", "telegram", "sendMessage", 400)
    log.error("send failed %s chat=%s url=%s", failure.fields(), "7000000031",
              f"https://api.telegram.org/bot{TOKENS['telegram']}/sendMessage")
    try:
        raise ValueError(f"no household called {NAME}")
    except ValueError:
        log.exception("update failed name=%s", NAME, extra={"text": TEXT})
    written = log_output.getvalue()
    assert leaks(written) == [], written
    assert "description='Bad Request: chat not found'" in written and "chat=7000000031" in written
    assert "/bot***/sendMessage" in written and "ValueError: <redacted" in written
