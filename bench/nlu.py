"""Understanding on the labelled corpus: intents, confusions, slots, threshold, speed.

.venv/bin/python -m bench.nlu            # the held-out part (understanding/data/test.tsv)
.venv/bin/python -m bench.nlu train      # the part the grammar was written against
.venv/bin/python -m bench.nlu test --no-names   # without the unit tree's names
.venv/bin/python -m bench.nlu understanding/data/fresh.tsv   # any file in the same format
.venv/bin/python -m bench.nlu understanding/data/fresh2.tsv  # the second blind set
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from domain.names import fold

DATA = Path(__file__).resolve().parent.parent / "understanding" / "data"
TODAY = dt.date(2026, 11, 22)
Line = tuple[str, str, dict[str, str]]
SMALL_TALK = {"greeting", "thanks", "help"}  # never answered with figures


def load(part: str) -> list[Line]:
    """(intent, text, expected slots) of one part of the corpus."""
    lines: list[Line] = []
    path = Path(part) if part.endswith(".tsv") else DATA / f"{part}.tsv"
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw or raw.startswith("#"):
            continue
        intent, text, slots = [*raw.split("\t"), ""][:3]
        expected = dict(kv.strip().split("=", 1) for kv in slots.split(";") if kv.strip())
        lines.append((intent, text, expected))
    return lines


def actual(slots: object, key: str) -> str:
    """A slot's value in the corpus's notation (names folded: spans are checked, not case)."""
    value = getattr(slots, key, None)
    if key == "places":
        return "|".join(fold(p) for p in value or ())
    if key in ("household", "person"):
        return fold(value or "")
    if key == "period":
        return value.key if value else ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value.value if hasattr(value, "value") else value or "")


def wanted(key: str, value: str) -> str:
    """The expected value in the same notation."""
    if key in ("places", "household", "person"):
        return "|".join(fold(v) for v in value.split("|"))
    return value


def load_time() -> float:
    """Seconds to import the understanding layer and read one message, in a fresh process."""
    code = (
        "import time; t=time.perf_counter(); import datetime as dt;"
        "from understanding.grammar import understand; understand('chào', dt.date.today());"
        "print(time.perf_counter()-t)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def known_units() -> frozenset[str]:
    """Folded bare names of the demo data's units, as the router passes the unit tree's."""
    import csv

    from domain.names import split_unit_prefix

    names: set[str] = set()
    levels = {"tinh": "province", "huyen": "district", "xa": "commune", "thon": "village"}
    for path in (DATA.parent.parent / "data" / "demo").glob("*.csv"):
        for row in csv.DictReader(path.open(encoding="utf-8")):
            names.update(split_unit_prefix(row[c], lv)[1] for c, lv in levels.items() if row[c])
    return frozenset(names)


def report(part: str, gazetteer: bool) -> None:
    """Print every figure for one part of the corpus."""
    from understanding.grammar import understand

    lines = load(part)
    known = known_units() if gazetteer else frozenset()
    started = time.perf_counter()
    results = [understand(text, TODAY, known) for _, text, _ in lines]
    per_message_ms = (time.perf_counter() - started) * 1000 / len(lines)
    gold = [intent for intent, _, _ in lines]
    guessed = [r.intent.value for r in results]
    right = sum(g == p for g, p in zip(gold, guessed, strict=True))
    print(
        f"{part}: {len(lines)} messages, unit names known: {gazetteer}, "
        f"intent accuracy {right / len(lines):.1%}"
    )
    print(f"{'intent':16} {'n':>4} {'precision':>9} {'recall':>7}")
    for intent in sorted(set(gold)):
        tp = sum(g == p == intent for g, p in zip(gold, guessed, strict=True))
        n_pred, n_gold = guessed.count(intent), gold.count(intent)
        precision = tp / n_pred if n_pred else 0.0
        print(f"{intent:16} {n_gold:4} {precision:9.1%} {tp / n_gold:7.1%}")
    pairs = Counter((g, p) for g, p in zip(gold, guessed, strict=True) if g != p)
    print("confusions (gold -> guessed):", dict(pairs.most_common(12)) or "none")
    misreadings(lines, guessed)
    slot_report(lines, results)
    threshold_curve(gold, guessed, [r.confidence for r in results])
    print(f"load {load_time() * 1000:.0f} ms (fresh process), {per_message_ms:.2f} ms a message")


def misreadings(lines: list[Line], guessed: list[str]) -> None:
    """The two readings that must never happen: a question as a report, small talk as figures."""
    pairs = [(g, t, p) for (g, t, _), p in zip(lines, guessed, strict=True)]
    as_reports = [t for g, t, p in pairs if g != "report" and p == "report"]
    print(f"greetings/questions taken as reports: {len(as_reports)}", as_reports[:5])
    figures = [(t, p) for g, t, p in pairs if g in SMALL_TALK and p not in SMALL_TALK | {"unknown"}]
    print(f"greetings/thanks/help taken as a question with figures: {len(figures)}", figures[:5])


def slot_report(lines: list[Line], results: list[object]) -> None:
    """Per-slot and per-message slot accuracy; places are checked on every message."""
    per_key: Counter[str] = Counter()
    right_key: Counter[str] = Counter()
    whole = whole_right = 0
    misses: list[str] = []
    for (_, text, expected), result in zip(lines, results, strict=True):
        expected = {"places": "", **expected}  # a place found where none was named is wrong
        whole += 1
        ok = True
        for key, value in expected.items():
            per_key[key] += 1
            got = actual(result.slots, key)  # type: ignore[attr-defined]
            if got == wanted(key, value):
                right_key[key] += 1
            else:
                ok = False
                misses.append(f"{text!r} {key}: {got!r} != {value!r}")
        whole_right += ok
    print(
        f"slots: {whole_right}/{whole} messages all right ({whole_right / whole:.1%}); "
        + ", ".join(f"{k} {right_key[k]}/{n}" for k, n in sorted(per_key.items()))
    )
    for miss in misses[:15]:
        print("   ", miss)


def threshold_curve(gold: list[str], guessed: list[str], confidence: list[float]) -> None:
    """Accuracy of the answered and share asked back, for each fallback threshold."""
    print(f"{'threshold':>9} {'answered':>8} {'accuracy':>8} {'wrong':>5} {'asked back':>10}")
    for step in range(0, 12):
        threshold = step * 0.05
        kept = [(g, p) for g, p, c in zip(gold, guessed, confidence, strict=True) if c >= threshold]
        wrong = sum(g != p for g, p in kept)
        accuracy = 1 - wrong / len(kept) if kept else 1.0
        asked = len(gold) - len(kept)
        print(f"{threshold:9.2f} {len(kept):8} {accuracy:8.1%} {wrong:5} {asked:10}")


if __name__ == "__main__":
    arguments = sys.argv[1:]
    report(
        next((a for a in arguments if not a.startswith("-")), "test"),
        gazetteer="--no-names" not in arguments,
    )
