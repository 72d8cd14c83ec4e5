"""Places in a message, as typed ('Thôn Chợ', 'so sánh Chợ với Tô'); households and
persons are read by understanding.names ('hộ bà Phạm Thị Đéc', 'Đỗ Thị Nga phụ trách').

A place is a unit word (thôn, xã, phường, bản, tổ dân phố...) and the name words after
it. Name words stop at a word of the grammar ('và', 'có', 'quý'...) unless it is typed
with a capital where the message has capitals ('Cam Phúc Nam'). No database here: the
router resolves the names against the unit tree and the asker's scope.
"""

from __future__ import annotations

from collections.abc import Container

from domain.names import UNIT_PREFIXES, fold
from understanding.names import (
    MAX_NAME_WORDS,
    MIDDLE,
    OWN,
    TITLES,
    capitalised,
    known_run,
    name_run,
)
from understanding.text import Text

PREFIXES = sorted((tuple(p.split()) for p in UNIT_PREFIXES), key=len, reverse=True)
LEVEL_OF = {tuple(p.split()): level for p, (level, _) in UNIT_PREFIXES.items()}
ENGLISH_PREFIXES = {"village": "village", "commune": "commune", "ward": "commune"}
ENGLISH_PLURALS = {f"{word}s": level for word, level in ENGLISH_PREFIXES.items()}
ENGLISH_PREFIXES |= ENGLISH_PLURALS
# 'xếp hạng các thôn', 'top thôn', 'rank villages': a unit word that names a level, not a unit
PLURAL = frozenset({"cac", "nhung", "top", "moi", "tung", "hang", "rank", "all", "tat"})
KIND_OF = {tuple(p.split()): kind for p, (_, kind) in UNIT_PREFIXES.items()}
AND = frozenset({"va", "voi", "hay", "and", "or", "vs", "versus", "hoac", "with", "against"})


def prefix_at(words: list[str], index: int) -> tuple[int, str] | None:
    """(length, level) of a unit word starting at `index`, if any."""
    for prefix in PREFIXES:
        if tuple(words[index : index + len(prefix)]) == prefix:
            return len(prefix), LEVEL_OF[prefix]
    if words[index] in ENGLISH_PREFIXES:
        return 1, ENGLISH_PREFIXES[words[index]]
    return None


NOT_UNIT = {
    ("ban", "tin"),
    ("tinh", "hinh"),
    ("quan", "ly"),
    ("quan", "tam"),
    ("ban", "dau"),
    ("ban", "oi"),
}


def _is_unit_word(
    text: Text, index: int, length: int, used: set[int], known: Container[str]
) -> bool:
    """'trưởng thôn', 'tình hình', 'quản lý' hold a unit word that names no unit; neither
    does a surname that folds to one ('hộ Bàn Văn Tuấn', 'Đỗ Thị Phượng'): typed with other
    diacritics than the unit word, before a middle name, or after 'hộ'/'ông'/'bà' or a
    middle name unless a known unit's name follows ('hộ thôn Chợ')."""
    words = text.words
    if index > 0 and words[index - 1] == "truong" and words[index] in ("thon", "ban", "ap"):
        # 'ai là trưởng thôn' names a role; 'trưởng thôn Chợ là ai' a role and a unit
        following = index + length
        if following < len(words) and prefix_at(words, following) is not None:
            return False  # 'trưởng thôn Thôn Tô': the second unit word names the unit
        return known_run(words, following, used, known) > following or (
            following < len(words) and capitalised(text, following)
        )
    if tuple(words[index : index + 2]) in NOT_UNIT:
        return False
    typed = text.typed(index, index + length - 1).lower()
    if typed != fold(typed) and typed != KIND_OF.get(tuple(words[index : index + length])):
        return False  # 'Bàn' is a surname, 'bản' a unit word
    after = words[index + length] if index + length < len(words) else ""
    if after in MIDDLE:
        return False
    before = words[index - 1] if index > 0 else ""
    if before in MIDDLE | TITLES | {"ho", "nha"}:
        return known_run(words, index + length, used, known) > index + length
    return True


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
        if found is None or not _is_unit_word(text, index, found[0], used, known):
            index += 1
            continue
        length, level = found
        if words[index] in ENGLISH_PLURALS:  # 'rank villages', 'villages not reported'
            bare_level = bare_level or level
            used.add(index)
            index += 1
            continue
        after = words[index + length] if index + length < len(words) else ""
        end = known_run(words, index + length, used, known)
        if end == index + length and after not in OWN:
            end = name_run(text, index + length, grammar, used, first_free=True)
        if end > index + length:
            places.append((text.typed(index, end - 1), level, (index, end - 1)))
        elif after in ("nao", "which", "xep") or (
            index > 0 and words[index - 1] in PLURAL | {"which"}
        ):
            bare_level = bare_level or level
        else:
            own = True
            if after in OWN:  # 'xã mình': 'mình' is no name left over
                end = index + length + 1
        used.update(range(index, max(end, index + length)))
        index = max(end, index + length)
        if places and places[-1][2][1] == index - 1:
            index = _second(text, grammar, used, known, places, level, index)
    return places, bare_level, own


def _second(
    text: Text,
    grammar: frozenset[str],
    used: set[int],
    known: Container[str],
    places: list[tuple[str, str, tuple[int, int]]],
    level: str,
    index: int,
) -> int:
    """'Thôn Chợ và Tô', 'Chợ với Thôn Tô': a second name after 'và'/'với'/'vs' is a place
    of the same level (its unit word left out); returns where to go on reading."""
    words = text.words
    start = index + 1
    if index >= len(words) or words[index] not in AND or start >= len(words):
        return index
    if start in used or prefix_at(words, start) is not None:
        return index
    end = known_run(words, start, used, known)
    if end == start:
        end = name_run(text, start, grammar, used, first_free=True)
    if end > start:
        places.append((text.typed(start, end - 1), level, (start, end - 1)))
        used.update(range(index, end))
        return end
    return index


def bare_pair(
    text: Text, grammar: frozenset[str], used: set[int], known: Container[str]
) -> list[tuple[str, str, tuple[int, int]]]:
    """'so sánh Chợ với Tô': two names without a unit word joined by 'và'/'với', one of
    them a known unit's; [] when there is no such pair."""
    words = text.words
    for index, word in enumerate(words):
        if word not in AND or index in used or index == 0:
            continue
        first = next(
            (
                s
                for s in range(max(0, index - MAX_NAME_WORDS), index)
                if not used.intersection(range(s, index))
                and (
                    known_run(words, s, used, known) == index
                    or name_run(text, s, grammar, used) == index
                )
            ),
            None,
        )
        end = known_run(words, index + 1, used, known)
        if end == index + 1:
            end = name_run(text, index + 1, grammar, used)
        if first is None or end == index + 1:
            continue
        names = (" ".join(words[first:index]), " ".join(words[index + 1 : end]))
        if any(name in known for name in names):
            return [
                (text.typed(first, index - 1), "", (first, index - 1)),
                (text.typed(index + 1, end - 1), "", (index + 1, end - 1)),
            ]
    return []
