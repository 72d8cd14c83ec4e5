"""Household statuses and the changes a village head may report."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """Where a household stands in the program."""

    POOR = "poor"
    NEAR_POOR = "near_poor"
    OUT = "out"  # escaped: average living standard, out of the program
    MOVED = "moved"
    ENDED = "ended"


class ChangeKind(StrEnum):
    """What a village head reports about a household."""

    EXIT_TO_NEAR_POOR = "exit_to_near_poor"  # thoát nghèo, còn cận nghèo
    EXIT_POVERTY = "exit_poverty"  # thoát nghèo hẳn
    EXIT_NEAR_POVERTY = "exit_near_poverty"  # thoát cận nghèo
    FELL_BACK = "fell_back"  # tái nghèo
    NEW_POOR = "new_poor"  # phát sinh nghèo
    NEW_NEAR_POOR = "new_near_poor"  # phát sinh cận nghèo
    MOVED_AWAY = "moved_away"
    ENDED = "ended"  # qua đời / nhập hộ
    CORRECTION = "correction"


class ReportState(StrEnum):
    """Life of a report: a claim until an officer decides."""

    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    CORRECTED = "corrected"  # confirmed, then undone by an approved correction request


class CorrectionState(StrEnum):
    """Life of a request to correct a confirmed report."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


# kind -> (statuses it may start from, status it leads to; None keeps the status)
TRANSITIONS: dict[ChangeKind, tuple[frozenset[Status], Status | None]] = {
    ChangeKind.EXIT_TO_NEAR_POOR: (frozenset({Status.POOR}), Status.NEAR_POOR),
    ChangeKind.EXIT_POVERTY: (frozenset({Status.POOR}), Status.OUT),
    ChangeKind.EXIT_NEAR_POVERTY: (frozenset({Status.NEAR_POOR}), Status.OUT),
    ChangeKind.FELL_BACK: (frozenset({Status.NEAR_POOR, Status.OUT}), Status.POOR),
    ChangeKind.NEW_POOR: (frozenset({Status.NEAR_POOR, Status.OUT}), Status.POOR),
    ChangeKind.NEW_NEAR_POOR: (frozenset({Status.OUT}), Status.NEAR_POOR),
    ChangeKind.MOVED_AWAY: (frozenset({Status.POOR, Status.NEAR_POOR, Status.OUT}), Status.MOVED),
    ChangeKind.ENDED: (frozenset({Status.POOR, Status.NEAR_POOR, Status.OUT}), Status.ENDED),
    ChangeKind.CORRECTION: (frozenset({Status.POOR, Status.NEAR_POOR, Status.OUT}), None),
}

ACTIVE_STATUSES = frozenset({Status.POOR, Status.NEAR_POOR, Status.OUT})


def allowed_changes(current: Status, ever_poor: bool) -> list[ChangeKind]:
    """The changes that make sense from `current`; a fall back needs a poor past."""
    kinds = [kind for kind, (sources, _) in TRANSITIONS.items() if current in sources]
    drop = ChangeKind.NEW_POOR if ever_poor else ChangeKind.FELL_BACK
    return [kind for kind in kinds if kind is not drop]


def status_after(kind: ChangeKind, current: Status) -> Status:
    """The status a household has after a confirmed change of `kind`."""
    sources, target = TRANSITIONS[kind]
    if current not in sources:
        raise ValueError(f"{kind} is not possible from {current}")
    return current if target is None else target
