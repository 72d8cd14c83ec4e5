"""Small slots, each by a table: which status, which figure, which households, which order."""

from __future__ import annotations

import re

from domain.statuses import ChangeKind
from understanding.types import Measure

NEAR_KINDS = {ChangeKind.EXIT_NEAR_POVERTY, ChangeKind.NEW_NEAR_POOR}
ENTER_KINDS = {ChangeKind.FELL_BACK, ChangeKind.NEW_POOR, ChangeKind.NEW_NEAR_POOR}
EXIT_KINDS = {ChangeKind.EXIT_POVERTY, ChangeKind.EXIT_TO_NEAR_POOR, ChangeKind.EXIT_NEAR_POVERTY}


def _first(table: tuple[tuple[str, str], ...], folded: str) -> str | None:
    for pattern, value in table:
        if re.search(rf"\b(?:{pattern})\b", folded):
            return value
    return None


STATUSES: tuple[tuple[str, str], ...] = (
    (r"ngheo (?:va|hay|voi|,) can ngheo|poor and near poor|ca hai|ca ngheo", "both"),
    (r"can ngheo|near poor|near poverty|nearpoor", "near_poor"),
    (r"ngheo|poor|poverty", "poor"),
)
MEASURES: tuple[tuple[str, str], ...] = (
    (
        r"chua thoat|con lai|van con|con|hien nay|hien tai|hien co|bay gio|now|currently"
        r"|still|remaining|left",
        Measure.NOW.value,
    ),
    (r"dau nam|dau ky|ban dau|luc dau|at the start|start of (?:the )?year|beginning", "start"),
    (r"tai ngheo|phat sinh|moi roi vao|fell back|new poor|entered|roi vao", "entered"),
    (r"da thoat|thoat|exited|escaped|out of poverty|left poverty", "exited"),
)
LIST_FILTERS: tuple[tuple[str, str], ...] = (
    (r"chua thoat|con ngheo|van ngheo|not (?:yet )?exited|still poor", "not_exited"),
    (r"sap thoat|dang ky thoat|du kien thoat|registered|se thoat|about to exit", "registered"),
    (r"tai ngheo|fell back|ngheo lai", "fell_back"),
    (r"da thoat|moi thoat|thoat ngheo|thoat can ngheo|36 thang|exited|escaped", "exited_recent"),
)
ORDERS: tuple[tuple[str, str], ...] = (
    (
        r"chua dat|khong dat|not met|chua hoan thanh|khong hoan thanh"
        r"|behind (?:the )?(?:target|plan)|below (?:the )?target|duoi chi tieu"
        r"|not (?:reached|reaching|meeting|hit|hitting)"
        r"|chua toi chi tieu|chua dat ke hoach",
        "not_met",
    ),
    (r"tot nhat|nhanh nhat|dan dau|dung dau|cao nhat|vuot|best|fastest|top|tot hon", "best"),
    (r"cham nhat|kem nhat|cham|dung cuoi|thap nhat|slowest|worst|behind|lowest", "slowest"),
)


def status_of(folded: str, change: ChangeKind | None) -> str | None:
    """'poor', 'near_poor' or None (both or not said)."""
    if change in NEAR_KINDS:
        return "near_poor"
    found = _first(STATUSES, folded)
    return None if found == "both" else found


def measure_of(folded: str, change: ChangeKind | None) -> Measure | None:
    """Which figure a count asks for; None when not said."""
    found = _first(MEASURES, folded)
    if found == Measure.NOW.value or found == "start":
        return Measure(found)
    if change in ENTER_KINDS:
        return Measure.ENTERED
    if change in EXIT_KINDS:
        return Measure.EXITED
    return Measure(found) if found else None


def list_filter_of(folded: str) -> str | None:
    """Which households a list asks for."""
    return _first(LIST_FILTERS, folded)


def order_of(folded: str) -> str | None:
    """Which end of a ranking is asked for."""
    return _first(ORDERS, folded)
