"""A household named by its head's given name only ("bà Gang"), within the reporter's villages."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.names import fold
from storage.idlists import among
from storage.models import Household


async def by_given_name(
    session: AsyncSession, given: str, village_ids: Collection[int], title: str | None
) -> list[Household]:
    """Households whose head's name ends with `given` (one word), title agreeing if typed."""
    key = fold(given)
    if not key or " " in key or not village_ids:
        return []
    query = (
        select(Household)
        .where(among(Household.village_id, village_ids), Household.listed.is_(True))
        .where(Household.name_key.endswith(f" {key}", autoescape=True))
        .order_by(Household.id)
        .limit(10)
    )
    found = list((await session.scalars(query)).all())
    if title:
        found = [h for h in found if h.title in (None, title)]
    return found
