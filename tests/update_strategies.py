"""Hypothesis strategies for raw platform updates: well-formed ones of every kind, and the
same updates broken (a field dropped, a value of the wrong type, a wrapper, garbage bodies).

Each drawn update comes with what the bot must do with it: ANSWER (one dispatch, its replies
sent), IGNORE (no dispatch), or ANY (malformed: only "no crash, no 500" is required).
"""

from __future__ import annotations

import itertools
import json
from typing import Any

from hypothesis import strategies as st

ANSWER, IGNORE, ANY = "answer", "ignore", "any"
BIG = 2**63 - 1  # the largest id the adapters must take (Telegram ids fit in 52 bits)
NOW = 1_795_000_000  # seconds, Nov. 2026
PHRASES = ["Thôn Chợ thế nào?", "/toi", "/trogiup", "/start", "/start ABCD-EFGH", "/huy",
           "/tinhhinh Thôn Chợ", "/baocao", "hộ bà Phạm Thị Đéc thoát nghèo", "1", "Xác nhận",
           "xin chào", "🙂", "\u200b", " ", "", "\x00", "/", "/start@giamngheo_bot x"]
BUTTON_DATA = ["u:1", "h:1", "rk:exit_poverty", "cf:yes", "ok:1", "no:1", "undo:1", "rs:", ":",
               "", "x" * 65, "ü" * 40]
_ids = itertools.count(1)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**30), 10**30) | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=3),
    max_leaves=6)
texts = st.one_of(
    st.sampled_from(PHRASES), st.text(max_size=80),
    st.tuples(st.characters(), st.integers(1000, 5000)).map(lambda t: t[0] * t[1]))


def next_id() -> int:
    """A fresh update or message number (unique in the test process)."""
    return next(_ids)


# Telegram -------------------------------------------------------------------------------

def _user(user_id: int, is_bot: bool = False) -> dict[str, Any]:
    return {"id": user_id, "is_bot": is_bot, "first_name": "Người", "last_name": "Thử"}


@st.composite
def _tg_message(draw: st.DrawFn, chat: dict[str, Any], sender: dict[str, Any] | None,
                ) -> dict[str, Any]:
    """A message in `chat`: text, or a sticker, contact, photo, location, or nothing at all."""
    message: dict[str, Any] = {"message_id": next_id(), "date": NOW, "chat": chat}
    if sender is not None:
        message["from"] = sender
    content = draw(st.sampled_from(["text", "text", "sticker", "contact", "photo", "location",
                                    "empty"]))
    if content == "text":
        message["text"] = draw(texts)
    elif content == "sticker":
        message["sticker"] = {"file_id": "s1", "file_unique_id": "su", "type": "regular",
                              "width": 512, "height": 512, "is_animated": False,
                              "is_video": False}
    elif content == "contact":
        message["contact"] = {"phone_number": "0912345678", "first_name": "Ba"}
    elif content == "photo":
        message["photo"] = [{"file_id": "p1", "file_unique_id": "pu", "width": 9, "height": 9}]
        if draw(st.booleans()):
            message["caption"] = draw(texts)
    elif content == "location":
        message["location"] = {"latitude": 16.0, "longitude": 108.2}
    return message


@st.composite
def telegram_updates(draw: st.DrawFn, known_users: list[int]) -> tuple[dict[str, Any], str]:
    """A well-formed Bot API update of any kind, and what the bot must do with it."""
    user_id = draw(st.one_of(st.sampled_from(known_users), st.integers(1, BIG)))
    user = _user(user_id)
    private = {"id": user_id, "type": "private", "first_name": "Người"}
    group = {"id": _group_id(draw), "type": draw(st.sampled_from(["group", "supergroup"])),
             "title": "Nhóm"}
    channel = {"id": draw(st.integers(-BIG, -1)), "type": "channel", "title": "Kênh"}
    kind = draw(st.sampled_from(["private", "private", "private", "group", "bot", "channel",
                                 "press", "press", "press_inline", "press_group", "other"]))
    update: dict[str, Any] = {"update_id": next_id()}
    expect = ANSWER
    if kind == "private":
        update["message"] = draw(_tg_message(private, user))
    elif kind == "group":
        message = draw(_tg_message(group, user))
        if draw(st.booleans()):  # a reply to the bot is for the bot
            message["reply_to_message"] = {"message_id": 1, "date": NOW, "chat": group,
                                           "from": _user(4242, is_bot=True), "text": "…"}
        update["message"] = message
        text = message.get("text")
        for_bot = isinstance(text, str) and text.startswith("/")
        expect = ANSWER if for_bot or "reply_to_message" in message else IGNORE
    elif kind == "bot":
        update["message"], expect = draw(_tg_message(private, _user(user_id, True))), IGNORE
    elif kind == "channel":
        update["message"], expect = draw(_tg_message(channel, None)), IGNORE
    elif kind.startswith("press"):
        query: dict[str, Any] = {"id": f"cb{next_id()}", "from": user, "chat_instance": "ci"}
        data = draw(st.one_of(st.sampled_from(BUTTON_DATA), st.text(max_size=80), st.none()))
        if data is not None:
            query["data"] = data
        if kind == "press_inline":
            query["inline_message_id"] = "im1"
        else:
            chat = group if kind == "press_group" else private
            query["message"] = {"message_id": 1, "date": NOW, "chat": chat, "text": "…"}
        update["callback_query"] = query
        expect = ANY if kind == "press_group" else ANSWER  # groups: allowed, not required
    else:
        update.update(draw(_other_kinds(user, private, channel)))
        expect = IGNORE
    return update, expect


