"""Reminders and digests through the ledger: on time, caught up, once, within limits."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator

import pytest
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

import scheduler
from bot.channels.base import ChannelRegistry, RecipientGone, RetryAfter
from messaging.messages import Address, Reply
from services.broadcast import Broadcaster, DeliveryPolicy
from storage.db import Database
from storage.ledger import claim_new, start_sending
from storage.models import ChatIdentity, Delivery
from tests.delivery_fakes import FakeChannel, FakeTime, Process, ledger_rows, report_exit, vn
from tests.helpers import FixedClock, login

PEOPLE = {"head": "Bùi Thị Minh", "officer": "Đỗ Thị Nga", "leader": "Đỗ Văn Liên",
          "admin": "admin"}


@pytest.fixture
async def linked(demo_db: Database) -> Database:
    """The demo data with head, officer, leader and admin on the (fake) Telegram channel."""
    for chat, name in PEOPLE.items():
        await login(demo_db, name, chat, channel="telegram")
    return demo_db


@pytest.fixture
async def proc(linked: Database) -> AsyncIterator[Process]:
    """One bot process on the test database."""
    process = Process(linked.url, "p1")
    yield process
    await process.close()


def sent_pairs(rows: list[Delivery]) -> set[tuple[str, str | None]]:
    """(kind, chat) of every row marked sent."""
    return {(r.kind, r.chat_id) for r in rows if r.state == "sent"}


SCHEDULE = [
    (vn(2024, 9, 1, 8), {("review", "head"), ("review", "officer"), ("review", "leader")}),
    (vn(2024, 9, 16, 8), {("reminder", "head")}),
    (vn(2024, 9, 23, 8), {("nudge", "head")}),
    (vn(2024, 10, 1, 8), {("officer_digest", "officer"), ("leader_digest", "leader")}),
    (vn(2024, 11, 3, 8), {("deadline", "officer"), ("deadline", "leader")}),
]


async def test_each_kind_of_send_at_its_time(proc: Process) -> None:
    before: set[tuple[str, str | None]] = set()
    for moment, expected in SCHEDULE:
        await proc.tick(FixedClock(moment - dt.timedelta(minutes=1)))
        assert sent_pairs(await ledger_rows(proc.db)) == before, moment
        await proc.tick(FixedClock(moment))
        now_sent = sent_pairs(await ledger_rows(proc.db))
        assert now_sent - before == expected, moment
        before = now_sent
    assert not any(r.late for r in await ledger_rows(proc.db))
    [reminder, nudge] = [r.text for r in proc.channel.to("head")][1:3]
    assert "Thôn Chợ: đã giảm 0/7 hộ nghèo" in reminder and "bà Phạm Thị Đéc" in reminder
    assert "chưa có báo cáo nào" in nudge
    assert proc.channel.to("head")[1].flat_buttons()[0].data == "rs:"
    leader = proc.channel.to("leader")[1]
    assert leader.text.startswith("Xã Cẩm Bình – quý 3/2024")
    assert leader.image and leader.image.startswith(b"\x89PNG")
    assert leader.document and leader.document[0].endswith("_2024-Q3.xlsx")


async def test_catch_up_after_downtime_marks_late(proc: Process) -> None:
    await proc.tick(FixedClock(vn(2024, 10, 5, 9)))  # down from late August to 5 October
    rows = await ledger_rows(proc.db)
    assert sent_pairs(rows) == {("review", "head"), ("review", "officer"), ("review", "leader"),
                                ("officer_digest", "officer"), ("leader_digest", "leader")}
    assert all(r.late for r in rows)  # reminders to report were past their cut-off: not sent
    assert "gửi muộn" in proc.channel.to("leader")[-1].text.splitlines()[0]
    await proc.tick(FixedClock(vn(2024, 11, 4, 9)))  # down again past the catch-up window
    assert {r.kind for r in await ledger_rows(proc.db)} >= {"deadline"}


async def test_no_double_send_after_restart(proc: Process, linked: Database) -> None:
    await proc.tick(FixedClock(vn(2024, 10, 1, 8)))
    first = len(proc.channel.sent)
    restarted = Process(linked.url, "p1-restarted")
    try:
        run = await restarted.tick(FixedClock(vn(2024, 10, 1, 9)))
        assert restarted.channel.sent == [] and not run.results
    finally:
        await restarted.close()
    assert len(proc.channel.sent) == first == 5


async def test_a_claim_left_by_a_crashed_process_is_taken_over(proc: Process,
                                                               linked: Database) -> None:
    due = vn(2024, 10, 1, 8)
    async with linked.session() as session, session.begin():
        leader = (await ledger_users(session))["leader"]
        assert await claim_new(session, "leader_digest", "2024-Q3", leader, due, "dead", due)
    await proc.tick(FixedClock(due + dt.timedelta(minutes=5)))
    assert not [r for r in proc.channel.to("leader") if r.image]  # the claim may be alive
    await proc.tick(FixedClock(due + dt.timedelta(minutes=20)))
    assert len([r for r in proc.channel.to("leader") if r.image]) == 1
    row = next(r for r in await ledger_rows(linked) if r.kind == "leader_digest")
    assert (row.state, row.attempts, row.claimed_by) == ("sent", 2, "p1")


async def test_a_send_left_sending_by_a_crashed_process_is_never_resent(
        proc: Process, linked: Database) -> None:
    due = vn(2024, 10, 1, 8)
    async with linked.session() as session, session.begin():
        leader = (await ledger_users(session))["leader"]
        row_id = await claim_new(session, "leader_digest", "2024-Q3", leader, due, "dead", due)
        assert row_id and await start_sending(session, row_id, "dead", due)
    await proc.tick(FixedClock(due + dt.timedelta(minutes=5)))
    row = next(r for r in await ledger_rows(linked) if r.kind == "leader_digest")
    assert row.state == "sending"  # the process may be alive, sending it
    await proc.tick(FixedClock(due + dt.timedelta(minutes=20)))
    assert not [r for r in proc.channel.to("leader") if r.image]  # maybe delivered: not again
    row = next(r for r in await ledger_rows(linked) if r.kind == "leader_digest")
    assert (row.state, row.attempts) == ("failed", 1) and "maybe delivered" in str(row.error)
    assert any("Đỗ Văn Liên" in r.text and "có thể đã tới" in r.text
               for r in proc.channel.to("admin"))


async def ledger_users(session: AsyncSession) -> dict[str, int]:
    """Chat account -> user id of the linked people."""
    rows = await session.execute(select(ChatIdentity.external_id, ChatIdentity.user_id))
    return {external: user_id for external, user_id in rows.all()}


async def test_two_schedulers_on_one_database_send_once(linked: Database) -> None:
    one, two = Process(linked.url, "p1"), Process(linked.url, "p2")
    try:
        lost = 0
        for moment in (vn(2024, 9, 16, 8), vn(2024, 10, 5, 9), vn(2024, 11, 3, 8)):
            clock = FixedClock(moment)
            runs = await asyncio.gather(one.tick(clock), two.tick(clock), one.tick(clock))
            lost += sum(run.results["busy"] for run in runs)
        if not linked.is_sqlite:  # SQLite serializes writers: its ticks may not overlap at all
            assert lost > 0  # the ticks did race for the same sends: the ledger settled it
        chats = [chat for p in (one, two) for chat, _ in p.channel.sent]
        everything = await ledger_rows(linked)
        rows = [r for r in everything if r.kind != "watch"]
        # nobody is on watch in the demo plans: the quarter's watch question is skipped, once
        assert [r.state for r in everything if r.kind == "watch"] == ["skipped"]
        assert len(chats) == len(rows) == 8  # reminder; 3 reviews + 2 digests; 2 deadlines
        assert len({(r.kind, r.recipient_id) for r in rows}) == 8
        assert all(r.state == "sent" for r in rows)
    finally:
        await one.close()
        await two.close()


async def test_429_pauses_then_retries(proc: Process) -> None:
    await proc.tick(FixedClock(vn(2024, 9, 30, 8)))  # review and reminders out of the way
    proc.channel.sent.clear()
    proc.channel.failures = {"leader": [RetryAfter(3)], "officer": [RetryAfter(600)]}
    due = vn(2024, 10, 1, 8)
    await proc.tick(FixedClock(due))
    assert len(proc.channel.to("leader")) == 1 and 3 in proc.time.slept
    officer = next(r for r in await ledger_rows(proc.db) if r.kind == "officer_digest")
    assert officer.state == "retry" and proc.channel.to("officer") == []
    await proc.tick(FixedClock(due + dt.timedelta(minutes=5)))  # still asked to wait
    assert proc.channel.to("officer") == []
    await proc.tick(FixedClock(due + dt.timedelta(minutes=11)))
    assert len(proc.channel.to("officer")) == 1
    officer = next(r for r in await ledger_rows(proc.db) if r.kind == "officer_digest")
    assert (officer.state, officer.attempts, officer.late) == ("sent", 2, False)


async def test_gone_recipient_is_recorded_reported_once_and_not_retried(proc: Process) -> None:
    await proc.tick(FixedClock(vn(2024, 9, 30, 8)))
    proc.channel.sent.clear()
    proc.channel.failures = {"officer": [RecipientGone("Forbidden: bot was blocked by the user")],
                             "leader": [RuntimeError("network down")]}
    due = vn(2024, 10, 1, 8)
    await proc.tick(FixedClock(due))
    rows = {r.kind: r for r in await ledger_rows(proc.db)}
    assert rows["officer_digest"].state == "failed" and "blocked" in (rows["officer_digest"].error
                                                                     or "")
    assert rows["leader_digest"].state == "retry"
    [report] = proc.channel.to("admin")
    assert "Đỗ Thị Nga" in report.text and "tổng hợp cho cán bộ" in report.text
    for minutes in (15, 60, 180):
        await proc.tick(FixedClock(due + dt.timedelta(minutes=minutes)))
    assert proc.channel.to("officer") == [] and len(proc.channel.to("admin")) == 1
    assert len(proc.channel.to("leader")) == 1  # the temporary failure was retried


async def test_nudge_skipped_for_a_head_who_reported(proc: Process, linked: Database) -> None:
    await report_exit(linked, "pham thi dec", dt.date(2024, 9, 20), confirm=False,
                      at=vn(2024, 9, 20, 10))
    await proc.tick(FixedClock(vn(2024, 9, 23, 8)))
    [nudge] = [r for r in await ledger_rows(proc.db) if r.kind == "nudge"]
    assert nudge.state == "skipped"
    assert not [r for r in proc.channel.to("head") if "chưa có báo cáo" in r.text]


async def test_cutoff_day_setting(linked: Database) -> None:
    process = Process(linked.url, "p14", reporting_cutoff_day=14)
    try:
        await process.tick(FixedClock(vn(2024, 8, 31, 8)))  # 14 days before 14/09
        [reminder] = process.channel.to("head")
        assert "chốt số liệu ngày 14/09/2024 (còn 14 ngày)" in reminder.text
    finally:
        await process.close()


async def test_rate_limits_overall_and_per_chat() -> None:
    time = FakeTime()
    channels = ChannelRegistry()
    channels.add(FakeChannel())
    broadcaster = Broadcaster(channels, DeliveryPolicy(per_second=25, per_chat_seconds=1),
                              time.sleep, time.monotonic)
    await broadcaster.send(Address("telegram", "one"), [Reply("a"), Reply("b"), Reply("c")])
    assert time.now == pytest.approx(2.0)  # one a second in one chat
    start = time.now
    for n in range(50):
        await broadcaster.send(Address("telegram", f"chat{n}"), [Reply("x")])
    assert time.now - start == pytest.approx(50 / 25, abs=0.05)  # 25 a second overall


async def test_scheduler_wiring(proc: Process) -> None:
    built = scheduler.build_scheduler(proc.app, proc.registry)
    [job] = built.get_jobs()
    assert job.id == "deliveries" and isinstance(job.trigger, IntervalTrigger)
    assert job.trigger.interval == dt.timedelta(minutes=10)
    assert scheduler.start is scheduler.start_scheduler
    started = await scheduler.start_scheduler(proc.app, proc.registry)
    assert started.running
    started.shutdown(wait=False)


class SlowNow(FakeChannel):
    """A channel where some sends take long (a stall): arrival times are noted per send."""

    def __init__(self, time: FakeTime, slow: set[int]) -> None:
        super().__init__()
        self.time, self.slow, self.arrived = time, slow, list[float]()

    async def send(self, chat_id: str, reply: Reply) -> None:
        self.arrived.append(self.time.now)  # the platform counts the request on arrival
        await self.time.sleep(0.3 if len(self.arrived) in self.slow else 0.002)
        await super().send(chat_id, reply)


async def test_stalls_never_put_more_than_the_limit_in_one_second() -> None:
    """Spacing alone let the send after a stall follow at once: 31 in a second (429)."""
    time = FakeTime()
    channel = SlowNow(time, slow={40, 95, 150})
    channels = ChannelRegistry()
    channels.add(channel)
    broadcaster = Broadcaster(channels, DeliveryPolicy(per_second=30), time.sleep,
                              time.monotonic)
    for n in range(200):
        await broadcaster.send(Address("telegram", f"chat{n}"), [Reply("x")])
    arrived = channel.arrived
    busiest = max(sum(1 for t in arrived if start <= t < start + 1.0) for start in arrived)
    assert busiest <= 30
    assert arrived[-1] - arrived[0] < 199 / 30 + 3 * 0.3 + 0.2  # no more waiting than that
