"""Names in a message, as typed: places ('Thôn Chợ'), households ('hộ bà Phạm Thị Đéc'),
persons ('Đỗ Thị Nga phụ trách thôn nào').

A place is a unit word (thôn, xã, phường, bản, tổ dân phố...) and the name words after
it. Name words stop at a word of the grammar ('và', 'có', 'quý'...) unless it is typed
with a capital where the message has capitals ('Cam Phúc Nam'). No database here: the
router resolves the names against the unit tree and the asker's scope.
"""

from __future__ import annotations

from collections.abc import Container

from domain.names import UNIT_PREFIXES
from understanding.cues import BIGRAMS
from understanding.text import PARTICLES, Text, words

PREFIXES = sorted((tuple(p.split()) for p in UNIT_PREFIXES), key=len, reverse=True)
LEVEL_OF = {tuple(p.split()): level for p, (level, _) in UNIT_PREFIXES.items()}
ENGLISH_PREFIXES = {"village": "village", "commune": "commune", "ward": "commune"}
OWN = frozenset({"minh", "toi", "nay", "em", "ta", "nha"})
TITLES = frozenset({"ong", "ba", "mr", "mrs", "ms"})
HOUSEHOLD_WORDS = frozenset({"ho", "nha", "gia dinh", "household", "family"})
MAX_NAME_WORDS = 4


def capitalised(text: Text, index: int) -> bool:
    """True when token `index` was typed with a capital in a message that has lower case."""
    original = text.original
    if original == original.upper() or original == original.lower():
        return False
    word = original[text.tokens[index].start : text.tokens[index].end]
    return word[:1].isupper()


def prefix_at(words: list[str], index: int) -> tuple[int, str] | None:
    """(length, level) of a unit word starting at `index`, if any."""
    for prefix in PREFIXES:
        if tuple(words[index : index + len(prefix)]) == prefix:
            return len(prefix), LEVEL_OF[prefix]
    if words[index] in ENGLISH_PREFIXES:
        return 1, ENGLISH_PREFIXES[words[index]]
    return None


HARD_STOPS = words(
    "nao which nay co con la va voi the sao gi ai da chua khong may ra den o"
    " cua nhu duoc dat cham nhat tot hon kem chi quy nam thang ngay tu trong ty ti so phu"
    " in of and or vs with is how has have"
)
# name syllables that are also grammar words: a stop only before these words
NAME_SYLLABLES = {
    "bao": {"nhieu", "cao", "nhiu", "nham", "sai"},
    "tien": {"do"},
    "tai": {"ngheo"},
    "thanh": {"ho", "can"},
    "hoa": set(),
    "tam": set(),
    "hung": set(),
    "phuc": set(),
    "cho": {"duyet", "xac", "xem"},
    "minh": set(),
    "toi": set(),
    "tot": {"nhat", "hon", "qua"},
    "moi": {"ngheo", "thoat"},
    "ha": set(),
    "le": set(),
    "can": {"ngheo", "duyet", "xac", "giup", "bo"},
    "hai": {"ho"},
    "nhat": set(),
    "hong": set(),
    "xuan": set(),
    "son": set(),
    "dat": {"chi"},
    "tan": set(),
}
YEAR_WORDS = frozenset({"nay", "ngoai", "truoc", "qua", "roi", "hien", "sau", "toi"})


def name_run(
    text: Text,
    start: int,
    grammar: frozenset[str],
    used: set[int],
    first_free: bool = False,
    limit: int = MAX_NAME_WORDS,
) -> int:
    """Index one past the last name word from `start`.

    After a unit word the first word is a name unless it is a hard stop ('Thôn Chợ':
    'chợ' is a grammar word elsewhere, 'chờ duyệt'); 'nam' is a name word unless a year
    or 'nay'/'ngoái' follows ('Cam Phúc Nam' but 'năm nay').
    """
    words = text.words
    end = start
    while end < len(words) and end - start < limit and end not in used:
        word = words[end]
        free = first_free and end == start and word not in HARD_STOPS | PARTICLES
        free = free and f"{word} {words[end + 1] if end + 1 < len(words) else ''}" not in BIGRAMS
        stop = (word in grammar or word in PARTICLES or word in HARD_STOPS) and not free
        if word in NAME_SYLLABLES and (end > start or first_free or word not in HARD_STOPS):
            stop = (words[end + 1] if end + 1 < len(words) else "") in NAME_SYLLABLES[word]
        if word == "nam" and end > start:
            following = words[end + 1] if end + 1 < len(words) else ""
            stop = following.isdigit() or following in YEAR_WORDS
        if stop and capitalised(text, end) and (end > start or _capital_next(text, end)):
            stop = False
        if word.isdigit() and (end == start or len(word) > 2):
            break
        if stop and not word.isdigit():
            break
        end += 1
    return end