def _group_id(draw: st.DrawFn) -> int:
    """A negative id, new for every update: python-telegram-bot's rate limiter lets a group
    have 20 messages a minute, and shrinking would otherwise send everything to group -1."""
    return -(draw(st.sampled_from([1, 10**12, BIG // 2])) + next_id())


def _other_kinds(user: dict[str, Any], private: dict[str, Any],
                 channel: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Update kinds the bot does not answer (it asks for none of them, but may get them)."""
    bot = _user(4242, is_bot=True)
    message = {"message_id": 5, "date": NOW, "chat": private, "from": user, "text": "sửa"}
    member = {"chat": private, "from": user, "date": NOW,
              "old_chat_member": {"status": "member", "user": bot},
              "new_chat_member": {"status": "kicked", "user": bot, "until_date": 0}}
    poll = {"id": "p1", "question": "?", "total_voter_count": 1, "is_closed": False,
            "is_anonymous": True, "type": "regular", "allows_multiple_answers": False,
            "allows_revoting": False, "members_only": False,  # required since Bot API 9.6-10
            "options": [{"text": "a", "voter_count": 1, "persistent_id": "o1"}]}
    return st.sampled_from([
        {"edited_message": message | {"edit_date": NOW}},
        {"channel_post": {"message_id": 6, "date": NOW, "chat": channel, "text": "/toi"}},
        {"edited_channel_post": {"message_id": 6, "date": NOW, "chat": channel, "text": "x",
                                 "edit_date": NOW}},
        {"my_chat_member": member}, {"chat_member": member}, {"poll": poll},
        {"poll_answer": {"poll_id": "p1", "user": user, "option_ids": [0],
                         "option_persistent_ids": ["o1"]}},
        {"inline_query": {"id": "q1", "from": user, "query": "Thôn Chợ", "offset": ""}},
        {"message_reaction": {"chat": private, "message_id": 5, "date": NOW, "user": user,
                              "old_reaction": [], "new_reaction": [{"type": "emoji",
                                                                    "emoji": "👍"}]}},
        {"some_future_kind": {"id": 1}}, {},
    ])


# Zalo -----------------------------------------------------------------------------------

ZALO_EVENTS = ["message.text.received", "message.text.received", "message.image.received",
               "message.sticker.received", "message.unsupported.received", "message.new.kind"]
hex_ids = st.text(alphabet="0123456789abcdef", min_size=1, max_size=64)


@st.composite
def zalo_updates(draw: st.DrawFn, known_users: list[str]) -> tuple[dict[str, Any], str]:
    """A well-formed Zalo update (private or group, any event), and what the bot must do."""
    user_id = draw(st.one_of(st.sampled_from(known_users), hex_ids))
    event = draw(st.sampled_from(ZALO_EVENTS))
    group = draw(st.one_of(st.none(), hex_ids))
    chat = {"id": group or user_id, "chat_type": "GROUP" if group else "PRIVATE"}
    if draw(st.booleans()) and not group:
        del chat["chat_type"]  # assumed private when absent
    sender: dict[str, Any] = {"id": user_id, "display_name": draw(st.text(max_size=30))}
    is_bot = draw(st.integers(0, 9)) == 0
    if is_bot:
        sender["is_bot"] = True
    message: dict[str, Any] = {"message_id": f"m{next_id():08x}", "from": sender, "chat": chat,
                               "date": NOW * 1000}
    if event == "message.text.received":
        message["text"] = draw(texts)
    if event == "message.image.received":
        message["photo_url"] = "https://f1.zdn.vn/p/" + draw(hex_ids)
        message["caption"] = draw(st.one_of(st.none(), texts))
    text = message.get("text") or ""
    command = event == "message.text.received" and text.startswith("/")
    blank = event == "message.text.received" and not text.strip()  # issue 11: not dispatched
    expect = IGNORE if is_bot or blank or (group and not command) else ANSWER
    return {"event_name": event, "message": message}, expect


# Breaking them --------------------------------------------------------------------------

def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path inside nested dicts and lists."""
    found: list[tuple[Any, ...]] = [prefix] if prefix else []
    items = value.items() if isinstance(value, dict) else \
        enumerate(value) if isinstance(value, list) else []
    for key, inner in items:
        found += _paths(inner, (*prefix, key))
    return found


@st.composite
def broken(draw: st.DrawFn, well_formed: st.SearchStrategy[tuple[dict[str, Any], str]],
           ) -> dict[str, Any]:
    """A well-formed update with one to three fields dropped or given values of wrong types."""
    update, _ = draw(well_formed)
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(update)
        if not paths:
            break
        *parents, last = draw(st.sampled_from(paths))
        holder: Any = update
        for key in parents:
            holder = holder[key]
        if isinstance(holder, dict) and draw(st.booleans()):
            del holder[last]
        else:
            holder[last] = draw(st.one_of(json_values, st.integers(BIG, 10**40),
                                          st.text(min_size=65, max_size=300)))
    return update


def garbage_bodies() -> st.SearchStrategy[bytes]:
    """Bodies that are no update at all: not JSON, not UTF-8, or JSON but not an object."""
    return st.one_of(
        st.binary(max_size=200),
        st.sampled_from([b"", b"{", b"null", b"[]", b"[{}]", b'"update"', b"42", b"\xff\xfe{}"]),
        st.lists(json_values, max_size=3).map(lambda v: json.dumps(v).encode()))


def wrong_secrets(secret: str) -> st.SearchStrategy[str | None]:
    """A missing header, an empty one, or a near miss of `secret`."""
    printable = st.text(st.characters(min_codepoint=33, max_codepoint=126), max_size=40)
    return st.one_of(st.none(), st.just(""), st.just(secret[:-1]), st.just(secret + "x"),
                     st.just(secret.upper()), printable.filter(lambda s: s != secret))
