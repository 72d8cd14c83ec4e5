"""The words that point to each intent, with a weight: 3 decides, 2 points, 1 hints.

Patterns run over folded tokens (short forms expanded). A message's score for an intent
is the sum of the weights of its cues that occur; understanding.grammar adds the slots'
evidence and turns the scores into a confidence.
"""

from __future__ import annotations

import re

from understanding.text import words
from understanding.types import Intent

CUES: dict[Intent, tuple[tuple[str, float], ...]] = {
    Intent.GREETING: (
        (r"^(?:xin )?chao(?: anh| chi| em| ban| bot| ca nha| moi nguoi| buoi sang)?$", 4),
        (
            r"^(?:alo|a lo|lo|hello|hi|hey|helo|he lo|hi there|good morning|morning|good afternoon"
            r"|chao buoi (?:sang|chieu|toi)|chao ca nha|tam biet|bye|goodbye|hen gap lai)$",
            4,
        ),
        (r"^(?:xin )?chao\b|^(?:alo|hello|hi|hey|he lo)\b", 2),
        (r"^(?:alo|a lo|hello|hi)\b.*\bco ai\b|\bco ai (?:o day|do|khong)$", 3),
    ),
    Intent.THANKS: (
        (
            r"^(?:cam on|thank you|ok|oke|okie|okay|ok roi|duoc roi|duoc|vang|u|uh|um|da|tot"
            r"|tot qua|hay qua|tuyet|good|great|nice|cool|ro roi|ro|hieu|hieu roi|da ro|noted"
            r"|got it"
            r"|cam on nhieu|cam on ban|cam on bot|thanks a lot|many thanks|ty"
            r"|ok luon|ok nhe|ok thoi"
            r"|da vang|vang a|u roi|nhat tri|dong y|chuan|chuan roi|tuyet voi|hay|tot lam)$",
            4,
        ),
        (r"\bcam on\b|\bthank you\b|\bthanks?\b", 3),
    ),
    Intent.HELP: (
        (
            r"\b(?:huong dan|tro giup|giup do|help|menu|chi dan|cach dung|cach su dung|lenh"
            r"|cac lenh|commands|su dung)\b"
            r"|^(?:giup|chi|chi giup|huong dan) (?:toi|em|minh|voi|cach)\b",
            3,
        ),
        (r"\blam (?:sao|the nao|nhu the nao) (?:de|ma)\b|\bhow (?:do|can|to)\b", 3),
        (r"\blam (?:sao|the nao|nhu the nao)\b", 1),
        (r"\b(?:bot|ban) (?:lam duoc|biet lam|lam) (?:gi|nhung gi)\b|\bwhat can you\b", 3),
        (
            r"\b(?:dung|su dung|xai)(?: cai nay| bot nay| no| app nay| ung dung nay)?"
            r" (?:the nao|sao|ra sao|nhu the nao)\b|\bcach bao cao\b"
            r"|\b(?:thi|phai) lam (?:sao|the nao|gi|nhu the nao)$",
            3,
        ),
        (
            r"\b(?:go|nhap|viet|bao|nhan) (?:the nao|sao|ra sao|kieu gi|nhu nao|nhu the nao)\b"
            r"|\bkieu gi\b|\bphai lam gi\b|\bbat dau (?:tu dau|the nao)\b",
            3,
        ),
    ),
    Intent.UNIT_STATUS: (
        (
            r"\b(?:the nao|nhu the nao|ra sao|sao roi|tinh hinh|tien do|den dau|toi dau"
            r"|how is|how s|how are|doing|progress|status|ket qua|the nao roi|on khong|ok khong)\b",
            2,
        ),
        (r"\b(?:co on|dat chua|xong chua|ket qua the nao)\b", 1),
        (r"(?<!lam )\bsao$", 2),  # 'xã mình sao rồi': 'rồi' is taken off as a particle
    ),
    Intent.COUNT: (
        (r"\b(?:bao nhieu|may|how many|so luong|tong so|so ho|co tat ca)\b", 2),
        (r"\b(?:bao nhieu|may|how many|so luong) (?:ho|households|gia dinh)\b", 2),
    ),
    Intent.HOUSEHOLD_LIST: (
        (
            r"\b(?:danh sach|liet ke|ke ten|ten cac ho|ten nhung ho|list|which households"
            r"|who are the|cho xem cac ho|nhung ai)\b",
            3,
        ),
        (r"\b(?:nhung|cac) ho\b|\bho nao\b|\bnhung gia dinh\b|\bho sap thoat\b", 2),
        (r"\bsap thoat\b|\bdang ky thoat\b|\b36 thang\b|\btrong \d+ thang qua\b", 1),
    ),
    Intent.RANKING: (
        (r"\b(?:thon|xa|phuong|ban|to dan pho|huyen|village|commune|ward)s? (?:nao|which)\b", 1),
        (
            r"\b(?:cham nhat|kem nhat|tot nhat|nhanh nhat|cao nhat|thap nhat|dung cuoi|dung dau"
            r"|dan dau|xep hang|xep thu|slowest|fastest|best|worst|ranking|lowest|highest)\b",
            3,
        ),
        (r"^top\b|\btop (?:\d+ )?(?:thon|xa|phuong|villages?|communes?)\b|\brank\b", 3),
        (r"\b(?:chua dat|khong dat|vuot|dat) chi tieu\b|\b(?:cham|cham tien do|cham nhat)\b", 2),
        (r"\bbehind\b|\bbehind target\b|\bnot met\b|\bmet (?:the )?target\b", 2),
    ),
    Intent.COMPARISON: (
        (r"\bso sanh\b|\bcompare\b|\bso voi\b|\bversus\b|\bvs\b", 4),
        (
            r"\b(?:tot hon|hon kem|kem hon|nhanh hon|cham hon|khac nhau|better|worse|cao hon"
            r"|thap hon|nhieu hon|it hon)\b",
            2,
        ),
    ),
    Intent.RESPONSIBLE: (
        (
            r"\bai (?:phu trach|quan ly|lo|la truong|la can bo|truc)\b"
            r"|\b(?:can bo|nguoi|truong thon) nao (?:phu trach|quan ly|lo)\b"
            r"|\bphu trach (?:nhung |cac )?(?:thon|xa|phuong|to dan pho|ban)s? nao\b"
            r"|\bwho (?:is )?(?:responsible|in charge|manages|runs|leads|heads)\b",
            4,
        ),
        (
            r"\b(?:truong thon|can bo phu trach|can bo|chu tich|nguoi phu trach)"
            r" (?:la ai|ten gi|la nguoi nao)\b|\bla ai\b|\bin charge\b|\bresponsible for\b",
            3,
        ),
        (r"\bphu trach\b|\btruong thon\b|\bwho\b", 1),
    ),
    Intent.RATE: (
        (r"\b(?:ty le|ti le|phan tram|rate|percentage|percent|bao nhieu phan tram)\b", 4),
    ),
    Intent.CHANGES: (
        (
            r"\b(?:thay doi|bien dong|co gi moi|gi moi|chuyen bien|dien bien|what changed"
            r"|changes|what s new|news)\b",
            3,
        ),
        (r"\bco ho nao\b|\bhas any\b|\bany household\b", 1),
    ),
    Intent.COMPLETENESS: (
        (
            r"\bchua (?:bao cao|nop|gui|bao|co bao cao|cap nhat)\b|\b(?:da|co) bao cao chua\b"
            r"|\b(?:no|thieu|nop thieu|con no|con thieu) bao cao\b|\bkhong (?:co )?bao cao\b"
            r"|\b(?:ve|nop|gui|bao cao) (?:du|het|day du)\b|\bnot (?:yet )?reported\b"
            r"|\bhaven t reported\b|\bmissing reports?\b|\bno reports?\b",
            4,
        ),
        (
            r"\b(?:du )?bao cao (?:du )?chua\b|\bdu bao cao\b"
            r"|\b(?:thon|xa) nao (?:da )?bao cao\b|\bnop bao cao\b",
            3,
        ),
    ),
    Intent.APPROVE: (
        (r"\b(?:duyet|chot|phe duyet|approve) (?:so lieu|ket qua|bao cao so lieu)\b", 12),
    ),
    Intent.NO_CHANGE: (
        (r"(?<!\bnao )\bkhong (?:co )?(?:gi )?(?:thay doi|bien dong)\b", 12),
    ),
    Intent.DIGEST: (
        (
            r"^(?:xem |xuat |gui |cho xem |lay )?(?:bao cao|ban tin|tong ket|so ket|tom tat"
            r"|summary|report|digest)\b"
            r"(?! (?:nao|so|cua ho|\d{1,3}\b(?! thang)|moi|bi|sai|nham|chua|cho|dang))",
            2,
        ),
        (
            r"\btong ket\b|\bso ket\b|\bban tin\b|\bdigest\b|\bsummary\b|\breport for\b"
            r"|\b(?:bao cao|ban) tong hop\b",
            2,
        ),
    ),
    Intent.PENDING: (
        (
            r"\b(?:cho|can|dang doi|doi|chua|dang cho)(?: duoc)?(?: toi| em| minh| anh| chi)?"
            r" (?:duyet|xac nhan|phe duyet|xu ly|xem xet)\b|\bpending\b|\bapproval\b|\bto review\b"
            r"|\bawaiting\b|\bto (?:approve|confirm)\b",
            4,
        ),
        (r"\bbao cao (?:nao )?(?:moi|chua xu ly)\b", 2),
        (r"\bdang cho\b(?! xem)", 4),  # 'đang chờ' ('chờ' and 'Chợ' fold alike: never alone)
    ),
    Intent.HOUSEHOLD_CARD: (
        (r"^(?:xem |cho xem |thong tin )?(?:ho|nha|gia dinh)(?: ong| ba)?\b", 1),
    ),
    Intent.REPORT: (),
    Intent.CORRECTION: (
        (
            r"\b(?:sua|hoan tac|huy|xoa|rut lai) (?:lai )?(?:bao cao|bc)\b"
            r"|\bcorrect (?:the )?report\b",
            8,
        ),
        (
            r"\b(?:bao|ghi|nhap) (?:nham|sai)\b|\b(?:bi|da) nham\b|\bnham roi\b"
            r"|\bwrong report\b",
            8,
        ),
        (
            r"\b(?:dieu chinh|dinh chinh|chinh sua|sua lai|sua doi|nhap lai|bao lai)\b"
            r"|\bsai (?:ngay|ten|thang|nam|loai|so|thong tin|ho)\b|\b(?:bi|da|ghi) sai\b"
            r"|\b(?:edit|fix|amend) (?:the |my )?report\b|\bsua\b",
            6,
        ),
        (r"\b(?:sai|nham)\b", 3),
    ),
    Intent.REVOKE: (
        (
            r"\b(?:huy|bo|rut lai|rut|thu hoi|hoan tac|go bo|lay lai)(?: viec| lai)?"
            r" (?:xac nhan|dong y|phe duyet|duyet)\b"
            r"|\brevoke\b|\bunconfirm\b|\b(?:undo|cancel|withdraw) (?:the |my )?"
            r"(?:approval|confirmation)\b",
            10,
        ),
        (r"\bthu hoi\b|\bda duyet nham\b|\bxac nhan nham\b|\bduyet nham\b", 9),
    ),
}
COMPILED = {intent: tuple((re.compile(p), w) for p, w in cues) for intent, cues in CUES.items()}
QUESTION = re.compile(
    r"\b(?:bao nhieu|may|nao|chua|ai|gi|sao|o dau|den dau|dau roi|the nao|ra sao|co phai"
    r"|phai khong|how|what"
    r"|which|who|why|when|where|many|is there|are there|tinh hinh|ty le|ti le|danh sach"
    r"|so sanh|thay doi|liet ke)\b|\bkhong$|\bco\b.*\bkhong\b"
)
WORD = re.compile(r"[a-z]+")
# words of the grammar that are also in place and people's names
NAME_WORDS = words("cam to binh son lo truc nam do thi van huy hoan lai chinh dieu thu hoi")
GRAMMAR_WORDS = frozenset(
    word
    for cues in CUES.values()
    for pattern, _ in cues
    for word in WORD.findall(pattern.replace("\\b", " "))
    if len(word) > 1
) - NAME_WORDS | words(
    "co con la cua va voi o tai trong den cho xem hien nay da duoc bi hay va moi ngheo"
    " can thoat ho nguoi households household poor near of in the and with a an is are to"
    " for this that there does has have much village commune target chi tieu hinh quy"
    " nam thang ngay tu nhat tot hon kem them nua hang khong qua gan luc bay gio minh toi"
    " please cho biet biet hay noi xin oi em tinh dang"
    " ve cac nhung poverty rate list"
)


