"""Broadcast: reminders to many village heads through the real Telegram adapter, spaced out by
the scheduler's Broadcaster, against a fake Bot API that enforces 30 messages a second.

    python -m bench.broadcast --count 600 --per-second 25 --per-second 29

The fake answers 429 (retry_after 1 s, as Telegram does) to any sendMessage that would be the
31st accepted within one second (sliding window, measured when the request arrives).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import logging
import time
from typing import Any, cast

from bot.channels.base import ChannelRegistry
from bot.channels.telegram import TelegramChannel, build_application
from messaging.messages import Address, Button, Reply
from services.broadcast import Broadcaster, DeliveryPolicy
from tests.e2e.fake_api import Call
from tests.e2e.fake_telegram import FakeTelegram

TOKEN = "123456:BENCH-broadcast"
CEILING = 30  # Telegram: about 30 messages a second to different chats
FIRST_CHAT = 8_000_000
REMINDER = Reply("Nhắc báo cáo quý: còn 14 ngày đến hạn chốt số liệu. Thôn của anh/chị có "
                 "các hộ đăng ký thoát nghèo chưa báo cáo; bấm nút dưới để báo cáo ngay.",
                 buttons=[[Button("Báo cáo ngay", "rep:start")]])


class LimitedTelegram(FakeTelegram):
    """A fake Telegram that refuses sends beyond `limit` in any one-second window."""

    def __init__(self, limit: int = CEILING) -> None:
        super().__init__(TOKEN)
        self.limit = limit
        self.window: collections.deque[float] = collections.deque()
        self.accepted_sends = 0
        self.refused = 0

    async def respond(self, call: Call) -> tuple[int, dict[str, Any]]:
        """Enforce the flood limit on sendMessage; other methods as the plain fake."""
        if call.method != "sendMessage":
            return await super().respond(call)
        now = time.monotonic()
        while self.window and self.window[0] <= now - 1.0:
            self.window.popleft()
        if len(self.window) >= self.limit:
            self.refused += 1
            return 429, {"ok": False, "error_code": 429, "parameters": {"retry_after": 1},
                         "description": "Too Many Requests: retry after 1"}
        self.window.append(now)
        self.accepted_sends += 1
        return await self.answer(call)


async def broadcast(count: int, per_second: float) -> dict[str, float]:
    """Send one reminder to each of `count` chats; the figures of the run."""
    fake = LimitedTelegram()
    base_url = await fake.start()
    registry = ChannelRegistry()
    application = build_application(TOKEN, base_url)
    channel = TelegramChannel(application, cast(Any, None), registry)
    registry.add(channel)
    await application.initialize()
    broadcaster = Broadcaster(registry, DeliveryPolicy(per_second=per_second))
    started = time.monotonic()
    try:
        for number in range(count):
            chat = str(FIRST_CHAT + number)
            await broadcaster.send(Address("telegram", chat, chat), [REMINDER])
    finally:
        elapsed = time.monotonic() - started
        await application.shutdown()
        await fake.stop()
    rate = fake.accepted_sends / elapsed
    return {"count": count, "per_second": per_second, "delivered": fake.accepted_sends,
            "seconds": elapsed, "rate": rate, "share": rate / CEILING, "429s": fake.refused}


def main() -> None:
    """Run each requested rate and print one line per run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--per-second", type=float, action="append",
                        help="Broadcaster rate (repeatable); default: 30, the setting's default")
    args = parser.parse_args()
    logging.getLogger("tornado.access").setLevel(logging.ERROR)  # not one line per 429
    for per_second in args.per_second or [DeliveryPolicy().per_second]:
        r = asyncio.run(broadcast(args.count, per_second))
        print(f"broadcaster {r['per_second']:g}/s: {r['delivered']:.0f}/{r['count']:.0f} "
              f"delivered in {r['seconds']:.1f} s = {r['rate']:.2f} msg/s = "
              f"{r['share']:.1%} of {CEILING}/s; 429s received: {r['429s']:.0f}", flush=True)


if __name__ == "__main__":
    main()
