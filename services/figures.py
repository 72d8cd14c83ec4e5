"""A unit's figures as plain data: what charts and spreadsheets are built from, in any process."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from domain.progress import Track
from services.progress import Paced, UnitProgress
from services.stated import Disagreement


@dataclass(frozen=True)
class Figures(Paced):
    """One unit's tracks, pace and households; no ORM object, so it pickles to a worker."""

    name: str
    as_of: dt.date
    expected: float
    households: int | None
    poor: Track
    near_poor: Track
    disagreements: tuple[Disagreement, ...] = ()

    @classmethod
    def of(cls, progress: UnitProgress) -> Figures:
        """The figures of a computed progress record."""
        return cls(progress.unit.name, progress.as_of, progress.expected, progress.households,
                   progress.poor, progress.near_poor, tuple(progress.disagreements))


def figures_of(progress: list[UnitProgress]) -> list[Figures]:
    """Figures of each, in the same order."""
    return [Figures.of(p) for p in progress]
