"""The flows the triggers keep (storage/flows.py, migration 0010) equal a full recount of
the reports after any history of use cases, and commune answers read them.

Random histories of Cẩm Bình's households go through the chat's use cases: reports dated
anywhere in 2024-2026, confirmed, rejected, withdrawn or left pending; confirmations
revoked or corrected through an approved request. After each history the stored sums equal
the recount, and the commune's progress (read from the sums) equals the sum of its
villages' progress (each counted from its reports).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text, update

from domain.statuses import ReportState
from services import corrections, decisions, reporting
from services.progress import unit_progress
from services.reporting import ReportError
from storage.db import Database
from storage.flows import recount, stored
from storage.models import Household, StatusChange, Unit
from storage.people import find_users
from storage.unit_tree import unit_tree

HEAD, OFFICER = "Bùi Thị Minh", "Đỗ Thị Nga"
AT = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)
FATES = ("confirm", "reject", "withdraw", "pending", "revoke", "correct")
steps = st.lists(st.tuples(st.integers(0, 200), st.integers(0, 8), st.integers(0, 1050),
                           st.sampled_from(FATES)), min_size=1, max_size=12)
_NUMBER = itertools.count()


async def _step(db: Database, pick: int, option: int, day: int, fate: str) -> None:
    """One report of a household of the head's villages, and what becomes of it."""
    async with db.session() as session, session.begin():
        [head] = await find_users(session, HEAD)
        [officer] = await find_users(session, OFFICER)
        villages = [v.id for v in await reporting.reporter_villages(session, head)]
        households = (await session.scalars(select(Household).where(
            Household.village_id.in_(villages)).order_by(Household.id))).all()
        household = households[pick % len(households)]
        options = await reporting.options_for(session, household)
        if not options or await reporting.pending_of(session, household.id):
            return
        happened = dt.date(2024, 1, 1) + dt.timedelta(days=day)
        report = await reporting.submit(session, head, "test", household.id,
                                        options[option % len(options)], happened, AT)
        if fate == "withdraw":
            await decisions.withdraw(session, head, "test", report.id, AT)
        elif fate != "pending":
            await decisions.decide(session, officer, "test", report.id, fate != "reject", AT)
        if fate == "revoke":
            await corrections.revoke(session, officer, "test", report.id, "nhầm", AT)
        elif fate == "correct":
            request = await corrections.request_correction(session, head, "test", report.id,
                                                           "nhầm", AT)
            await corrections.decide_correction(session, officer, "test", request.id, True, AT)


async def _commune_equals_its_villages(db: Database, today: dt.date) -> None:
    async with db.session() as session:
        commune = await session.scalar(
            select(Unit).where(Unit.name.like("%Cẩm Bình"), Unit.level == "commune"))
        assert commune is not None
        tree = await unit_tree(session)
        whole = await unit_progress(session, tree.by_id[commune.id], today, names=False)
        assert whole is not None
        parts = [await unit_progress(session, tree.by_id[v.unit.id], today, names=False)
                 for v in whole.villages]
    for status in ("poor", "near_poor"):
        summed = [getattr(p, status) for p in parts if p is not None]
        track = getattr(whole, status)
        assert track.confirmed.as_tuple() == tuple(map(sum, zip(
            *(t.confirmed.as_tuple() for t in summed), strict=True)))
        assert track.pending.as_tuple() == tuple(map(sum, zip(
            *(t.pending.as_tuple() for t in summed), strict=True)))


@settings(max_examples=15, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(history=steps)
async def test_stored_flows_equal_a_recount(
    demo_db: Database, history: list[tuple[int, int, int, str]]
) -> None:
    for pick, option, day, fate in history:
        with contextlib.suppress(ReportError):  # e.g. correcting a report no longer the latest
            await _step(demo_db, pick + next(_NUMBER), option, day, fate)
    async with demo_db.session() as session:
        assert await stored(session) == await recount(session)
    for today in (dt.date(2024, 12, 31), dt.date(2026, 11, 20), dt.date(2025, 6, 15)):
        await _commune_equals_its_villages(demo_db, today)


async def test_hand_made_sql_fixes_are_counted_too(demo_db: Database) -> None:
    """A report moved to another day and one deleted by hand: the triggers follow."""
    for step in ((1, 0, 100, "confirm"), (2, 0, 400, "pending"), (3, 1, 700, "confirm")):
        await _step(demo_db, *step)
    async with demo_db.session() as session, session.begin():
        first = await session.scalar(select(StatusChange.id).order_by(StatusChange.id))
        await session.execute(update(StatusChange).where(StatusChange.id == first)
                              .values(happened_on=dt.date(2025, 2, 3)))
        await session.execute(text("DELETE FROM status_change WHERE id = "
                                   "(SELECT max(id) FROM status_change)"))
    async with demo_db.session() as session:
        counted = await recount(session)
        assert await stored(session) == counted
        states = {state for _, _, state in counted}
    assert states <= {ReportState.CONFIRMED.value, ReportState.PENDING.value}
