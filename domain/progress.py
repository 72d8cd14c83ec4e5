"""Progress against yearly targets: net reduction, pace and verdict (pure functions)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from domain.statuses import ChangeKind, ReportState, Status

BETTER_THAN = {
    Status.POOR: frozenset({Status.NEAR_POOR, Status.OUT}),
    Status.NEAR_POOR: frozenset({Status.OUT}),
}
GONE = frozenset({Status.MOVED, Status.ENDED})


class Verdict(StrEnum):
    """How a unit stands against its yearly target at a date."""

    MET = "met"
    AHEAD = "ahead"
    ON_PACE = "on_pace"
    BEHIND = "behind"
    NO_TARGET = "no_target"


@dataclass(frozen=True)
class ChangeFact:
    """Reported changes of one kind between two statuses, as the progress engine needs them.

    `times` counts identical changes, so a village's history can be read grouped in SQL.
    """

    kind: ChangeKind
    state: ReportState
    from_status: Status
    to_status: Status
    times: int = 1


@dataclass
class Flows:
    """Households leaving and entering one status (poor or near-poor)."""

    exits: int = 0  # to a better status: the goal
    entries: int = 0  # from any other status into this one
    fell_back: int = 0  # entries that are tái nghèo (part of `entries`)
    worse: int = 0  # near-poor falling into poverty (leaves near-poor, badly)
    removed: int = 0  # moved away or household ended

    @property
    def net(self) -> int:
        """Net reduction of the count: positive is progress."""
        return self.exits + self.worse + self.removed - self.entries

    def __add__(self, other: Flows) -> Flows:
        return Flows(*(a + b for a, b in zip(self.as_tuple(), other.as_tuple(), strict=True)))

    def __mul__(self, times: int) -> Flows:
        return Flows(*(count * times for count in self.as_tuple()))

    def as_tuple(self) -> tuple[int, int, int, int, int]:
        """The counts in field order."""
        return (self.exits, self.entries, self.fell_back, self.worse, self.removed)


@dataclass
class Track:
    """One status's yearly track: start count, target, confirmed and pending flows."""

    start: int | None
    target: int | None
    confirmed: Flows = field(default_factory=Flows)
    pending: Flows = field(default_factory=Flows)

    @property
    def now(self) -> int | None:
        """Count today, counting confirmed changes only."""
        return None if self.start is None else self.start - self.confirmed.net

    @property
    def share(self) -> float | None:
        """Share of the target reached (confirmed net reduction / target)."""
        if not self.target:
            return None
        return self.confirmed.net / self.target

    def verdict(self, expected_share: float) -> Verdict:
        """Ahead, on pace, behind or met, from confirmed figures only."""
        return judge(self.confirmed.net, self.target, expected_share)

    def __add__(self, other: Track) -> Track:
        return Track(
            start=_add_optional(self.start, other.start),
            target=_add_optional(self.target, other.target),
            confirmed=self.confirmed + other.confirmed,
            pending=self.pending + other.pending,
        )


def total(tracks: Iterable[Track]) -> Track:
    """The sum of many tracks (a province's 1,500 villages) in one pass over plain ints."""
    start = target = None
    flows = [0] * 10
    for track in tracks:
        if track.start is not None:
            start = (start or 0) + track.start
        if track.target is not None:
            target = (target or 0) + track.target
        for at, count in enumerate(track.confirmed.as_tuple() + track.pending.as_tuple()):
            flows[at] += count
    return Track(start, target, Flows(*flows[:5]), Flows(*flows[5:]))


def _add_optional(a: int | None, b: int | None) -> int | None:
    if a is None and b is None:
        return None
    return (a or 0) + (b or 0)


def flow_of(track_status: Status, fact: ChangeFact) -> Flows:
    """How one change moves the count of `track_status`."""
    flows = Flows()
    if fact.from_status == fact.to_status:
        return flows
    if fact.from_status == track_status:
        if fact.to_status in BETTER_THAN.get(track_status, frozenset()):
            flows.exits = 1
        elif fact.to_status in GONE:
            flows.removed = 1
        else:
            flows.worse = 1
    elif fact.to_status == track_status:
        flows.entries = 1
        flows.fell_back = int(fact.kind is ChangeKind.FELL_BACK)
    return flows


def build_track(
    track_status: Status,
    start: int | None,
    target: int | None,
    facts: Iterable[ChangeFact],
) -> Track:
    """Sum the flows of confirmed and pending changes for one status."""
    track = Track(start=start, target=target)
    for fact in facts:
        if fact.state is ReportState.CONFIRMED:
            track.confirmed += flow_of(track_status, fact) * fact.times
        elif fact.state is ReportState.PENDING:
            track.pending += flow_of(track_status, fact) * fact.times
    return track


def expected_share(plan_year: int, on: dt.date) -> float:
    """Share of the yearly target a unit on pace has reached by `on` (whole quarters)."""
    if on.year > plan_year:
        return 1.0
    if on.year < plan_year:
        return 0.0
    return ((on.month - 1) // 3) / 4


def judge(net: int, target: int | None, expected: float) -> Verdict:
    """Verdict rule: met when net >= target; else compare with target x expected share.

    Ahead means at least a quarter's worth (or one household) past the pace line;
    behind means more than an eighth of the target (or half a household) short of it.
    """
    if target is None:
        return Verdict.NO_TARGET
    if net >= target:
        return Verdict.MET
    gap = net - target * expected
    if gap >= max(1.0, 0.25 * target):
        return Verdict.AHEAD
    if gap >= -max(0.5, 0.125 * target):
        return Verdict.ON_PACE
    return Verdict.BEHIND


def rate(count: int | None, households: int | None) -> float | None:
    """Share of all households in the unit (tỷ lệ hộ nghèo), or None if unknown."""
    if count is None or not households:
        return None
    return count / households


def worst(verdicts: Iterable[Verdict]) -> Verdict:
    """The verdict that needs the most attention among several."""
    order = [Verdict.BEHIND, Verdict.ON_PACE, Verdict.AHEAD, Verdict.MET, Verdict.NO_TARGET]
    found = set(verdicts)
    return next((v for v in order if v in found), Verdict.NO_TARGET)
