"""Correcting confirmed reports: the head's request, its approval, an officer's revocation."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from domain.periods import parse_period
from handlers.router import Dispatcher
from services.closures import close_period
from services.corrections import decide_correction, request_correction
from services.progress import unit_progress
from services.reporting import ReportError, reporter_villages, submit_new_household
from storage.db import Database
from storage.models import AuditEvent, CorrectionRequest, Household, StatusChange
from storage.people import find_users
from storage.unit_tree import unit_tree
from tests.helpers import Chat, FixedClock, login, outbox


@pytest.fixture
async def people(demo_db: Database, clock: FixedClock) -> dict[str, Chat]:
    dispatcher = Dispatcher(demo_db, clock=clock)
    return {
        key: Chat(dispatcher, await login(demo_db, name))
        for key, name in (
            ("head", "Bùi Thị Minh"),
            ("officer", "Đỗ Thị Nga"),
            ("leader", "Đỗ Văn Liên"),
        )
    }


async def household(db: Database, name_key: str) -> Household:
    async with db.session() as session:
        found = await session.scalar(select(Household).where(Household.name_key == name_key))
        assert found is not None
        return found


async def report(db: Database, number: int) -> StatusChange:
    async with db.session() as session:
        found = await session.get(StatusChange, number)
        assert found is not None
        return found


async def poor_net(db: Database, village_id: int) -> int:
    async with db.session() as session:
        tree = await unit_tree(session)
        progress = await unit_progress(session, tree.by_id[village_id], dt.date(2026, 11, 22))
        assert progress is not None
        return progress.poor.confirmed.net


async def confirmed_exit(people: dict[str, Chat], sentence: str = "hộ bà Phạm Thị Đéc thoát nghèo"
                         ) -> None:
    await people["head"].say(sentence)
    await people["head"].press("Xác nhận")
    replies = await people["officer"].say("/cho")
    await people["officer"].press("Đồng ý")
    del replies


async def test_approved_correction_moves_the_figures_back_and_tells_everyone(
    people: dict[str, Chat], demo_db: Database
) -> None:
    head, officer, leader = people["head"], people["officer"], people["leader"]
    await confirmed_exit(people)
    village_id = (await household(demo_db, "pham thi dec")).village_id
    assert await poor_net(demo_db, village_id) == 1
    await head.say("hộ Phạm Thị Đéc báo nhầm")
    assert "Yêu cầu sửa: Báo cáo số 1" in head.text
    replies = await head.say("hộ chưa thoát, báo nhầm")
    assert "Đã gửi yêu cầu sửa báo cáo số 1" in head.text
    [request] = outbox(replies)
    assert request.to is not None and request.to.chat_id == officer.user_id
    assert "Lý do: hộ chưa thoát, báo nhầm" in request.text
    assert (await report(demo_db, 1)).state == "confirmed"  # counted until approved
    replies = await officer.say(button=request.flat_buttons()[0].data)  # "Đồng ý sửa"
    assert "Đã đồng ý sửa" in officer.text
    told = {n.to.chat_id for n in outbox(replies) if n.to}
    assert told == {head.user_id}  # the reporter and asker; the officer decided here
    assert (await report(demo_db, 1)).state == "corrected"
    assert (await household(demo_db, "pham thi dec")).status == "poor"
    assert await poor_net(demo_db, village_id) == 0
    await leader.say("Thôn Chợ thế nào?")
    assert "Hộ nghèo: đã giảm 0/7" in leader.text
    async with demo_db.session() as session:
        actions = [e.action for e in (await session.scalars(
            select(AuditEvent).where(AuditEvent.channel == "test").order_by(AuditEvent.id))).all()
            if e.action != "identity.link"]
    assert actions[-6:] == ["correction.request", "notice.queue", "correction.approved",
                            "household.update", "report.corrected", "notice.queue"]


async def test_rejected_correction_keeps_the_report_and_tells_why(
    people: dict[str, Chat], demo_db: Database
) -> None:
    head, officer = people["head"], people["officer"]
    await confirmed_exit(people)
    await head.say("sửa báo cáo số 1")
    await head.say("nhầm hộ")
    await officer.say("/cho")
    assert "yêu cầu sửa" in officer.text and "nhầm hộ" in officer.text
    await officer.press("Không đồng ý sửa")
    replies = await officer.say("đã kiểm tra, hộ thoát thật")
    [note] = outbox(replies)
    assert note.to is not None and note.to.chat_id == head.user_id
    assert "không đồng ý sửa" in note.text and "hộ thoát thật" in note.text
    assert (await report(demo_db, 1)).state == "confirmed"
    assert (await household(demo_db, "pham thi dec")).status == "out"
    async with demo_db.session() as session:
        [stored] = (await session.scalars(select(CorrectionRequest))).all()
    assert (stored.state, stored.decision_reason) == ("rejected", "đã kiểm tra, hộ thoát thật")


async def test_a_pending_report_of_ones_own_is_withdrawn_instead(
    people: dict[str, Chat], demo_db: Database
) -> None:
    head = people["head"]
    await head.say("hộ bà Phạm Thị Đéc thoát nghèo")
    await head.press("Xác nhận")
    await head.say("hoàn tác báo cáo số 1")
    assert "chắc chắn muốn hoàn tác báo cáo số 1" in head.text
    await head.press("Đúng, hoàn tác")
    assert (await report(demo_db, 1)).state == "withdrawn"


async def test_only_the_last_confirmed_report_can_be_corrected(
    people: dict[str, Chat], demo_db: Database
) -> None:
    await confirmed_exit(people, "hộ Phạm Thị Gang thoát nghèo còn cận nghèo")
    await confirmed_exit(people, "hộ Phạm Thị Gang thoát cận nghèo")
    await people["head"].say("sửa báo cáo số 1")
    assert "cần sửa báo cáo số 2 trước" in people["head"].text
    await people["head"].say("sửa báo cáo số 7")
    assert "Không tìm thấy báo cáo số 7" in people["head"].text


async def test_officer_revokes_own_confirmation_with_a_reason(
    people: dict[str, Chat], demo_db: Database
) -> None:
    head, officer = people["head"], people["officer"]
    await confirmed_exit(people)
    await officer.say("hủy xác nhận báo cáo số 1")
    assert "Hủy xác nhận: Báo cáo số 1" in officer.text
    replies = await officer.say("xác nhận nhầm, cần kiểm tra lại")
    assert "Đã hủy xác nhận" in officer.text
    assert head.user_id in {n.to.chat_id for n in outbox(replies) if n.to}
    stored = await report(demo_db, 1)
    assert (stored.state, stored.decided_by) == ("pending", None)
    assert (await household(demo_db, "pham thi dec")).status == "poor"
    await officer.press("Không đồng ý")  # decided again, now rejected
    await officer.say("chưa đủ điều kiện")
    assert (await report(demo_db, 1)).state == "rejected"


async def test_no_revocation_in_a_closed_period_but_a_correction_request(
    people: dict[str, Chat], demo_db: Database, clock: FixedClock
) -> None:
    head, officer = people["head"], people["officer"]
    await confirmed_exit(people)
    async with demo_db.session() as session, session.begin():
        village_id = (await household(demo_db, "pham thi dec")).village_id
        commune = (await unit_tree(session)).by_id[village_id].parent_id
        assert commune is not None
        await close_period(session, None, commune, parse_period("2026-Q4"), clock())
    await officer.say("hủy xác nhận báo cáo số 1")
    assert "Số liệu quý 4/2026 đã chốt" in officer.text
    assert (await report(demo_db, 1)).state == "confirmed"
    await head.say("sửa báo cáo số 1")
    await head.say("báo nhầm")
    await officer.say("/cho")
    await officer.press("Đồng ý sửa")
    assert (await report(demo_db, 1)).state == "corrected"


async def test_a_revocation_is_only_for_ones_own_confirmation(
    people: dict[str, Chat], demo_db: Database
) -> None:
    await confirmed_exit(people)
    await people["leader"].say("hủy xác nhận báo cáo số 1")
    assert "chỉ hủy được xác nhận do chính mình" in people["leader"].text


async def test_leader_confirms_and_the_officer_is_told(
    people: dict[str, Chat], demo_db: Database
) -> None:
    head, officer, leader = people["head"], people["officer"], people["leader"]
    await head.say("hộ bà Phạm Thị Đéc thoát nghèo")
    await head.press("Xác nhận")
    await leader.say("/cho")
    replies = await leader.press("Đồng ý")
    told = {n.to.chat_id: n.text for n in outbox(replies) if n.to}
    assert set(told) == {head.user_id, officer.user_id}
    assert told[officer.user_id].startswith("Lãnh đạo xã Đỗ Văn Liên đã xác nhận: Báo cáo số 1")


async def test_nobody_reachable_is_said_to_the_head(demo_db: Database, clock: FixedClock) -> None:
    head = Chat(Dispatcher(demo_db, clock=clock), await login(demo_db, "Bùi Thị Minh"))
    await head.say("hộ bà Phạm Thị Đéc thoát nghèo")
    await head.press("Xác nhận")
    assert "chưa có cán bộ hay lãnh đạo xã nào nhận được" in head.text


async def test_a_second_head_code_names_the_existing_head(people: dict[str, Chat]) -> None:
    await people["officer"].say("/moi Thôn Chợ")
    assert "Thôn Chợ đã có trưởng thôn Bùi Thị Minh" in people["officer"].text


async def new_household_report(db: Database, clock: FixedClock, name: str) -> int:
    async with db.session() as session, session.begin():
        [head] = await find_users(session, "Bùi Thị Minh")
        village = (await reporter_villages(session, head))[0]
        change = await submit_new_household(
            session, head, "test", village.id,
            {"name": name, "status": "poor", "members": 3, "workers": 1, "cause": "thiếu vốn"},
            dt.date(2026, 11, 1), clock())
        return change.id


async def test_a_household_only_a_rejected_report_added_is_gone(
    people: dict[str, Chat], demo_db: Database, clock: FixedClock
) -> None:
    head, officer, leader = people["head"], people["officer"], people["leader"]
    number = await new_household_report(demo_db, clock, "Nguyễn Văn Mới")
    await leader.say("hộ Nguyễn Văn Mới")
    assert "Hộ Nguyễn Văn Mới" in leader.text  # pending: known, waiting
    await officer.say(button=f"no:{number}")
    await officer.say("không có hộ này")
    for asker in (leader, officer, head):
        await asker.say("hộ Nguyễn Văn Mới")
        assert "đã thoát" not in asker.text and "thiếu vốn" not in asker.text
    await officer.say("/baocao")
    assert "Nguyễn Văn Mới" not in officer.text
    async with demo_db.session() as session:
        ghost = await session.scalar(select(Household).where(
            Household.name_key == "nguyen van moi"))
        assert ghost is not None and not ghost.listed  # kept for the audit trail
        unlisted = await session.scalar(select(AuditEvent).where(
            AuditEvent.action == "household.unlist", AuditEvent.entity_id == ghost.id))
        assert unlisted is not None and unlisted.after == {"listed": False, "report": number}
    again = await new_household_report(demo_db, clock, "Nguyễn Văn Mới")  # reported anew
    await officer.say(button=f"ok:{again}")
    await leader.say("hộ Nguyễn Văn Mới")
    assert "Hiện nay: hộ nghèo" in leader.text


async def test_the_household_card_tells_its_history(
    people: dict[str, Chat], demo_db: Database
) -> None:
    head, officer = people["head"], people["officer"]
    await confirmed_exit(people)
    await head.say("sửa báo cáo số 1")
    await head.say("nhầm hộ")
    await officer.say("/cho")
    await officer.press("Đồng ý sửa")
    await head.say("hộ Phạm Thị Đéc thoát nghèo còn cận nghèo")
    await head.press("Xác nhận")
    await officer.say("/cho")
    await officer.press("Không đồng ý")
    await officer.say("chưa đủ giấy tờ")
    await officer.say("hộ Phạm Thị Đéc")
    card = officer.text
    assert "Lịch sử thay đổi:" in card
    assert ("22/11/2026, báo cáo số 1: Thoát nghèo hẳn; Bùi Thị Minh báo, Đỗ Thị Nga xác nhận,"
            " sau đó được sửa") in card
    assert "Bùi Thị Minh đề nghị sửa (lý do: nhầm hộ); Đỗ Thị Nga đồng ý sửa" in card
    assert ("báo cáo số 2: Thoát nghèo, còn cận nghèo; Bùi Thị Minh báo, Đỗ Thị Nga không đồng ý"
            " (lý do: chưa đủ giấy tờ)") in card


async def test_two_deciders_at_once_decide_a_correction_once(
    people: dict[str, Chat], demo_db: Database, clock: FixedClock
) -> None:
    await confirmed_exit(people)
    async with demo_db.session() as session, session.begin():
        [head] = await find_users(session, "Bùi Thị Minh")
        request = await request_correction(session, head, "test", 1, "nhầm hộ", clock())
    async with demo_db.session() as session, session.begin():
        [officer] = await find_users(session, "Đỗ Thị Nga")
        await decide_correction(session, officer, "test", request.id, True, clock())
    async with demo_db.session() as session, session.begin():
        [leader] = await find_users(session, "Đỗ Văn Liên")
        with pytest.raises(ReportError) as refused:
            await decide_correction(session, leader, "test", request.id, False, clock(), "không")
    assert refused.value.code == "correction_decided"
    assert (await report(demo_db, 1)).state == "corrected"
    async with demo_db.session() as session, session.begin():
        with pytest.raises(ReportError) as again:
            await request_correction(session, head, "test", 1, "lần nữa", clock())
    assert again.value.code == "already_decided"


async def test_corrections_and_revocations_only_in_a_private_chat(
    people: dict[str, Chat], demo_db: Database, clock: FixedClock
) -> None:
    await confirmed_exit(people)
    dispatcher = people["officer"].dispatcher
    for name, text in (("Đỗ Thị Nga", "hủy xác nhận báo cáo số 1"),
                       ("Bùi Thị Minh", "sửa báo cáo số 1")):
        account = await login(demo_db, name)
        group = Chat(dispatcher, account, private=False, chat_id="-100")
        await group.say(text)
        assert "chỉ làm trong tin nhắn riêng" in group.text
    assert (await report(demo_db, 1)).state == "confirmed"


async def test_without_a_number_the_last_confirmed_reports_are_offered(
    people: dict[str, Chat], demo_db: Database
) -> None:
    head = people["head"]
    await head.say("sửa báo cáo")
    assert "chưa có báo cáo nào đã xác nhận" in head.text
    await confirmed_exit(people)
    await head.say("sửa báo cáo")
    assert "Báo cáo số 1: hộ bà Phạm Thị Đéc" in head.text
    await head.say("1")
    assert "Yêu cầu sửa: Báo cáo số 1" in head.text