ADDRESS = words(  # particles and forms of address
    "a nhe nha nhen oi anh chi em ban bot voi roi vay di ha e"
)


BIGRAMS = frozenset(
    match.group(1)
    for cues in CUES.values()
    for pattern, _ in cues
    for match in re.finditer(r"(?=\b([a-z]+ [a-z]+)\b)", pattern.replace("\\b", " "))
)  # 'xep hang', 'cho xem': two words of the grammar that are no name after a unit word


def core(words: list[str]) -> str:
    """The message without the particles and forms of address around it ('ok ạ' -> 'ok')."""
    start, end = 0, len(words)
    while end > start + 1 and words[end - 1] in ADDRESS:
        end -= 1
    while start < end - 1 and (words[start] == "oi" or words[start + 1] == "oi"):
        start += 2 if words[start + 1] == "oi" else 1
    kept = " ".join(words[start:end])
    return kept if kept in ("duoc", "ok") or end - start > 0 else " ".join(words)


def scores(folded: str) -> dict[Intent, float]:
    """Each intent's cue score for a folded message."""
    found: dict[Intent, float] = {}
    for intent, cues in COMPILED.items():
        total = sum(weight for pattern, weight in cues if pattern.search(folded))
        if total:
            found[intent] = total
    return found


def is_question(folded: str, asks: bool) -> bool:
    """A question word or a '?' makes a message a question: never a report."""
    return asks or bool(QUESTION.search(folded))
