"""Vietnamese text: accents, NFC/NFD, case, prefixes, titles, typed dates."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from domain.dates import find_date
from domain.formatting import number, percent
from domain.names import fold, split_title, split_unit_prefix

TODAY = dt.date(2026, 11, 22)


@pytest.mark.parametrize("text", ["Thôn Chợ", "THÔN CHỢ", "thon cho", "Thon  Cho"])
def test_fold_ignores_accents_case_and_spaces(text: str) -> None:
    assert fold(text) == "thon cho"
    assert fold(unicodedata.normalize("NFD", text)) == "thon cho"


def test_fold_handles_d_with_stroke() -> None:
    assert fold("Đỗ Thị Nga") == "do thi nga"


@pytest.mark.parametrize(
    ("name", "level", "kind", "key"),
    [
        ("Thôn Chợ", "village", "thôn", "cho"),
        ("Tổ dân phố Hải Thủy", "village", "tổ dân phố", "hai thuy"),
        ("Phường Cam Phúc Nam", "commune", "phường", "cam phuc nam"),
        ("A Đên", "village", "thôn", "a den"),
    ],
)
def test_unit_prefixes(name: str, level: str, kind: str, key: str) -> None:
    assert split_unit_prefix(name, level) == (kind, key)


def test_titles() -> None:
    assert split_title("Bà : Đỗ Thị Nga") == ("Bà", "Đỗ Thị Nga")
    assert split_title("ông Phạm Văn Thuyết") == ("Ông", "Phạm Văn Thuyết")
    assert split_title("Đỗ Văn Liên") == (None, "Đỗ Văn Liên")


def test_vietnamese_numbers() -> None:
    assert number(1856) == "1.856"
    assert percent(113 / 817) == "13,83%"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("thoát nghèo tháng 9", dt.date(2026, 9, 30)),
        ("thoat ngheo thang 12", dt.date(2025, 12, 31)),  # December is still ahead: last year's
        ("ngày 5/9", dt.date(2026, 9, 5)),
        ("15/08/2025", dt.date(2025, 8, 15)),
        ("tháng 11", TODAY),  # the current month: never a date in the future
        ("31/2", None),
        ("không có ngày", None),
    ],
)
def test_dates_people_type(text: str, expected: dt.date | None) -> None:
    assert find_date(text, TODAY)[0] == expected
