"""The database schema, as typed SQLAlchemy 2 models."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# 64-bit ids on PostgreSQL; SQLite only auto-increments INTEGER PRIMARY KEY.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    """Declarative base with JSON for dict columns and aware datetimes."""

    type_annotation_map: ClassVar[dict[Any, Any]] = {
        int: BigId,
        dict[str, Any]: JSON,
        dt.datetime: DateTime(timezone=True),
    }


class Unit(Base):
    """An administrative unit: province, district, commune/ward or village/residential group."""

    __tablename__ = "unit"
    __table_args__ = (UniqueConstraint("parent_id", "name_key", name="uq_unit_parent_name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    level: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), index=True)

    parent: Mapped[Unit | None] = relationship(remote_side=[id], lazy="raise")


class UnitPlan(Base):
    """A unit's yearly plan: start counts and targets as the document states them."""

    __tablename__ = "unit_plan"
    __table_args__ = (UniqueConstraint("unit_id", "year", name="uq_plan_unit_year"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    households: Mapped[int | None]
    population: Mapped[int | None]
    poor: Mapped[int | None]
    near_poor: Mapped[int | None]
    poor_population: Mapped[int | None]
    target_poor: Mapped[int | None]
    target_near_poor: Mapped[int | None]
    stated_poor_remaining: Mapped[int | None]
    stated_near_poor_remaining: Mapped[int | None]
    officer_name: Mapped[str | None] = mapped_column(String(200))
    head_name: Mapped[str | None] = mapped_column(String(200))
    leader_name: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(300))


class Household(Base):
    """A household of a village; its current status is derived from its history."""

    __tablename__ = "household"
    __table_args__ = (UniqueConstraint("village_id", "household_key", name="uq_household_key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    household_key: Mapped[str] = mapped_column(String(200))
    code: Mapped[str | None] = mapped_column(String(50))
    title: Mapped[str | None] = mapped_column(String(10))
    head_name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), index=True)
    members: Mapped[int | None]
    workers: Mapped[int | None]
    cause: Mapped[str | None] = mapped_column(Text)
    social_protection: Mapped[bool | None] = mapped_column(Boolean)
    deprivations: Mapped[dict[str, Any] | None]
    initial_status: Mapped[str] = mapped_column(String(16))
    initial_year: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))  # cache of the derived status
    note: Mapped[str | None] = mapped_column(Text)
    # False for a household added by a report that was never confirmed (rejected,
    # withdrawn, corrected): out of every figure and answer, kept for the audit trail.
    listed: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class ExitRegistration(Base):
    """A household registered to exit poverty or near-poverty in a year."""

    __tablename__ = "exit_registration"

    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)


class StatusChange(Base):
    """Append-only history of reported changes; a report is a claim until confirmed."""

    __tablename__ = "status_change"
    __table_args__ = (
        Index("ix_change_household_state", "household_id", "state"),
        Index("ix_change_village_day", "village_id", "happened_on"),
        Index("ix_change_state_village", "state", "village_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"))
    village_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    kind: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    happened_on: Mapped[dt.date] = mapped_column(Date)
    reported_at: Mapped[dt.datetime]
    reported_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    channel: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(16))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    decided_at: Mapped[dt.datetime | None]
    reason: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any] | None]
    evidence: Mapped[str | None] = mapped_column(Text)  # a file id, or a Zalo photo link
    previous: Mapped[dict[str, Any] | None]  # the household before it was applied (undo)


class CorrectionRequest(Base):
    """A request to undo a confirmed report, with a reason, decided by an officer or leader."""

    __tablename__ = "correction_request"
    __table_args__ = (Index("ix_correction_change", "change_id"),
                      Index("ix_correction_state_village", "state", "village_id"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    change_id: Mapped[int] = mapped_column(ForeignKey("status_change.id"))
    village_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    requested_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    requested_at: Mapped[dt.datetime]
    channel: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16))  # pending, approved, rejected
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    decided_at: Mapped[dt.datetime | None]
    decision_reason: Mapped[str | None] = mapped_column(Text)


class PeriodClose(Base):
    """A commune's figures of one period approved (chốt số liệu): closed to revocations."""

    __tablename__ = "period_close"

    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)
    period: Mapped[str] = mapped_column(String(16), primary_key=True)  # '2026-Q3'
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    closed_at: Mapped[dt.datetime]


