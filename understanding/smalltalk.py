"""Small talk typed loosely and messages about something else.

A greeting or thanks typed with a telex tone key left over ('chaof', 'camr on'), a letter
held down ('cam onn', 'chaooo') or a form of address before it ('e chào chị') is still
small talk; a message about the weather, prices, a joke or a song is off-topic
(`Intent.UNKNOWN`: the router says what the bot does), and so is a lone word that cannot
be a Vietnamese name ('asdfgh', 'weather'): it is not asked back as a household's name.
"""

from __future__ import annotations

import re

from understanding.text import words

STEMS = words(
    "chao xin cam on ok oke vang da alo hello hi hey thank thanks cmon nhieu ban bot"
    " anh chi em ca nha moi nguoi tam biet bye tot qua hay tuyet duoc roi ro hieu"
)
TELEX = re.compile(r"(?<=[a-z])[sfrxj]$")  # a tone key typed after the word
ADDRESS_FIRST = words("e em a anh chi con chau toi minh")
SMALL_TALK_FIRST = words("chao xin cam")
OFF_TOPIC = re.compile(
    r"\b(?:thoi tiet|weather|troi (?:mua|nang|lanh|nong)|nhiet do|mua bao"
    r"|gia (?:lua|gao|vang|xang|dau|ca phe|heo|lon|ga|dien|nha|dat|dola|usd)"
    r"|bong da|football|soccer|world cup|ke chuyen|truyen cuoi|chuyen cuoi|joke|funny"
    r"|hat (?:mot )?bai|bai hat|nghe nhac|music|nau an|mon an|an com|an gi|recipe"
    r"|phim|movie|xo so|lottery|chung khoan|tinh yeu|nguoi yeu|love|may gio"
    r"|what time|dich (?:giup|sang|cau)|translate|lam tho|bai tho|poem|viet code|python"
    r"|facebook|youtube|tiktok|game|choi gi|di dau choi|ban bao nhieu tuoi|how old"
    r"|ban la ai|who are you|ban ten (?:la )?gi|your name|dat ve|mua sam|shopping)\b"
)
SYLLABLE = re.compile(
    r"^(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?"
    r"(?:[aeiouy]{1,3})(?:ng|nh|ch|[cmnptiyou])?$"
)


def plain(tokens: list[str]) -> list[str]:
    """Words with the typos of small talk undone: 'chaof' -> 'chao', 'onn' -> 'on'."""
    fixed = [_stem(word) for word in tokens]
    if len(fixed) > 1 and fixed[0] in ADDRESS_FIRST and fixed[1] in SMALL_TALK_FIRST:
        fixed = fixed[1:]  # 'e chào chị', 'em cảm ơn'
    return fixed


def _stem(word: str) -> str:
    if word in STEMS or word.isdigit():
        return word
    stripped = TELEX.sub("", word)
    for base in (stripped, re.sub(r"(.)\1+$", r"\1", word), re.sub(r"(.)\1+$", r"\1", stripped)):
        if base in STEMS:
            return base
        swaps = (base[:i] + base[i + 1] + base[i] + base[i + 2 :] for i in range(len(base) - 1))
        found = next((s for s in swaps if len(base) > 2 and s in STEMS), None)
        if found:
            return found  # 'choaf' -> 'chao', 'cmar' -> 'cam'
    return word


def off_topic(folded: str) -> float:
    """A score for a message about something else than the program (0 when not)."""
    return 5.0 if OFF_TOPIC.search(folded) else 0.0


def name_like(folded_name: str) -> bool:
    """True when every word can be a Vietnamese syllable ('Hạc Sơm' yes, 'asdfgh' no)."""
    return all(SYLLABLE.match(word) for word in folded_name.split())
