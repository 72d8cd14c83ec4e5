"""Vietnamese names: folding for matching, unit prefixes, titles of persons."""

from __future__ import annotations

import functools
import re
import unicodedata

UNIT_PREFIXES: dict[str, tuple[str, str]] = {
    # folded prefix -> (level, display kind)
    "tinh": ("province", "tỉnh"),
    "thanh pho": ("district", "thành phố"),
    "huyen": ("district", "huyện"),
    "thi xa": ("district", "thị xã"),
    "quan": ("district", "quận"),
    "xa": ("commune", "xã"),
    "phuong": ("commune", "phường"),
    "thi tran": ("commune", "thị trấn"),
    "thon": ("village", "thôn"),
    "ban": ("village", "bản"),
    "ap": ("village", "ấp"),
    "to dan pho": ("village", "tổ dân phố"),
    "khu pho": ("village", "khu phố"),
    "xom": ("village", "xóm"),
    "lang": ("village", "làng"),
    "buon": ("village", "buôn"),
    "khoi": ("village", "khối"),
    "tdp": ("village", "tổ dân phố"),
}
TITLES = {"ong": "Ông", "ba": "Bà"}


def fold(text: str) -> str:
    """Lower-case, strip diacritics (NFC or NFD input), đ -> d, single spaces."""
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    bare = bare.replace("đ", "d").replace("Đ", "D").lower()
    return " ".join(re.sub(r"[^\w\s]", " ", bare).split())


def nfc(text: str) -> str:
    """Canonical composed form for storing and printing."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def split_unit_prefix(name: str, level: str) -> tuple[str, str]:
    """('Thôn Chợ', 'village') -> ('thôn', 'cho'): display kind and folded bare name."""
    folded = fold(name)
    for prefix in sorted(UNIT_PREFIXES, key=len, reverse=True):
        prefix_level, kind = UNIT_PREFIXES[prefix]
        if prefix_level == level and folded.startswith(prefix + " "):
            return kind, folded.removeprefix(prefix + " ")
    default_kind = {"province": "tỉnh", "district": "huyện", "commune": "xã", "village": "thôn"}
    return default_kind[level], folded


def strip_any_unit_prefix(folded: str) -> str:
    """Drop a leading unit word ('thon cho' -> 'cho') from folded text."""
    for prefix in sorted(UNIT_PREFIXES, key=len, reverse=True):
        if folded.startswith(prefix + " "):
            return folded.removeprefix(prefix + " ")
    return folded


def split_title(person: str) -> tuple[str | None, str]:
    """'Bà: Phạm Thị Đéc' -> ('Bà', 'Phạm Thị Đéc'); no title -> (None, name)."""
    cleaned = nfc(person.replace(":", " "))
    first, _, rest = cleaned.partition(" ")
    title = TITLES.get(fold(first))
    if title and rest:
        return title, rest.strip()
    return None, cleaned


def mid_sentence(person: str) -> str:
    """'Bà Đỗ Thị Nga' -> 'bà Đỗ Thị Nga': an honorific is lower case inside a sentence."""
    title, name = split_title(person)
    return f"{title.lower()} {name}" if title else person


# Vietnamese alphabetical order (a ă â b c d đ e ê ... o ô ơ ... u ư ...), tones second
# (none, huyền, hỏi, ngã, sắc, nặng), lower case before upper: what ICU's "vi" collation
# (CLDR) does; tests check it against PostgreSQL's "vi-x-icu" on the seeds' names.
_SHAPES = {"\u0306": 1, "\u0302": 2, "\u031b": 3}  # breve ă, circumflex â ê ô, horn ơ ư
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


@functools.lru_cache(maxsize=1 << 17)  # names repeat: "Thôn Chợ" in every commune
def sort_key(text: str) -> tuple[tuple[tuple[int, int], ...], tuple[int, ...], tuple[bool, ...]]:
    """Key to sort Vietnamese names as a Vietnamese reader expects (any case, NFC or NFD)."""
    letters: list[tuple[int, int]] = []
    tones: list[int] = []
    upper: list[bool] = []
    for char in unicodedata.normalize("NFD", " ".join(text.split())):
        if char in _TONES:
            tones[-1:] = [_TONES[char]]
        elif char in _SHAPES and letters:
            letters[-1] = (letters[-1][0], _SHAPES[char])
        elif not unicodedata.combining(char):
            base = "d" if char in "đĐ" else char.lower()
            letters.append((ord(base), 1 if char in "đĐ" else 0))
            tones.append(0)
            upper.append(char != char.lower())
    return tuple(letters), tuple(tones), tuple(upper)