class User(Base):
    """A person using the bot, with one role."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    login: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str | None] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), index=True)
    role: Mapped[str] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime]


class UserScope(Base):
    """A unit a user's role covers (with everything below it)."""

    __tablename__ = "user_scope"
    __table_args__ = (Index("ix_user_scope_unit", "unit_id"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)


class ChatIdentity(Base):
    """A chat account on one channel, linked to a user, with their private chat for sends.

    `chat_type` is "private" once `chat_id` is known to be the person's own private chat;
    nothing is ever sent to an identity without it (migration 0007 cleared group chats).
    """

    __tablename__ = "chat_identity"

    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    chat_id: Mapped[str | None] = mapped_column(String(64))
    chat_type: Mapped[str | None] = mapped_column(String(16))
    linked_at: Mapped[dt.datetime]


class Invite(Base):
    """A single-use, expiring code that links a chat account to a user or a new role."""

    __tablename__ = "invite"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    role: Mapped[str | None] = mapped_column(String(32))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]
    used_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class CodeAttempt(Base):
    """Wrong invite codes from one account, or from one chat ("chat:<id>"), to slow guessing."""

    __tablename__ = "code_attempt"

    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    external_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[dt.datetime]


class Conversation(Base):
    """Where a user is in a multi-step flow, so it survives a restart."""

    __tablename__ = "conversation"

    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    step: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict[str, Any]]
    updated_at: Mapped[dt.datetime]


class ReceivedUpdate(Base):
    """An update as the platform sent it, stored before it is confirmed (polling) or answered
    200 (webhook), then handled from here: new, sending (handled, replies kept), done, set
    aside (unreadable)."""

    __tablename__ = "received_update"
    __table_args__ = (
        UniqueConstraint("channel", "bot_id", "update_id", "digest", name="uq_received_update"),
        Index("ix_received_update_state", "channel", "bot_id", "state"),
        Index("ix_received_update_at", "received_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    bot_id: Mapped[str] = mapped_column(String(64))
    update_id: Mapped[str] = mapped_column(String(100))
    digest: Mapped[str] = mapped_column(String(32))  # of the canonical JSON: a redelivery
    payload: Mapped[dict[str, Any]]
    received_at: Mapped[dt.datetime]
    state: Mapped[str] = mapped_column(String(12))
    handled_at: Mapped[dt.datetime | None]
    outbox: Mapped[dict[str, Any] | None]  # the chat and replies, kept until they are sent
    reason: Mapped[str | None] = mapped_column(String(200))


class AuditEvent(Base):
    """Who changed what, when, through which channel, with before and after."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[dt.datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    channel: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[int | None] = mapped_column(BigInteger)
    village_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]


class Delivery(Base):
    """Delivery ledger: one planned send (kind, period, recipient), claimed before sending."""

    __tablename__ = "delivery"
    __table_args__ = (
        UniqueConstraint("kind", "period", "recipient_id", name="uq_delivery_key"),
        Index("ix_delivery_state", "state"),
        Index("ix_delivery_report", "report_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    period: Mapped[str] = mapped_column(String(16))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    state: Mapped[str] = mapped_column(String(16))  # claimed, sending, sent, retry, failed, skipped
    due_at: Mapped[dt.datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_at: Mapped[dt.datetime | None]
    next_attempt_at: Mapped[dt.datetime | None]
    sent_at: Mapped[dt.datetime | None]
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    channel: Mapped[str | None] = mapped_column(String(20))
    chat_id: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)
    reported_at: Mapped[dt.datetime | None]  # failure reported to the admins
    report_id: Mapped[int | None] = mapped_column(BigInteger)  # a notice: the report it tells
    content: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)  # a notice's replies


class UnitTreeVersion(Base):
    """One row whose number triggers on `unit` bump (migration 0004): the tree cache's key."""

    __tablename__ = "unit_tree_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)


class WebLogin(Base):
    """A one-time link to the web view: single use, expiring, stored by its hash."""

    __tablename__ = "web_login"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]


class WebSession(Base):
    """A browser's session on the web view (the cookie holds the token, this its hash)."""

    __tablename__ = "web_session"
    __table_args__ = (Index("ix_web_session_user", "user_id"),)

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    via: Mapped[str] = mapped_column(String(20))  # link or telegram (Mini App)
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]


# the follow-up tables (issue 15) live in a module of their own; import them from here
from storage.follow_models import NoChangeReport as NoChangeReport  # noqa: E402
from storage.follow_models import WatchAnswer as WatchAnswer  # noqa: E402
