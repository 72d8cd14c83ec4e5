"""What the understanding layer hands to the router: an intent, its slots, a confidence."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from domain.periods import Period
from domain.statuses import ChangeKind


class Intent(StrEnum):
    """What a message asks for or tells."""

    GREETING = "greeting"  # "chào", "alo"
    THANKS = "thanks"  # "cảm ơn", "ok", "được rồi"
    HELP = "help"  # "hướng dẫn", "làm sao để báo cáo"
    UNIT_STATUS = "unit_status"  # "Thôn Chợ thế nào", "Cẩm Bình quý 3/2024 thế nào"
    COUNT = "count"  # "Thôn Chợ có bao nhiêu hộ nghèo"
    HOUSEHOLD_LIST = "household_list"  # "những hộ nào chưa thoát nghèo" (personal data)
    RANKING = "ranking"  # "thôn nào chậm nhất", "thôn nào chưa đạt chỉ tiêu"
    COMPARISON = "comparison"  # "so sánh Thôn Chợ và Thôn Tô"
    RESPONSIBLE = "responsible"  # "ai phụ trách Thôn Hạc Sơn", "Đỗ Thị Nga phụ trách thôn nào"
    RATE = "rate"  # "tỷ lệ hộ nghèo của xã"
    CHANGES = "changes"  # "quý này có gì thay đổi"
    COMPLETENESS = "completeness"  # "thôn nào chưa báo cáo"
    APPROVE = "approve"  # "Duyệt số liệu quý 3/2024" (a commune leader locks the period)
    NO_CHANGE = "no_change"  # "thôn không có thay đổi" (a head's report for the quarter)
    DIGEST = "digest"  # "báo cáo quý 3/2024", "tổng kết năm"
    PENDING = "pending"  # "có báo cáo nào chờ duyệt không"
    HOUSEHOLD_CARD = "household_card"  # "hộ Phạm Thị Đéc", "hộ Phạm Thị Đéc thoát nghèo chưa"
    REPORT = "report"  # "hộ bà Phạm Thị Đéc thoát nghèo tháng 9"
    CORRECTION = "correction"  # "sửa báo cáo số 1", "hộ Phạm Thị Đéc báo nhầm"
    REVOKE = "revoke"  # "hủy xác nhận báo cáo số 1" (an officer's own confirmation)
    UNKNOWN = "unknown"


class Measure(StrEnum):
    """Which figure a count asks for."""

    NOW = "now"  # còn, hiện nay, chưa thoát
    START = "start"  # đầu năm
    EXITED = "exited"  # đã thoát
    ENTERED = "entered"  # tái nghèo, phát sinh


@dataclass(frozen=True)
class Slots:
    """What a message names. Places are as typed (NFC, diacritics kept); resolution to units
    happens against the whole unit tree, then the asker's scope, outside this package."""

    places: tuple[str, ...] = ()
    own_place: bool = False  # "xã mình", "thôn tôi", or no place named
    level: str | None = None  # "village" / "commune" / ... for rankings ("thôn nào", "xã nào")
    period: Period | None = None
    status: str | None = None  # "poor" / "near_poor" / None (both)
    measure: Measure | None = None
    household: str | None = None  # head's name as typed
    person: str | None = None  # an officer's or head's name ("Đỗ Thị Nga phụ trách thôn nào")
    change: ChangeKind | None = None
    happened_on: dt.date | None = None
    date_problem: str | None = None  # "impossible" / "future": ask again, never a name
    list_filter: str | None = None  # "not_exited", "registered", "exited_recent", "fell_back"
    order: str | None = None  # "slowest", "not_met", "best"
    title: str | None = None  # "Ông" / "Bà" when typed before the household's name
    report_number: int | None = None  # "báo cáo số 12", "bc 12"


@dataclass(frozen=True)
class Understood:
    """One reading of a message; `alternatives` are the next likeliest intents."""

    intent: Intent
    slots: Slots = field(default_factory=Slots)
    confidence: float = 1.0
    alternatives: tuple[tuple[Intent, float], ...] = ()
