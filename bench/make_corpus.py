"""Write understanding/data/{train,test}.tsv from the hand-written phrasings.

Each phrasing is typed the ways people type it: as written, without diacritics, NFD,
upper case, with particles, Zalo short forms, one typo. Train and test use different
phrasings AND different place and household names, so the held-out part measures
phrasings the grammar was never written against. Run: python -m bench.make_corpus
"""

from __future__ import annotations

import random
import unicodedata
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "understanding" / "data"
Phrasing = tuple[str, str, str]  # intent, template, expected slots
NAMES = {
    "train": {
        "P": [
            "Thôn Chợ",
            "Thôn Tô",
            "Thôn Bình Hòa 1",
            "Xã Cẩm Bình",
            "Thôn Sẻ",
            "Thôn Vinh",
            "Thôn Hạc Sơn",
            "Thôn Bình Yên",
            "Thôn Ky Ré",
            "Tổ dân phố Hải Thủy",
        ],
        "Q": ["Thôn Tô", "Thôn Sẻ", "Thôn Vinh", "Thôn A Xáp", "Thôn Xanh", "Thôn Căn Te"],
        "B": ["Cẩm Bình", "Hồng Thượng", "Cam Phúc Nam", "Hợp Thượng"],
        "H": [
            "Phạm Thị Đéc",
            "Bàn Thị Mai",
            "Vũ Hồng Lượng",
            "Phạm Văn Thuyết",
            "Bùi Văn Bảo",
            "Đỗ Thị Châu",
            "Phạm Thị Gang",
            "Nguyễn Văn Điệp",
            "Trịnh Văn Cẩn",
            "Lê Xuân Tám",
        ],
        "G": ["Đéc", "Thuyết", "Bảo", "Gang", "Điệp", "Tám"],
        "N": ["Đỗ Thị Nga", "Bùi Thị Minh", "Hà Văn Hào", "Phạm Thị Tiên"],
    },
    "test": {
        "P": ["Thôn Căn Tôm", "Thôn A Đên", "Tổ dân phố Ninh Xuân", "Thôn Bình Hòa 5"],
        "Q": ["Thôn Hợp Thượng", "Thôn Hạc Sơn", "Tổ dân phố Phúc Sơn"],
        "B": ["Hồng Thượng", "Cẩm Bình"],
        "H": ["Trương Thị Giới", "Phạm Minh Phúc", "Bùi Minh Tùng", "Nguyễn Hồng Phong"],
        "G": ["Giới", "Phong", "Tùng"],
        "N": ["Quách Hồng Diên", "Lê Công Bằng"],
    },
}
STATEMENTS = {"report", "greeting", "thanks", "correction", "revoke"}
PARTICLES = [" ạ", " nhé", " anh ơi", " chị ơi", " nha", " với ạ"]
SHORT = [("bao nhiêu", "bn"), ("không", "ko"), ("được", "dc"), ("rồi", "r"), ("với", "vs")]


def bare(text: str) -> str:
    """Without diacritics, as typed on a phone without a Vietnamese keyboard."""
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return kept.replace("đ", "d").replace("Đ", "D")


def typo(text: str, names: list[str], rng: random.Random) -> str:
    """Swap two letters of one word that is not part of a name."""
    taken = {w for name in names for w in name.split()}
    words = text.split()
    choices = [i for i, w in enumerate(words) if len(w) >= 4 and w not in taken and w.isalpha()]
    if not choices:
        return text
    i = rng.choice(choices)
    word = words[i]
    j = rng.randrange(1, len(word) - 1)
    words[i] = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
    return " ".join(words)


def variants(text: str, names: list[str], rng: random.Random, question: bool) -> list[str]:
    """Ways of typing one sentence (a question may end with '?')."""
    ask = "?" if question and rng.random() < 0.5 else ""
    short = bare(text).lower()
    for long, brief in SHORT:
        short = short.replace(bare(long), brief)
    found = [
        text,
        bare(text).lower(),
        unicodedata.normalize("NFD", text) + rng.choice(PARTICLES) + ask,
        short,
        text.upper() if rng.random() < 0.5 else text.lower(),
        typo(bare(text).lower(), [bare(n).lower() for n in names], rng),
    ]
    return list(dict.fromkeys(found))


def fill(phrasing: Phrasing, names: dict[str, list[str]], rng: random.Random) -> list[str]:
    """Corpus lines of one phrasing: intent, text, expected slots."""
    intent, template, expected = phrasing
    chosen = {key: rng.choice(values) for key, values in names.items()}
    if "{Q}" in template and chosen["Q"] == chosen["P"]:
        chosen["Q"] = next(q for q in names["Q"] if q != chosen["P"])
    text = template.format(**chosen)
    slots = expected.format(**chosen)
    used = [chosen[k] for k in chosen if "{" + k + "}" in template]
    return [f"{intent}\t{v}\t{slots}" for v in variants(text, used, rng, intent not in STATEMENTS)]


def phrasings() -> dict[str, list[Phrasing]]:
    """understanding/data/phrasings.tsv by part."""
    parts: dict[str, list[Phrasing]] = {"train": [], "test": []}
    for raw in (DATA / "phrasings.tsv").read_text(encoding="utf-8").splitlines():
        if raw and not raw.startswith("#"):
            part, intent, template, slots = [*raw.split("\t"), ""][:4]
            parts[part].append((intent, template, slots))
    return parts


def main() -> None:
    """Write both files."""
    for part, written in phrasings().items():
        rng = random.Random(part)
        lines = [line for p in written for line in fill(p, NAMES[part], rng)]
        header = (
            "# intent\ttext\texpected slots (key=value; ...)  generated by bench/make_corpus.py"
        )
        (DATA / f"{part}.tsv").write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
        print(part, len(lines))


if __name__ == "__main__":
    main()
