"""Fake Telegram Bot API: getUpdates with offsets, sends recorded as Telegram would answer."""

from __future__ import annotations

import itertools
import json
import time
from typing import Any

from tests.e2e.fake_api import Call, FakeBotApi

BOT = {"id": 4242, "is_bot": True, "first_name": "Giảm nghèo", "username": "giamngheo_bot",
       "can_join_groups": True, "can_read_all_group_messages": False,
       "supports_inline_queries": False}
SENDS = ("sendMessage", "sendPhoto", "sendDocument")


class FakeTelegram(FakeBotApi):
    """Enough of the Bot API for python-telegram-bot's Application."""

    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.updates: list[dict[str, Any]] = []
        self.update_ids = itertools.count(1000)
        self.message_ids = itertools.count(1)

    async def answer(self, call: Call) -> tuple[int, dict[str, Any]]:
        """Answer one method the way Telegram does."""
        method, params = call.method, call.params
        if method == "getMe":
            return 200, {"ok": True, "result": BOT}
        if method == "getUpdates":
            return 200, {"ok": True, "result": await self._get_updates(params)}
        if method in SENDS:
            return 200, {"ok": True, "result": self._message(call)}
        return 200, {"ok": True, "result": True}  # setMyCommands, answerCallbackQuery, webhooks

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        self.updates = [u for u in self.updates if u["update_id"] >= offset]
        await self.hold(lambda: bool(self.updates), float(params.get("timeout") or 0))
        return self.updates[:100]

    def _message(self, call: Call) -> dict[str, Any]:
        chat_id = int(call.params["chat_id"])
        message: dict[str, Any] = {"message_id": next(self.message_ids), "date": int(time.time()),
                                   "chat": {"id": chat_id, "type": "private"}}
        if call.method == "sendMessage":
            message["text"] = call.params["text"]
        elif call.method == "sendPhoto":
            message["photo"] = [{"file_id": "p1", "file_unique_id": "u1", "width": 1,
                                 "height": 1}]
        else:
            message["document"] = {"file_id": "d1", "file_unique_id": "u2"}
        return message

    def update(self, **content: Any) -> dict[str, Any]:
        """Queue an update (message=... or callback_query=...) for the next getUpdates."""
        update = {"update_id": next(self.update_ids), **content}
        self.updates.append(update)
        self.push()
        return update

    def text(self, user: dict[str, Any], text: str, chat: dict[str, Any] | None = None,
             ) -> dict[str, Any]:
        """Queue a text message from `user` (in a private chat unless `chat` is given)."""
        chat = chat or {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        return self.update(message={"message_id": next(self.message_ids),
                                    "date": int(time.time()), "chat": chat, "from": user,
                                    "text": text})

    def press(self, user: dict[str, Any], data: str, message_id: int = 1) -> dict[str, Any]:
        """Queue a button press (callback query) from `user` in their private chat."""
        chat = {"id": user["id"], "type": "private"}
        return self.update(callback_query={
            "id": f"cb{next(self.message_ids)}", "from": user, "chat_instance": "ci",
            "data": data, "message": {"message_id": message_id, "date": int(time.time()),
                                      "chat": chat, "text": "…"}})

    def sent(self, chat_id: int | None = None) -> list[Call]:
        """Accepted sends, optionally to one chat."""
        return [c for c in self.calls if c.method in SENDS and c.accepted
                and (chat_id is None or int(c.params["chat_id"]) == chat_id)]


def buttons(call: Call) -> list[tuple[str, str]]:
    """(label, callback data) of a sent message's inline keyboard."""
    markup = json.loads(call.params.get("reply_markup") or "{}")
    return [(b["text"], b["callback_data"]) for row in markup.get("inline_keyboard", [])
            for b in row]
