"""The schema's follow-up tables (issue 15): 'no change' declarations, watch answers."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, BigId


class NoChangeReport(Base):
    """A village head's 'thôn không có thay đổi' for one period: the village has reported."""

    __tablename__ = "no_change_report"

    village_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)
    period: Mapped[str] = mapped_column(String(16), primary_key=True)  # '2024-Q3'
    reported_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    reported_at: Mapped[dt.datetime]
    channel: Mapped[str] = mapped_column(String(20))


class WatchAnswer(Base):
    """The head's answer about a household on watch after its exit, for one quarter."""

    __tablename__ = "watch_answer"
    __table_args__ = (Index("ix_watch_answer_village", "village_id", "period"),)

    household_id: Mapped[int] = mapped_column(BigId, ForeignKey("household.id"),
                                              primary_key=True)
    period: Mapped[str] = mapped_column(String(16), primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    answer: Mapped[str] = mapped_column(String(16))  # ok, difficulty, fell_back
    difficulty: Mapped[str | None] = mapped_column(String(16))  # illness, job, disaster, ...
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    answered_at: Mapped[dt.datetime]
    channel: Mapped[str] = mapped_column(String(20))
