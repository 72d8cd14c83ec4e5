"""Deliveries through the ledger: claim, compose, send, record; failures told to the admins."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from domain.schedule import Calendar, PlannedSend, SendKind
from messaging.failures import SendFailed, delivery_ref
from messaging.messages import Reply
from services import digests, reminders, watch_questions
from services.broadcast import (
    Broadcaster,
    ChannelDown,
    DeliveryPolicy,
    MaybeDelivered,
    RecipientGone,
    RetryAfter,
)
from services.delivery_failures import address_of as _address
from services.delivery_failures import report_failures
from services.digests import Occasion
from services.recipients import Recipient, chat_for, recipients
from services.workshop import INLINE, Workshop
from storage import conversations, ledger
from storage.db import Database
from storage.ledger import DeliveryState
from storage.models import ChatIdentity, Delivery

log = logging.getLogger(__name__)
Clock = Callable[[], dt.datetime]
Composer = Callable[[AsyncSession, Occasion, Recipient], Awaitable[list[Reply] | None]]
COMPOSERS: dict[SendKind, Composer] = {
    SendKind.REMINDER: reminders.report_reminder,
    SendKind.NUDGE: reminders.nudge,
    SendKind.OFFICER_DIGEST: digests.officer_digest,
    SendKind.LEADER_DIGEST: digests.leader_digest,
    SendKind.AREA_DIGEST: digests.area_digest,
    SendKind.REVIEW: reminders.review_reminder,
    SendKind.DEADLINE: reminders.deadline_reminder,
    SendKind.PLAN_MISSING: reminders.plan_missing,
    SendKind.WATCH: watch_questions.watch_question,
}


@dataclass
class Run:
    """One pass over due sends, by one process (`token` names it in the ledger)."""

    db: Database
    broadcaster: Broadcaster
    cal: Calendar
    policy: DeliveryPolicy
    clock: Clock
    token: str
    results: Counter[str] = field(default_factory=Counter)
    log: list[tuple[str, str, int, str]] = field(default_factory=list)  # kind, period, user, result
    workshop: Workshop = INLINE  # where charts and spreadsheets are built


@dataclass
class Target:
    """One recipient of one send, the chat to reach them in, and their ledger row if any."""

    recipient: Recipient
    chat: ChatIdentity
    row: Delivery | None


async def compose(session: AsyncSession, occasion: Occasion,
                  recipient: Recipient) -> list[Reply] | None:
    """What this recipient gets for this send; None or [] when there is nothing to say."""
    return await COMPOSERS[occasion.send.kind](session, occasion, recipient)


async def run_sends(run: Run, sends: list[PlannedSend]) -> Run:
    """Deliver every send to every recipient the ledger does not hold as done."""
    for send in sends:
        for target in await _targets(run, send):
            result = await _deliver(run, send, target)
            run.results[result] += 1
            run.log.append((send.kind.value, send.period.key, target.recipient.user.id, result))
    await report_failures(run.db, run.broadcaster, run.clock())
    return run


async def _targets(run: Run, send: PlannedSend) -> list[Target]:
    lease = dt.timedelta(minutes=run.policy.lease_minutes)
    now = run.clock()
    found, abandoned = [], []
    async with run.db.reading() as session:
        rows = await ledger.rows_for(session, send.kind.value, send.period.key)
        for recipient in await recipients(session, send.kind, send.period.year):
            row = rows.get(recipient.user.id)
            if row is not None and ledger.is_abandoned(row, now, lease):
                abandoned.append(row)
            elif row is not None and not ledger.is_claimable(row, now, lease):
                continue  # done, or being sent by another process right now
            chat = await chat_for(session, recipient.user.id, run.broadcaster.running)
            if chat is not None:  # else: a process running their channel will send it
                found.append(Target(recipient, chat, row))
    for row in abandoned:
        await _give_up(run, row, now, lease)
    return found


async def _give_up(run: Run, row: Delivery, now: dt.datetime, lease: dt.timedelta) -> None:
    """A row left `sending` by a stopped process: maybe delivered, so never sent again
    (failed, the admins told); the one window no platform lets us close."""
    async with run.db.transaction() as session:
        if not await ledger.give_up_abandoned(session, row, now, lease):
            return
    log.error("delivery maybe sent by a stopped process, not resent delivery=%s kind=%s "
              "period=%s attempt=%s", row.id, row.kind, row.period, row.attempts)
    run.results["maybe_sent"] += 1


async def _claim(run: Run, send: PlannedSend, target: Target) -> tuple[int, int] | None:
    """(ledger id, attempt number) when this process won the send, else None."""
    lease = dt.timedelta(minutes=run.policy.lease_minutes)
    async with run.db.transaction() as session:
        row = target.row
        if row is None:
            new_id = await ledger.claim_new(session, send.kind.value, send.period.key,
                                            target.recipient.user.id, send.due, run.token,
                                            run.clock())
            return None if new_id is None else (new_id, 1)
        if await ledger.reclaim(session, row, run.token, run.clock(), lease):
            return row.id, row.attempts + 1
        return None


async def _deliver(run: Run, send: PlannedSend, target: Target) -> str:
    """Claim, compose, send, record; the result word counts in the run's report.

    Composing only reads, in a session of its own (no write lock, no turn): questions are
    answered while charts and spreadsheets are built. Each write is a short transaction.
    """
    claim = await _claim(run, send, target)
    if claim is None:
        return "busy"
    delivery_id, attempt = claim
    occasion = Occasion(send, run.cal, run.clock(), run.workshop)
    try:
        async with run.db.reading() as session:
            replies = await compose(session, occasion, target.recipient)
        await _offer_menus(run.db, target.chat, replies or [])
        if replies and not await _start_sending(run, delivery_id):
            return "busy"
        if replies:
            await _send(run, target, replies, delivery_id)
    except Exception as error:
        state, values = _failure(run, error, delivery_id, attempt)
        return await _finish(run, delivery_id, state, **values)
    if not replies:
        return await _finish(run, delivery_id, DeliveryState.SKIPPED)
    await _finish(run, delivery_id, DeliveryState.SENT, sent_at=run.clock(), late=occasion.late,
                  channel=target.chat.channel, chat_id=_address(target.chat).chat_id, error=None)
    return "late" if occasion.late else "sent"


async def _start_sending(run: Run, delivery_id: int) -> bool:
    """Committed before the first request: a crash from here on never sends it again."""
    async with run.db.transaction() as session:
        return await ledger.start_sending(session, delivery_id, run.token, run.clock())


async def _send(run: Run, target: Target, replies: list[Reply], delivery_id: int) -> None:
    """Send with the ledger row named in every log line of the adapters below."""
    token = delivery_ref.set(delivery_id)
    try:
        await run.broadcaster.send(_address(target.chat), replies)
    finally:
        delivery_ref.reset(token)


def _failure(run: Run, error: Exception, delivery_id: int,
             attempt: int) -> tuple[DeliveryState, dict[str, object]]:
    """Gone or maybe delivered: failed for good (never doubled); asked to wait: retry then;
    not sent (or failed before sending): retry, then give up. Logged once, without texts."""
    state, values = _decide(run, error, attempt)
    if isinstance(error, SendFailed):
        log.log(logging.WARNING if state is DeliveryState.RETRY else logging.ERROR,
                "delivery failed %s delivery=%s attempt=%s state=%s", error.fields(),
                delivery_id, attempt, state.value)
    else:  # not a send: composing or a bug; the traceback, filtered, says where
        log.exception("delivery failed delivery=%s attempt=%s state=%s error=%s", delivery_id,
                      attempt, state.value, type(error).__name__, exc_info=error)
    return state, values


def _decide(run: Run, error: Exception,
            attempt: int) -> tuple[DeliveryState, dict[str, object]]:
    if isinstance(error, RecipientGone):
        return DeliveryState.FAILED, {"error": f"recipient gone: {error}"[:500]}
    if isinstance(error, MaybeDelivered):
        return DeliveryState.FAILED, {"error": f"maybe delivered, not resent: {error}"[:500]}
    if isinstance(error, RetryAfter | ChannelDown):
        wait = dt.timedelta(seconds=error.seconds) if isinstance(error, RetryAfter) \
            else dt.timedelta(minutes=run.policy.retry_minutes)
        return DeliveryState.RETRY, {"error": str(error)[:500],
                                     "next_attempt_at": run.clock() + wait}
    described = str(error) if isinstance(error, SendFailed) else type(error).__name__
    if attempt >= run.policy.max_attempts:
        return DeliveryState.FAILED, {"error": described[:500]}
    backoff = dt.timedelta(minutes=run.policy.retry_minutes * attempt)
    return DeliveryState.RETRY, {"error": described[:500],
                                 "next_attempt_at": run.clock() + backoff}


async def _offer_menus(db: Database, chat: ChatIdentity, replies: list[Reply]) -> None:
    """A reminder's "Báo cáo ngay" can be answered by typing its number (Zalo, console)."""
    menu = [[b.label, b.data] for reply in replies for b in reply.flat_buttons()]
    if menu:
        address = _address(chat)
        async with db.transaction() as session:
            await conversations.offer_menu(session, chat.channel, address.chat_id,
                                           chat.external_id, menu)


async def _finish(run: Run, delivery_id: int, state: DeliveryState, **values: object) -> str:
    async with run.db.transaction() as session:
        if not await ledger.finish(session, delivery_id, run.token, state, **values):
            log.warning("delivery %s: claim taken over before it was recorded", delivery_id)
    return state.value
