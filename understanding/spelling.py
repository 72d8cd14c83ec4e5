"""Typos in the grammar's own words: 'tohat ngheo', 'huong dna', 'cahm nhat'.

A word the grammar does not know, of four letters or more, typed without diacritics, is
replaced by the grammar word two swapped letters away. One wrong, dropped or added
letter is not guessed: it turns names into words ('thuong' into 'truong', 'trinh' into
'tinh'); the common ones ('ngeo', 'thaot') are listed in understanding.text. Names are left
alone when typed with diacritics, and a word after a name's middle word ('thi',
'van') is never corrected into a question word: 'do thi chau' is a name, not 'chưa'.
"""

from __future__ import annotations

import re

from rapidfuzz import process
from rapidfuzz.distance import OSA

from understanding import changes, cues, periods, slots
from understanding.places import PREFIXES
from understanding.text import SHORT_FORMS, Text, Token

LETTERS = re.compile(r"[a-z]+")
NEVER_INTO = frozenset({"chua", "nao", "sao", "khong", "dau"})
NAME_CONTEXT = frozenset({"thi", "van", "ong", "ba", "ho", "huu", "duc", "minh", "kim"})


def _vocabulary() -> list[str]:
    words: set[str] = set(cues.GRAMMAR_WORDS)
    for pattern, _ in changes.CHANGE_PHRASES:
        words.update(LETTERS.findall(pattern.replace("\\b", " ")))
    for pattern, _ in periods.RULES:
        words.update(LETTERS.findall(pattern.replace("\\b", " ")))
    for table in (slots.STATUSES, slots.MEASURES, slots.LIST_FILTERS, slots.ORDERS):
        for pattern, _ in table:
            words.update(LETTERS.findall(pattern.replace("\\b", " ")))
    for value in SHORT_FORMS.values():
        words.update(value.split())
    words.update(w for prefix in PREFIXES for w in prefix)
    return sorted(w for w in words if len(w) >= 4)


VOCABULARY = _vocabulary()
KNOWN = frozenset(VOCABULARY) | cues.GRAMMAR_WORDS


def _plausible(typed: str, word: str) -> bool:
    """Two letters swapped only: one wrong letter turns names into words ('thuong')."""
    if len(typed) != len(word):
        return False
    return sorted(typed) == sorted(word)


def spelled(text: Text) -> Text:
    """The tokens with typos of grammar words fixed."""
    fixed: list[Token] = []
    for index, token in enumerate(text.tokens):
        word = token.folded
        typed = text.original[token.start : token.end]
        if len(word) >= 4 and word not in KNOWN and word.isalpha() and typed.isascii():
            after_name = index > 0 and text.tokens[index - 1].folded in NAME_CONTEXT
            near = process.extract(
                word, VOCABULARY, scorer=OSA.distance, score_cutoff=1, limit=None
            )
            choices = [
                w
                for w, _, _ in near
                if _plausible(word, w) and not (after_name and w in NEVER_INTO)
            ]  # 'do thi chau' is a name
            if choices:
                token = Token(choices[0], token.start, token.end)
        fixed.append(token)
    return Text(text.original, tuple(fixed))
