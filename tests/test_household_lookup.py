"""Household names with typos: every name in scope scored, or pg_trgm's candidates at scale."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import select

from domain.names import fold
from services import lookup
from storage.db import Database
from storage.models import Household


def typed_badly(name: str, rng: random.Random) -> list[str]:
    """What a hurried head types: no accents, a letter dropped or doubled, the last words."""
    bare = fold(name)
    cut = rng.randrange(len(bare))
    return [bare, bare[:cut] + bare[cut + 1:], bare[:cut] + bare[cut] + bare[cut:],
            " ".join(bare.split()[-2:]), name.upper()]


async def test_typos_find_the_household(demo_db: Database) -> None:
    async with demo_db.session() as session:
        found = await lookup.best_households(session, "pham thi dec", None)
        assert [h.head_name for h in found][:1] == ["Phạm Thị Đéc"]
        found = await lookup.best_households(session, "Phạm Thị Đécc", None)
        assert found and found[0].head_name == "Phạm Thị Đéc"


async def test_trigram_candidates_give_the_same_answers(
    demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At national scale PostgreSQL scores only the names pg_trgm finds alike: same results."""
    if demo_db.is_sqlite:
        pytest.skip("pg_trgm is PostgreSQL's; SQLite always scores every name in scope")
    rng = random.Random(6)
    async with demo_db.session() as session:
        names = sorted(set((await session.scalars(select(Household.head_name))).all()))
        villages = set((await session.scalars(select(Household.village_id))).all())
        queries = [typo for name in names for typo in typed_badly(name, rng)]
        every_name = [await lookup.best_households(session, q, villages) for q in queries]
        monkeypatch.setattr(lookup, "LARGE_SCOPE", 0)  # the demo's villages count as many
        by_trigrams = [await lookup.best_households(session, q, villages) for q in queries]
    differ = [(q, [h.head_name for h in a], [h.head_name for h in b])
              for q, a, b in zip(queries, every_name, by_trigrams, strict=True) if a != b]
    assert len(queries) > 250
    assert not differ, differ[:5]
