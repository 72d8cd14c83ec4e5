"""The neutral message types every channel converts to and from."""

from __future__ import annotations

import dataclasses
import datetime as dt
import unicodedata
from dataclasses import dataclass, field

MAX_TEXT = 4096  # Telegram's own message limit; longer input is cut, never fatal
MAX_BUTTON = 256


@dataclass(frozen=True)
class Button:
    """A choice: the label a person sees and the data the bot gets back."""

    label: str
    data: str


@dataclass(frozen=True)
class IncomingMessage:
    """One thing a person sent: text, a button press, or a photo, on some channel."""

    channel: str
    chat_id: str
    user_id: str
    text: str = ""
    button: str | None = None
    photo: str | None = None
    sent_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    update_key: str | None = None  # the platform's update id (logged; the intake dedupes)
    private: bool = True
    user_name: str | None = None


def cleaned(message: IncomingMessage) -> IncomingMessage:
    """Drop control characters (NUL breaks PostgreSQL text) and cap the lengths."""
    text = _printable(message.text)[:MAX_TEXT]
    button = _printable(message.button)[:MAX_BUTTON] if message.button is not None else None
    return dataclasses.replace(message, text=text, button=button)


def _printable(text: str) -> str:
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")


@dataclass(frozen=True)
class Address:
    """Where a reply goes when it is not the chat that asked."""

    channel: str
    chat_id: str
    user_id: str | None = None  # the account there, so a numbered answer finds its menu


@dataclass
class Reply:
    """What the bot says: text, optional rows of buttons, an optional image or file."""

    text: str
    buttons: list[list[Button]] = field(default_factory=list)
    image: bytes | None = None
    document: tuple[str, bytes] | None = None  # (file name, content)
    to: Address | None = None
    group_safe: bool = False  # no personal data, no decision: may be shown in a group chat
    web_app: str | None = None  # a page to open as a Telegram Mini App (others: the text's link)

    def flat_buttons(self) -> list[Button]:
        """Buttons in reading order, as numbered menus list them."""
        return [button for row in self.buttons for button in row]