NOT_UNIT = {
    ("ban", "tin"),
    ("tinh", "hinh"),
    ("quan", "ly"),
    ("quan", "tam"),
    ("ban", "dau"),
    ("ban", "oi"),
}


def _is_unit_word(words: list[str], index: int) -> bool:
    """'trưởng thôn', 'tình hình', 'quản lý' hold a unit word that names no unit."""
    if index > 0 and words[index - 1] == "truong" and words[index] in ("thon", "ban", "ap"):
        return False
    return tuple(words[index : index + 2]) not in NOT_UNIT


def _capital_next(text: Text, index: int) -> bool:
    return index + 1 < len(text.tokens) and capitalised(text, index + 1)


def known_run(words: list[str], start: int, used: set[int], known: Container[str]) -> int:
    """Index one past the longest known unit name starting at `start` (or `start`)."""
    for end in range(min(len(words), start + MAX_NAME_WORDS), start, -1):
        if not used.intersection(range(start, end)) and " ".join(words[start:end]) in known:
            return end
    return start


def find_places(
    text: Text, grammar: frozenset[str], used: set[int], known: Container[str] = ()
) -> tuple[list[tuple[str, str, tuple[int, int]]], str | None, bool]:
    """Places named with a unit word: [(typed, level, span)], a bare level, 'own place'.

    `known` holds the folded names of the units that exist (the unit tree's keys): a
    known name after a unit word is taken whole ('Thôn A Đên', though 'đến' is a word
    of the grammar); other names end where the grammar's words begin.
    """
    words = text.words
    places: list[tuple[str, str, tuple[int, int]]] = []
    bare_level: str | None = None
    own = False
    index = 0
    while index < len(words):
        found = prefix_at(words, index) if index not in used else None
        if found is None or not _is_unit_word(words, index):
            index += 1
            continue
        length, level = found
        after = words[index + length] if index + length < len(words) else ""
        end = known_run(words, index + length, used, known)
        if end == index + length and after not in OWN:
            end = name_run(text, index + length, grammar, used, first_free=True)
        if end > index + length:
            places.append((text.typed(index, end - 1), level, (index, end - 1)))
        elif after in ("nao", "which") or (index > 0 and words[index - 1] == "which"):
            bare_level = bare_level or level
        else:
            own = True
        used.update(range(index, max(end, index + length)))
        index = max(end, index + length)
    return places, bare_level, own


def find_household(
    text: Text, grammar: frozenset[str], used: set[int]
) -> tuple[str | None, str | None, tuple[int, int] | None]:
    """('Bà', 'Phạm Thị Đéc', span) after 'hộ', 'nhà', 'ông', 'bà'; (None, None, None)."""
    words = text.words
    for index, word in enumerate(words):
        pair = " ".join(words[index : index + 2])
        if index in used or (word not in HOUSEHOLD_WORDS | TITLES and pair != "gia dinh"):
            continue
        start = index + 2 if pair == "gia dinh" else index + 1
        title = None
        if start < len(words) and words[start] in ("ong", "ba"):
            title, start = words[start], start + 1
        elif word in TITLES:
            title = word
        end = name_run(text, start, grammar, used, title is not None, limit=len(words))
        if end > start:
            typed_title = {"ong": "Ông", "ba": "Bà", "mr": "Ông", "mrs": "Bà", "ms": "Bà"}.get(
                title or ""
            )
            return typed_title, text.typed(start, end - 1), (index, end - 1)
    return None, None, None


def residual(
    text: Text, grammar: frozenset[str], used: set[int], known: Container[str] = ()
) -> tuple[str, tuple[int, int]]:
    """The longest run of words the grammar does not know: a name typed without unit word.

    A known unit name of two words or more counts as one run ('Hồng Thượng').
    """
    best: tuple[int, int] | None = None
    index = 0
    while index < len(text.words):
        end = known_run(text.words, index, used, known)
        if end < index + 2:
            end = name_run(text, index, grammar, used)
        if end == index + 1 and (text.words[index] in OWN or text.words[index] in grammar):
            end = index  # 'của mình', 'tỷ lệ': one word of the grammar is no name
        if end > index and (best is None or end - index > best[1] - best[0] + 1):
            best = (index, end - 1)
        index = max(end, index + 1)
    if best is None:
        return "", (-1, -1)
    return text.typed(*best), best
