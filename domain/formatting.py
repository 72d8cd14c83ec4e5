"""Numbers the Vietnamese way: 1.856 hộ, 13,83%."""

from __future__ import annotations

from functools import lru_cache

from babel.numbers import format_decimal

LOCALE = "vi_VN"


@lru_cache(maxsize=4096)  # Babel parses the pattern each call; answers repeat small numbers
def number(value: int | float | None) -> str:
    """1856 -> '1.856'; None -> '?'."""
    if value is None:
        return "?"
    return str(format_decimal(value, format="#,##0", locale=LOCALE))


@lru_cache(maxsize=4096)
def percent(share: float | None, digits: int = 2) -> str:
    """0.1383 -> '13,83%'; None -> '?'."""
    if share is None:
        return "?"
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return str(format_decimal(share * 100, format=pattern, locale=LOCALE)) + "%"


def whole_number(text: str, digits: int = 15) -> int | None:
    """'12' -> 12; None for anything else, including '²', '１２' and 30-digit strings."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > digits:
        return None
    return int(text)
