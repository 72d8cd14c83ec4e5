"""The progress engine's rules, with hand-checked figures."""

from __future__ import annotations

import datetime as dt

import pytest

from domain.progress import (
    ChangeFact,
    Track,
    Verdict,
    build_track,
    expected_share,
    judge,
    rate,
)
from domain.statuses import ChangeKind, ReportState, Status


def fact(
    kind: ChangeKind, src: Status, dst: Status, state: ReportState = ReportState.CONFIRMED
) -> ChangeFact:
    return ChangeFact(kind, state, src, dst)


def test_grouped_facts_count_like_single_ones() -> None:
    single = [fact(ChangeKind.EXIT_POVERTY, Status.POOR, Status.OUT)] * 3 + [
        fact(ChangeKind.FELL_BACK, Status.NEAR_POOR, Status.POOR, ReportState.PENDING)] * 2
    grouped = [
        ChangeFact(ChangeKind.EXIT_POVERTY, ReportState.CONFIRMED, Status.POOR, Status.OUT, 3),
        ChangeFact(ChangeKind.FELL_BACK, ReportState.PENDING, Status.NEAR_POOR, Status.POOR, 2),
    ]
    for status in (Status.POOR, Status.NEAR_POOR):
        assert build_track(status, 10, 5, grouped) == build_track(status, 10, 5, single)
    assert build_track(Status.POOR, 10, 5, grouped).confirmed.exits == 3


def test_net_reduction_counts_exits_minus_falls() -> None:
    facts = [
        fact(ChangeKind.EXIT_POVERTY, Status.POOR, Status.OUT),
        fact(ChangeKind.EXIT_TO_NEAR_POOR, Status.POOR, Status.NEAR_POOR),
        fact(ChangeKind.FELL_BACK, Status.NEAR_POOR, Status.POOR),
        fact(ChangeKind.EXIT_POVERTY, Status.POOR, Status.OUT, ReportState.PENDING),
        fact(ChangeKind.EXIT_POVERTY, Status.POOR, Status.OUT, ReportState.REJECTED),
    ]
    poor = build_track(Status.POOR, 14, 7, facts)
    assert (poor.confirmed.exits, poor.confirmed.entries, poor.confirmed.fell_back) == (2, 1, 1)
    assert poor.confirmed.net == 1
    assert poor.pending.exits == 1
    assert poor.now == 13
    near = build_track(Status.NEAR_POOR, 5, 3, facts)
    # one poor household became near-poor (+1), one near-poor fell into poverty (-1)
    assert (near.confirmed.entries, near.confirmed.worse, near.confirmed.net) == (1, 1, 0)


def test_moved_away_poor_household_leaves_the_count() -> None:
    poor = build_track(Status.POOR, 3, 1, [fact(ChangeKind.MOVED_AWAY, Status.POOR, Status.MOVED)])
    assert (poor.confirmed.removed, poor.confirmed.exits, poor.now) == (1, 0, 2)


def test_correction_does_not_move_counts() -> None:
    poor = build_track(Status.POOR, 3, 1, [fact(ChangeKind.CORRECTION, Status.POOR, Status.POOR)])
    assert poor.confirmed.net == 0


@pytest.mark.parametrize(
    ("day", "share"),
    [
        (dt.date(2024, 2, 1), 0.0),
        (dt.date(2024, 4, 1), 0.25),
        (dt.date(2024, 9, 30), 0.5),
        (dt.date(2024, 10, 1), 0.75),
        (dt.date(2024, 12, 31), 0.75),
        (dt.date(2025, 1, 1), 1.0),
        (dt.date(2023, 6, 1), 0.0),
    ],
)
def test_expected_share_by_whole_quarters(day: dt.date, share: float) -> None:
    assert expected_share(2024, day) == share


@pytest.mark.parametrize(
    ("net", "target", "expected", "verdict"),
    [
        (7, 7, 0.5, Verdict.MET),
        (0, 0, 0.5, Verdict.MET),
        (-1, 0, 0.5, Verdict.BEHIND),
        (5, 7, 0.75, Verdict.ON_PACE),  # 5 vs pace line 5,25
        (4, 7, 0.75, Verdict.BEHIND),  # 1,25 short, more than 7/8
        (6, 7, 0.5, Verdict.AHEAD),  # 2,5 past the line 3,5
        (5, 7, 0.5, Verdict.ON_PACE),  # 1,5 past: less than max(1, 1,75)
        (0, 3, 0.0, Verdict.ON_PACE),
        (0, None, 0.5, Verdict.NO_TARGET),
    ],
)
def test_verdict(net: int, target: int | None, expected: float, verdict: Verdict) -> None:
    assert judge(net, target, expected) is verdict


def test_tracks_add_up_for_a_commune() -> None:
    a = Track(14, 7)
    b = Track(None, None)
    c = Track(8, 3)
    total = a + b + c
    assert (total.start, total.target) == (22, 10)


def test_hong_thuong_rate_matches_the_document() -> None:
    # seed 000: 113 poor of 817 households = 13,83%
    assert round(rate(113, 817) * 100, 2) == 13.83  # type: ignore[operator]
    assert rate(5, None) is None
