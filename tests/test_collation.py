"""Vietnamese alphabetical order: our sort key against ICU's "vi" collation in PostgreSQL."""

from __future__ import annotations

import random
import unicodedata

import pytest
from sqlalchemy import select, text

from domain.names import sort_key
from storage.db import Database
from storage.models import Household, Unit

ORDER = [
    "a", "à", "ả", "ã", "á", "ạ", "An", "Ánh", "Ăn", "Âu", "Bình", "Dung", "Đào", "On", "Ôn",
    "Ơn", "Uyên", "Ưng", "Xuân", "Yến",
]
SYLLABLES = [
    "Nguyễn", "Văn", "Thị", "Đức", "Đình", "Ánh", "Ân", "Ấn", "Ăng", "Ơn", "Ôn", "Ưng", "Ứng",
    "Hùng", "Hưng", "Hường", "Hương", "Thuý", "Thúy", "Dũng", "Dung", "Đông", "Động", "Cường",
    "Tuấn", "Tuân", "Sửu", "Đéc", "Gang", "Lê", "Lệ", "Ly", "Lý", "Mai", "Mại",
]


def test_alphabet_then_tones_then_case() -> None:
    shuffled = ORDER[::-1]
    assert sorted(shuffled, key=sort_key) == ORDER
    assert sort_key(unicodedata.normalize("NFD", "Đặng Thị Ệ")) == sort_key("Đặng Thị Ệ")
    assert sorted(["Bình", "bình"], key=sort_key) == ["bình", "Bình"]


async def test_same_order_as_icu(demo_db: Database) -> None:
    if demo_db.is_sqlite:
        pytest.skip("ICU collations are PostgreSQL's")
    rng = random.Random(6)
    async with demo_db.session() as session:
        names = list((await session.scalars(select(Household.head_name))).all())
        names += (await session.scalars(select(Unit.name))).all()
        names += [" ".join(rng.choices(SYLLABLES, k=3)) for _ in range(500)]
        names = sorted(set(names))
        values = ", ".join(f"(:n{i})" for i in range(len(names)))
        query = text(f'SELECT n FROM (VALUES {values}) AS t(n) ORDER BY n COLLATE "vi-x-icu"')
        icu = list(await session.scalars(query, {f"n{i}": n for i, n in enumerate(names)}))
    assert len(names) > 400
    assert sorted(names, key=sort_key) == icu
