"""A digest on demand ('báo cáo quý 3/2024', 'tổng kết năm'): the very content the
scheduler sends for that period, for the asker's units and role."""

from __future__ import annotations

from domain.periods import parse_period
from domain.schedule import Calendar, SendKind, planned_sends
from handlers.router import Dispatcher
from services.deliveries import compose
from services.digests import Occasion
from services.recipients import recipients
from storage.db import Database
from tests.helpers import Chat, FixedClock, login
from tests.household_changes import some_changes

CAL = Calendar()


async def scheduled(db: Database, kind: SendKind, period: str, name: str) -> list[str]:
    """The texts the scheduler sends `name` for this kind and period."""
    send = next(s for s in planned_sends(int(period[:4]), CAL)
                if s.kind is kind and s.period == parse_period(period))
    async with db.session() as session:
        [recipient] = [r for r in await recipients(session, kind, send.period.year)
                       if r.user.name == name]
        replies = await compose(session, Occasion(send, CAL, send.due), recipient) or []
    return [reply.text for reply in replies]


async def test_on_demand_is_what_the_scheduler_sends(demo_db: Database,
                                                     clock: FixedClock) -> None:
    await some_changes(demo_db)
    cases = [("Đỗ Văn Liên", "báo cáo quý 3/2024", SendKind.LEADER_DIGEST, "2024-Q3"),
             ("Đỗ Văn Liên", "báo cáo 6 tháng đầu năm 2024", SendKind.LEADER_DIGEST, "2024-H1"),
             ("Đỗ Thị Nga", "bao cao quy 3/2024 a", SendKind.OFFICER_DIGEST, "2024-Q3"),
             ("Đỗ Thị Nga", "tổng kết năm 2024", SendKind.OFFICER_DIGEST, "2024")]
    for name, text, kind, period in cases:
        chat = Chat(Dispatcher(demo_db, clock=clock), await login(demo_db, name))
        replies = await chat.say(text)
        assert [r.text for r in replies] == await scheduled(demo_db, kind, period, name), text
    assert replies[0].text.startswith("Tổng hợp năm 2024 – 2 thôn anh/chị phụ trách")
    assert "Chờ anh/chị xác nhận: 1 báo cáo" in replies[0].text  # the exit of 01/12/2024


async def test_a_leaders_digest_comes_with_its_chart_and_workbook(
        demo_db: Database, clock: FixedClock) -> None:
    leader = Chat(Dispatcher(demo_db, clock=clock), await login(demo_db, "Đỗ Văn Liên"))
    [digest] = await leader.say("báo cáo quý 3/2024")
    assert digest.text.startswith("Xã Cẩm Bình – quý 3/2024 (đến 30/09/2024)")
    assert digest.image is not None and digest.document is not None
    assert digest.document[0] == "Tong-hop_xa-cam-binh_2024-Q3.xlsx"


async def test_a_head_gets_her_village_without_decisions(demo_db: Database,
                                                         clock: FixedClock) -> None:
    await some_changes(demo_db)
    head = Chat(Dispatcher(demo_db, clock=clock), await login(demo_db, "Bùi Thị Minh"))
    await head.say("báo cáo quý 3/2024")
    assert head.text.startswith("Tổng hợp quý 3/2024 – 1 thôn anh/chị phụ trách")
    assert "Thôn Chợ: giảm nghèo 2/7" in head.text and "xác nhận:" not in head.text
