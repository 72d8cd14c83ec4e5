"""Name words in a message: where a name typed after a unit word or 'hộ'/'ông'/'bà' ends,
and the name left over when no unit word precedes it ('Đỗ Thị Nga phụ trách thôn nào').

Name words stop at a word of the grammar ('và', 'có', 'quý'...) unless it is typed with a
capital where the message has capitals ('Cam Phúc Nam'); a person's name runs on to its
given name after a middle name or a surname ('Đỗ Thị Phượng', 'Dương Hồng Lượng').
"""

from __future__ import annotations

from collections.abc import Container

from understanding.cues import BIGRAMS
from understanding.text import PARTICLES, Text, words

OWN = frozenset({"minh", "toi", "nay", "em", "ta", "nha"})
TITLES = frozenset({"ong", "ba", "mr", "mrs", "ms"})
HOUSEHOLD_WORDS = frozenset({"ho", "nha", "gia dinh", "household", "family"})
MAX_NAME_WORDS = 4
MIDDLE = frozenset({"van", "thi"})  # 'Bàn Văn Tuấn', 'Đỗ Thị Phượng': a person's middle name
SURNAMES = words(
    "nguyen tran le pham hoang huynh phan vu vo dang bui do ngo duong ly dinh trinh truong"
    " mai dao doan luong cao lam trieu quach lo ma hua ton chu lai luu ta tong giap kieu"
)  # a household's name that begins with one has three words ('Dương Hồng Lượng')


def capitalised(text: Text, index: int) -> bool:
    """True when token `index` was typed with a capital in a message that has lower case."""
    original = text.original
    if original == original.upper() or original == original.lower():
        return False
    word = original[text.tokens[index].start : text.tokens[index].end]
    return word[:1].isupper()


HARD_STOPS = words(
    "nao which nay co con la va voi the sao gi ai da chua khong may ra den o"
    " cua nhu duoc dat cham nhat tot hon kem chi quy nam thang ngay tu trong ty ti so phu"
    " in of and or vs with is how has have nop gui thieu"
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
# grammar words that are also middle names ('Trịnh Trọng Tâm', 'Lê Thanh Hà')
GRAMMAR_MIDDLES = words("trong thanh minh quang duc ngoc xuan hong kim huu cong tien bao tai tan")
GIVEN_NAMES = frozenset(NAME_SYLLABLES) | words("hieu tuyet hay dung huong duoc lam")
YEAR_WORDS = frozenset({"nay", "ngoai", "truoc", "qua", "roi", "hien", "sau", "toi"})


def name_run(
    text: Text,
    start: int,
    grammar: frozenset[str],
    used: set[int],
    first_free: bool = False,
    limit: int = MAX_NAME_WORDS,
    person: bool = False,
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
        following = words[end + 1] if end + 1 < len(words) else ""
        if (
            person
            and word not in HARD_STOPS | PARTICLES
            and (
                following in MIDDLE  # 'Bàn Văn Tuấn': a surname before the middle name
                or (end - start == 2 and (words[end - 1] in MIDDLE or words[start] in SURNAMES))
            )
        ):
            stop = False  # 'Đỗ Thị Phượng', 'Dương Hồng Lượng': the given name, third
        # 'trinh trong tam': a middle name that is a grammar word, between a surname and a
        # given name (not 'Trịnh có bao nhiêu', 'Lê quý 3')
        middle = person and end == start + 1 and words[start] in SURNAMES
        if stop and middle and word in GRAMMAR_MIDDLES and _given(words, end + 1, grammar):
            stop = False
        if word.isdigit() and (end == start or len(word) > 2):
            break
        if stop and not word.isdigit():
            break
        end += 1
    return end


def _given(words: list[str], index: int, grammar: frozenset[str]) -> bool:
    """True when the word at `index` can be a given name and ends the name or the message."""
    if index >= len(words):
        return False
    word = words[index]
    if word in HARD_STOPS | PARTICLES or (word in grammar and word not in GIVEN_NAMES):
        return False
    return not word.isdigit()


def _capital_next(text: Text, index: int) -> bool:
    return index + 1 < len(text.tokens) and capitalised(text, index + 1)


def known_run(words: list[str], start: int, used: set[int], known: Container[str]) -> int:
    """Index one past the longest known unit name starting at `start` (or `start`)."""
    for end in range(min(len(words), start + MAX_NAME_WORDS), start, -1):
        if not used.intersection(range(start, end)) and " ".join(words[start:end]) in known:
            return end
    return start


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
        end = name_run(text, start, grammar, used, title is not None, limit=len(words), person=True)
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
            end = name_run(text, index, grammar, used, person=True)
        word = text.words[index]
        if end == index + 1 and (word in OWN or word in grammar or word in MIDDLE):
            end = index  # 'của mình', 'tỷ lệ': one word of the grammar is no name
        if end > index and (best is None or end - index > best[1] - best[0] + 1):
            best = (index, end - 1)
        index = max(end, index + 1)
    if best is None:
        return "", (-1, -1)
    return text.typed(*best), best
