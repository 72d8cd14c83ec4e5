"""People chatting through a fake platform: say, press a button, expect an answer.

Telegram presses are callback queries; Zalo presses are the menu number typed back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from tests.e2e.fake_api import WAIT, Call, FakeBotApi
from tests.e2e.fake_telegram import FakeTelegram, buttons
from tests.e2e.fake_zalo import FakeZalo

MENU_LINE = re.compile(r"^(\d+)\. (.+)$", re.MULTILINE)


@dataclass
class Person:
    """A user of the bot and their account on the platform."""

    name: str
    account: dict[str, Any]
    chat: Any


class Driver(Protocol):
    """What a scenario needs from a platform."""

    channel: str

    def person(self, name: str, number: int) -> Person: ...
    async def say(self, person: Person, text: str) -> None: ...
    async def press(self, person: Person, label: str) -> None: ...
    async def expect(self, person: Person, fragment: str, timeout: float = WAIT) -> str: ...


def pick(choices: list[tuple[str, str]], label: str) -> str | None:
    """The value of the choice whose label starts with, else contains, `label`."""
    wanted = label.lower()
    for test in (str.startswith, str.__contains__):
        for text, value in choices:
            if test(text.lower(), wanted):
                return value
    return None


F = TypeVar("F", bound=FakeBotApi)


class _Base(Generic[F]):
    def __init__(self, fake: F) -> None:
        self.fake = fake
        self.cursor: dict[Any, int] = {}

    def _texts(self, person: Person) -> list[str]:
        raise NotImplementedError

    def _mark(self, person: Person) -> None:
        self.cursor[person.chat] = len(self._texts(person))

    async def expect(self, person: Person, fragment: str, timeout: float = WAIT) -> str:
        """The first message to `person` since their last action that contains `fragment`."""
        def found() -> str | None:
            new = self._texts(person)[self.cursor.get(person.chat, 0):]
            return next((text for text in new if fragment in text), None)
        try:
            text: str = await self.fake.wait_until(found, timeout)
        except AssertionError:
            new = self._texts(person)[self.cursor.get(person.chat, 0):]
            raise AssertionError(f"{person.name} never got {fragment!r}; got {new}") from None
        return text


class TelegramDriver(_Base[FakeTelegram]):
    """People on the fake Telegram."""

    channel = "telegram"

    def person(self, name: str, number: int) -> Person:
        """A Telegram account with a numeric id; its private chat has the same id."""
        user = {"id": 7_000_000_000 + number, "is_bot": False, "first_name": name}
        return Person(name, user, user["id"])

    def _texts(self, person: Person) -> list[str]:
        return [_text(c) for c in self.fake.sent(person.chat)]

    async def say(self, person: Person, text: str) -> None:
        """Send a text message."""
        self._mark(person)
        self.fake.text(person.account, text)

    async def press(self, person: Person, label: str) -> None:
        """Press the inline button of the latest keyboard whose label matches."""
        for call in reversed(self.fake.sent(person.chat)):
            if (data := pick(buttons(call), label)) is not None:
                self._mark(person)
                self.fake.press(person.account, data)
                return
        raise AssertionError(f"no button {label!r} for {person.name}")


class ZaloDriver(_Base[FakeZalo]):
    """People on the fake Zalo."""

    channel = "zalo"

    def person(self, name: str, number: int) -> Person:
        """A Zalo account: hex string ids, chat id equal to the user id in private."""
        user = {"id": f"{0x5A10_0000_0000 + number:x}", "display_name": name}
        return Person(name, user, user["id"])

    def _texts(self, person: Person) -> list[str]:
        return [c.params["text"] for c in self.fake.sent(person.chat)]

    async def say(self, person: Person, text: str) -> None:
        """Send a text message."""
        self._mark(person)
        self.fake.text(person.account, text)

    async def press(self, person: Person, label: str) -> None:
        """Type the number of the latest numbered menu line whose label matches."""
        for text in reversed(self._texts(person)):
            choices = [(m.group(2), m.group(1)) for m in MENU_LINE.finditer(text)]
            if (number := pick(choices, label)) is not None:
                await self.say(person, number)
                return
        raise AssertionError(f"no menu line {label!r} for {person.name}")


def _text(call: Call) -> str:
    return str(call.params.get("text") or call.params.get("caption") or "")
