"""The change a one-sentence report names: 'thoát nghèo', 'tái nghèo', 'chuyển đi'...

Moved here from handlers/reports.py so questions and reports share one list. Typos in
the two words everybody types ('thoat ngeo', 'thaot ngheo') are forgiven when they come
as a pair; a destination ('chuyển sang Thôn Tô') is part of the change, never of a name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from domain.statuses import ChangeKind
from understanding.text import Text, token_range

NEAR = r"(?:ho )?can ngheo"
# Longest phrases first: "thoat ngheo con can ngheo" before "thoat ngheo".
CHANGE_PHRASES: tuple[tuple[str, ChangeKind], ...] = (
    (
        rf"thoat ngheo (?:con|sang|thanh|len|xuong|vao|nhung con|van con) {NEAR}"
        rf"|(?:len|chuyen sang|chuyen len|xuong|sang) {NEAR}",
        ChangeKind.EXIT_TO_NEAR_POOR,
    ),
    (
        r"(?:thoat|het|ra khoi|thoat khoi) can ngheo|escaped near poverty|no longer near poor",
        ChangeKind.EXIT_NEAR_POVERTY,
    ),
    (
        r"(?:thoat|thoat khoi|het|ra khoi) ngheo(?: han| hoan toan| ben vung)?"
        r"|(?:escaped|exited|out of|left) poverty",
        ChangeKind.EXIT_POVERTY,
    ),
    (
        r"tai ngheo|ngheo lai|roi lai vao ngheo|quay lai ngheo|fell back(?: into poverty)?"
        r"|back into poverty",
        ChangeKind.FELL_BACK,
    ),
    (
        rf"phat sinh {NEAR}|moi {NEAR}|roi vao {NEAR}|thanh {NEAR}|new near poor"
        r"|became near poor",
        ChangeKind.NEW_NEAR_POOR,
    ),
    (
        r"phat sinh(?: ho)? ngheo|moi ngheo|roi vao ngheo|thanh ho ngheo|new poor|became poor",
        ChangeKind.NEW_POOR,
    ),
    (
        r"chuyen di(?: noi khac)?|chuyen khau|chuyen nha|chuyen (?:sang|ve|den|toi|qua)"
        r"|di noi khac|moved(?: away| out)?(?: to)?",
        ChangeKind.MOVED_AWAY,
    ),
    (
        r"qua doi|da mat|mat roi|chet|nhap ho|tach ho|khong con ai|died|passed away",
        ChangeKind.ENDED,
    ),
    (
        r"sua (?:so )?(?:khau|nhan khau|lao dong|nguyen nhan)|dieu chinh thong tin",
        ChangeKind.CORRECTION,
    ),
)
COMPILED = tuple((re.compile(rf"\b(?:{p})\b"), kind) for p, kind in CHANGE_PHRASES)
PAIRS = (("thoat", "ngheo"), ("tai", "ngheo"), ("can", "ngheo"))
TYPO_SCORE = 75.0


@dataclass(frozen=True)
class FoundChange:
    """A change named in a message and the tokens it covers (destination included)."""

    kind: ChangeKind
    span: tuple[int, int]


def corrected(text: Text) -> Text:
    """The tokens with typos of 'thoát'/'nghèo' fixed where they stand as a pair."""
    words = text.words
    fixed = list(text.tokens)
    for i in range(len(words) - 1):
        for first, second in PAIRS:
            if _alike(words[i], first) and _alike(words[i + 1], second):
                fixed[i] = type(fixed[i])(first, fixed[i].start, fixed[i].end)
                fixed[i + 1] = type(fixed[i])(second, fixed[i + 1].start, fixed[i + 1].end)
    return Text(text.original, tuple(fixed))


def _alike(word: str, wanted: str) -> bool:
    if word == wanted:
        return True
    return len(word) >= 4 and len(wanted) >= 4 and fuzz.ratio(word, wanted) >= TYPO_SCORE


def find_change(text: Text) -> FoundChange | None:
    """The first change phrase of the list that occurs in `text`."""
    folded = text.folded
    for pattern, kind in COMPILED:
        match = pattern.search(folded)
        if match:
            first, last = token_range(text, match.start(), match.end())
            if kind is ChangeKind.MOVED_AWAY and re.search(
                r"(?:sang|ve|den|toi|qua|to)$", match.group(0)
            ):
                last = len(text.tokens) - 1  # 'chuyển sang Thôn Tô': the rest is where to
            return FoundChange(kind, (first, last))
    return None
