"""Reading Zalo updates in every documented shape (docs/channels.md, "Zalo Bot API").

A webhook body is the update itself or wrapped as `{"ok": true, "result": {...}}` (public
clients disagree, so both are read). The documentation's `getUpdates` sample has no
`event_name` and names the sender `from.first_name`: the event is then read from the message
(text, or a photo). What cannot be read is set aside with a reason, never its text.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from messaging.messages import IncomingMessage

CHANNEL = "zalo"
TEXT, IMAGE = "message.text.received", "message.image.received"
ID_LIMIT, KEY_LIMIT = 64, 99  # the longest chat id and message id the database keeps
NAME_FIELDS = ("display_name", "name", "first_name")


def unwrap(body: Any) -> Any:
    """The update inside Zalo's `{"ok": true, "result": {...}}` wrapper, or the body itself."""
    if isinstance(body, dict) and body.get("ok") is True and isinstance(body.get("result"), dict):
        return body["result"]
    return body


def read(body: Any) -> IncomingMessage | str:
    """A Zalo update as a neutral message, or the reason it is not answered (no text)."""
    update = _fields(unwrap(body))
    message = _fields(update.get("message"))
    sender, chat = _fields(message.get("from")), _fields(message.get("chat"))
    user_id, chat_id = _id(sender.get("id"), ID_LIMIT), _id(chat.get("id"), ID_LIMIT)
    if not message:
        return "no_message"
    if user_id is None or chat_id is None:
        return "no_sender_or_chat"
    if sender.get("is_bot"):
        return "from_a_bot"
    private, event = chat.get("chat_type", "PRIVATE") != "GROUP", event_of(update)
    text = _text(message.get("text")) or _text(message.get("caption"))
    photo = (message.get("photo_url") or message.get("photo")) if event == IMAGE else None
    if event is None:
        return "no_event"
    if not private and (event != TEXT or not text.startswith("/")):
        return "group_chatter"  # in a group only commands are for the bot
    if event not in (TEXT, IMAGE):
        text = ""  # a sticker or unsupported message: answered with a hint, as before
    elif not text.strip() and not isinstance(photo, str):
        return "empty"  # nothing to answer: the deduplication key is not used up
    key = _id(message.get("message_id"), KEY_LIMIT)
    return IncomingMessage(
        channel=CHANNEL, chat_id=chat_id, user_id=user_id, text=text,
        photo=photo if isinstance(photo, str) else None, sent_at=_sent_at(message.get("date")),
        update_key=f"m{key}" if key else None, private=private, user_name=_name(sender))


def update_key(body: Any) -> str:
    """The intake's key of an update: its message id ('-' when it has none; the content
    then tells a redelivery from another update)."""
    key = _id(_fields(_fields(unwrap(body)).get("message")).get("message_id"), KEY_LIMIT)
    return key or "-"


def event_of(update: dict[str, Any]) -> str | None:
    """The update's event; read from the message when `event_name` is missing."""
    event = update.get("event_name")
    if isinstance(event, str):
        return event
    message = _fields(update.get("message"))
    if message.get("photo_url") or message.get("photo"):
        return IMAGE
    return TEXT if isinstance(message.get("text"), str) else None


def describe(body: Any) -> str:
    """What a log line may say of an update: its event and message id, never its text."""
    update = _fields(unwrap(body))
    event = event_of(update) if update else None
    key = _id(_fields(update.get("message")).get("message_id"), KEY_LIMIT)
    shape = "wrapped" if update is not body else "bare" if update else type(body).__name__
    return f"event={event or '-'} message={key or '-'} shape={shape}"


def _name(sender: dict[str, Any]) -> str | None:
    for field in NAME_FIELDS:
        if isinstance(sender.get(field), str) and sender[field].strip():
            return str(sender[field])
    return None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _fields(value: Any) -> dict[str, Any]:
    """An object of the update; anything else (a malformed update) reads as empty."""
    return value if isinstance(value, dict) else {}


def _id(value: Any, limit: int) -> str | None:
    """An id as text (Zalo sends hex strings); None when missing or too long to keep."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = str(value)
    return text if 0 < len(text) <= limit else None


def _sent_at(millis: Any) -> dt.datetime:
    if isinstance(millis, int | float) and millis > 0:
        with contextlib.suppress(ValueError, OverflowError, OSError):
            return dt.datetime.fromtimestamp(millis / 1000, dt.UTC)
    return dt.datetime.now(dt.UTC)
