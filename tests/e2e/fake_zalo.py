"""Fake Zalo Bot API: one update per getUpdates (408 when the poll ends empty), JSON bodies."""

from __future__ import annotations

import itertools
import time
from typing import Any

from tests.e2e.fake_api import Call, FakeBotApi

BOT = {"id": "b0a1", "account_name": "bot.giamngheo", "account_type": "BASIC",
       "can_join_groups": True}
SENDS = ("sendMessage", "sendPhoto")
TEXT = "message.text.received"


class FakeZalo(FakeBotApi):
    """The methods of the Zalo Bot API this bot uses."""

    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.updates: list[dict[str, Any]] = []
        self.message_ids = itertools.count(1)
        self.webhook: dict[str, Any] = {}

    async def answer(self, call: Call) -> tuple[int, dict[str, Any]]:
        """Answer one method the way Zalo does."""
        method = call.method
        if method == "getMe":
            return 200, {"ok": True, "result": BOT}
        if method == "getUpdates":
            return await self._get_updates(call.params)
        if method in SENDS:
            return 200, {"ok": True, "result": {"message_id": f"s{next(self.message_ids)}",
                                                "date": int(time.time() * 1000)}}
        if method == "setWebhook":
            self.webhook = dict(call.params)
        if method == "deleteWebhook":
            self.webhook = {}
        return 200, {"ok": True, "result": {"url": self.webhook.get("url", "")}}

    async def _get_updates(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if self.webhook:
            return 200, {"ok": False, "error_code": 409, "description": "webhook is set"}
        await self.hold(lambda: bool(self.updates), float(params.get("timeout") or 0))
        if not self.updates:
            return 200, {"ok": False, "error_code": 408, "description": "Request timeout"}
        return 200, {"ok": True, "result": self.updates.pop(0)}

    def make(self, user: dict[str, Any], text: str, event: str = TEXT,
             group: str | None = None, shape: str = "bare", **extra: Any) -> dict[str, Any]:
        """An update as Zalo sends it (ids as hex strings, date in milliseconds); `shape`
        "wrapped" puts it in `{"ok": true, "result": …}`, "documented" is the getUpdates
        sample of the documentation (no event_name, the sender's name as first_name)."""
        chat = {"id": group or user["id"], "chat_type": "GROUP" if group else "PRIVATE"}
        if shape == "documented":
            user = {"id": user["id"], "first_name": user.get("display_name", "")}
        message = {"message_id": f"m{next(self.message_ids):08x}", "from": user, "chat": chat,
                   "date": int(time.time() * 1000), "text": text, **extra}
        if shape == "documented":
            return {"message": message}
        update = {"event_name": event, "message": message}
        return {"ok": True, "result": update} if shape == "wrapped" else update

    def text(self, user: dict[str, Any], text: str, **options: Any) -> dict[str, Any]:
        """Queue a text message for the next getUpdates."""
        update = self.make(user, text, **options)
        self.updates.append(update)
        self.push()
        return update

    def sent(self, chat_id: str | None = None, method: str = "sendMessage") -> list[Call]:
        """Accepted sends of `method`, optionally to one chat."""
        return [c for c in self.accepted(method)
                if chat_id is None or c.params["chat_id"] == chat_id]
