"""Property test: any text, button data or odd input, from any kind of user, gets a reply.

The dispatcher's error handler (the "try again shortly" reply) must never be reached:
every input is either understood or answered with a hint.
"""

from __future__ import annotations

import itertools
import logging
import os
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handlers.router import Dispatcher
from messaging.messages import IncomingMessage
from storage.db import Database
from tests.helpers import FixedClock, login

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "1500"))  # per engine: ~10 s on SQLite
PEOPLE = ("Bùi Thị Minh", "Đỗ Thị Nga", "Đỗ Văn Liên", "admin")  # head, officer, leader
PHRASES = [
    "Thôn Chợ thế nào?", "xã mình đến đâu rồi", "Cẩm Bình đến đâu rồi", "hộ Phạm Thị Đéc",
    "hộ bà Phạm Thị Đéc thoát nghèo", "ho ong pham van thuyet thoat ngheo thang 9",
    "hộ Nguyễn Văn A tái nghèo", "Phạm Thị Hòa thoát cận nghèo", "hộ X chuyển đi",
    "/baocao", "/cho", "/huy", "/toi", "/trogiup", "/tinhhinh", "/tinhhinh Thôn Chợ",
    "/moi", "/moi Thôn Chợ", "/start", "/start ABCD-EFGH", "/start@giamngheo_bot x",
    "1", "2", "3", "0", "-1", "99", "12345678901234567890", "1.5", "Xác nhận", "Sửa", "Hủy",
    "Bỏ qua", "có", "không", "'; DROP TABLE household; --", "\" OR 1=1 --", "%", "_", "\\",
    "ngày 31/2", "tháng 13", "ngày 5/9/2025", "🙂🙂🙂", "\x00", "\u200b", " ", "",
    "/", "//", "/ ", "?", "hộ", "hộ ?", "thôn", "x" * 5000, "Thôn Chợ " * 400,
]
BUTTONS = ["u:", "u:1", "u:999999", "h:1", "h:x", "rv:1", "rh:1", "rh:999999", "rk:exit_poverty",
           "rk:bogus", "rf:members", "rf:zzz", "rn:", "ns:poor", "ns:", "nc:capital", "nc:zz",
           "skip:", "cf:ok", "cf:edit", "cf:cancel", "cf:", "ok:1", "no:1", "undo:1", "ok:x",
           "no:", "undo:999999", ":", "", "::::", "u:-1", "h:1e9"]


def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


texts = st.one_of(
    st.sampled_from(PHRASES),
    st.sampled_from(PHRASES).map(_nfd),
    st.sampled_from(PHRASES).map(str.upper),
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.lists(st.sampled_from(PHRASES), min_size=2, max_size=4).map(" ".join),
)
buttons = st.one_of(st.sampled_from(BUTTONS), st.text(max_size=70),
                    st.builds(lambda k, v: f"{k}:{v}", st.sampled_from(["u", "h", "rh", "ok",
                              "no", "undo", "rv", "rk", "cf", "nc"]), st.text(max_size=20)))
messages = st.tuples(st.integers(0, len(PEOPLE)), st.one_of(texts.map(lambda t: (t, None)),
                                                            buttons.map(lambda b: ("", b))),
                     st.booleans())


class Failures(logging.Handler):
    """Collects every record the dispatcher logs at ERROR (its error handler)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


_FAILURES = Failures()
logging.getLogger("handlers.router").addHandler(_FAILURES)
_KEYS = itertools.count()
_USERS: dict[int, list[str]] = {}


async def _accounts(db: Database) -> list[str]:
    """Chat accounts (stranger, head, officer, leader, admin), linked once per database."""
    if id(db) not in _USERS:
        _USERS[id(db)] = ["stranger"] + [await login(db, name) for name in PEOPLE]
    return _USERS[id(db)]


@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(message=messages)
async def test_every_message_is_answered_without_error(
    demo_db: Database, clock: FixedClock, message: tuple[int, tuple[str, str | None], bool]
) -> None:
    """Random and malformed input never reaches the error handler and always gets a reply."""
    users = await _accounts(demo_db)
    who, (text, button), private = message
    incoming = IncomingMessage(channel="test", chat_id=users[who], user_id=users[who],
                               text=text, button=button, private=private or who == 0,
                               update_key=f"fuzz{next(_KEYS)}")
    _FAILURES.records.clear()
    replies = await Dispatcher(demo_db, clock=clock).handle(incoming)
    assert not _FAILURES.records, _FAILURES.records[0].exc_text
    assert replies, (users[who], text[:80], button)
