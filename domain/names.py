"""Vietnamese names: folding for matching, unit prefixes, titles of persons."""

from __future__ import annotations

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
