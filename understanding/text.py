"""Tokens of a message: folded for matching, each keeping the span of the text as typed.

Folding (no diacritics, lower case, NFC or NFD in) makes "Thôn Chợ", "thon cho" and
"THÔN CHỢ" alike; the span lets a slot hand back the words exactly as the person typed
them, so the bot never echoes a folded name. Zalo short forms ("ko", "dc", "bn") and
common typos of the words the grammar relies on are expanded here, once.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from domain.names import fold

WORD = re.compile(r"\w+(?:[/\-.]\w+)*|\?")
DATE_LIKE = re.compile(r"\d[/\-.]\d")
# short form or typo (folded) -> what it stands for (folded, may be several words)
SHORT_FORMS: dict[str, str] = {
    "ko": "khong",
    "k": "khong",
    "kg": "khong",
    "hok": "khong",
    "hem": "khong",
    "khg": "khong",
    "kh": "khong",
    "dc": "duoc",
    "dk": "duoc",
    "bn": "bao nhieu",
    "bnh": "bao nhieu",
    "bao nhiu": "bao nhieu",
    "nhiu": "nhieu",
    "ntn": "nhu the nao",
    "tn": "the nao",
    "j": "gi",
    "z": "vay",
    "v": "vay",
    "r": "roi",
    "rui": "roi",
    "ruj": "roi",
    "roai": "roi",
    "ng": "nguoi",
    "vs": "voi",
    "trc": "truoc",
    "tks": "cam on",
    "thank": "cam on",
    "thanks": "cam on",
    "thx": "cam on",
    "camon": "cam on",
    "cmon": "cam on",
    "ngeo": "ngheo",
    "nghoe": "ngheo",
    "nghe0": "ngheo",
    "ngheoo": "ngheo",
    "nheo": "ngheo",
    "ngho": "ngheo",
    "thaot": "thoat",
    "toat": "thoat",
    "thot": "thoat",
    "thoatt": "thoat",
    "thoak": "thoat",
    "thoac": "thoat",
    "tinhhinh": "tinh hinh",
    "baocao": "bao cao",
    "huongdan": "huong dan",
    "hdan": "huong dan",
    "hd": "huong dan",
    "trogiup": "tro giup",
    "tdp": "to dan pho",
    "q": "quy",
    "ds": "danh sach",
    "dsach": "danh sach",
    "tl": "ty le",
    "tle": "ty le",
    "bc": "bao cao",
    "bcao": "bao cao",
    "sl": "so luong",
    "pt": "phu trach",
    "cb": "can bo",
    "xn": "xac nhan",
    "hdsd": "huong dan su dung",
    "hdds": "huong dan su dung",
    "sosanh": "so sanh",
    "oki": "ok",
    "okie": "ok",
    "oke": "ok",
    "okela": "ok",
    "okay": "ok",
    "uk": "u",
    "ukm": "u",
    "uhm": "u",
    "helo": "hello",
    "hallo": "hello",
    "hj": "hi",
}
PARTICLES = frozenset(
    {"a", "nhe", "nha", "nhen", "ha", "vay", "day", "nhi", "oi", "em", "roi", "anh", "chi"}
)


@dataclass(frozen=True)
class Token:
    """One word: folded form and where it sits in the text as typed (NFC)."""

    folded: str
    start: int
    end: int


@dataclass(frozen=True)
class Text:
    """A message as typed (NFC) and as tokens."""

    original: str
    tokens: tuple[Token, ...]

    @property
    def folded(self) -> str:
        """The tokens' folded forms joined by spaces."""
        return " ".join(t.folded for t in self.tokens)

    @property
    def words(self) -> list[str]:
        """The folded forms, one a token."""
        return [t.folded for t in self.tokens]

    def typed(self, first: int, last: int) -> str:
        """The text as typed from token `first` to token `last` (inclusive)."""
        return self.original[self.tokens[first].start : self.tokens[last].end]

    @property
    def asks(self) -> bool:
        """True when the message ends with (or holds) a question mark."""
        return "?" in self.original


def words(text: str) -> frozenset[str]:
    """A set of words written as one string."""
    return frozenset(text.split())


def tokens(text: str) -> Text:
    """Split NFC text into folded tokens, short forms expanded, each with its typed span."""
    original = unicodedata.normalize("NFC", text).strip()
    found: list[Token] = []
    for match in WORD.finditer(original):
        raw = match.group(0)
        if raw == "?":
            continue
        folded = _fold_keep_slash(raw) if DATE_LIKE.search(raw) else fold(raw)
        for word in SHORT_FORMS.get(folded, folded).split():
            found.append(Token(word, match.start(), match.end()))
    return Text(original, tuple(found))


def _fold_keep_slash(raw: str) -> str:
    """'3/2024' and '3-2024' become '3/2024'; 'Q3/2024' becomes 'q3/2024'."""
    return "/".join(fold(part) for part in re.split(r"[/\-.]", raw))


def token_range(text: Text, start: int, end: int) -> tuple[int, int]:
    """Token indices (first, last) covering characters start..end of `text.folded`."""
    position, first, last = 0, -1, -1
    for index, word in enumerate(text.words):
        word_end = position + len(word)
        if first < 0 and word_end > start:
            first = index
        if position < end:
            last = index
        position = word_end + 1
    return first, last
