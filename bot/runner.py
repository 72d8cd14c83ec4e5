"""Run the chat channels whose tokens are set (Telegram, Zalo) with the scheduler."""

from __future__ import annotations

from bot.settings import Settings


async def run_channels(settings: Settings) -> None:
    """Not built yet: Telegram and Zalo adapters are issue 4."""
    raise SystemExit("Kênh Telegram/Zalo chưa được xây dựng (issue 4); dùng `giamngheo chat`.")
