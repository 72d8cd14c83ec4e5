"""Where a unit's document states totals that differ from the sum of its village rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from domain.progress import Track
from storage.models import UnitPlan


@dataclass(frozen=True)
class Disagreement:
    """A total the document states that differs from the sum of its rows."""

    label: str
    stated: int
    computed: int


class Summed(Protocol):
    """A unit's figures summed from its villages (services/progress.UnitProgress)."""

    poor: Track
    near_poor: Track
    households: int | None


def compare_stated(progress: Summed, plan: UnitPlan) -> list[Disagreement]:
    """Show where the document's totals differ; fill what the rows do not state."""
    found = []
    pairs = (
        ("hộ nghèo đầu năm", progress.poor, "start", plan.poor),
        ("chỉ tiêu giảm hộ nghèo", progress.poor, "target", plan.target_poor),
        ("hộ cận nghèo đầu năm", progress.near_poor, "start", plan.near_poor),
        ("chỉ tiêu giảm hộ cận nghèo", progress.near_poor, "target", plan.target_near_poor),
    )
    for label, track, attr, stated in pairs:
        computed = getattr(track, attr)
        if stated is None:
            continue
        if computed is None:
            setattr(track, attr, stated)  # rows silent: the document's figure is all we have
        elif computed != stated:
            found.append(Disagreement(label, stated, computed))
    remaining = (
        (plan.stated_poor_remaining, progress.poor, "hộ nghèo còn lại cuối năm"),
        (plan.stated_near_poor_remaining, progress.near_poor, "hộ cận nghèo còn lại cuối năm"),
    )
    for stated, track, label in remaining:
        if None in (stated, track.start, track.target):
            continue
        computed_remaining = track.start - track.target  # type: ignore[operator]
        if computed_remaining != stated:
            found.append(Disagreement(label, stated, computed_remaining))  # type: ignore[arg-type]
    if progress.households is None:
        progress.households = plan.households
    elif plan.households is not None and plan.households != progress.households:
        found.append(Disagreement("tổng số hộ", plan.households, progress.households))
    return found
