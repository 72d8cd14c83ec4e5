"""The web view's pages over HTTP (no browser): the chat's figures, scope on every page and
download, a decision made on the web told in the chat."""

from __future__ import annotations

import io
import re

import httpx
from openpyxl import load_workbook

from bot.channels.base import ChannelRegistry
from handlers.router import Dispatcher
from storage.db import Database
from tests.delivery_fakes import FakeChannel
from tests.helpers import Chat, FixedClock, login, sent_notices
from tests.web_world import unit_id, web_world


def _csrf(page: str) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)  # type: ignore[union-attr]


async def test_village_head_is_refused_other_villages(demo_db: Database) -> None:
    """Thôn Chợ's head: her village opens; Thôn Tô, the commune, its downloads and the
    audit do not, by URL guessing either (404 as for a unit that does not exist)."""
    CHO, TO, CAM_BINH = [await unit_id(demo_db, n)
                         for n in ("Thôn Chợ", "Thôn Tô", "Xã Cẩm Bình")]
    async with web_world(demo_db) as world, httpx.AsyncClient(base_url=world.base) as client:
        await client.post(await world.link("Bùi Thị Minh"))
        assert (await client.get(f"/web/village/{CHO}")).status_code == 200
        for path in (f"/web/village/{TO}", f"/web/unit/{CAM_BINH}", f"/web/unit/{TO}",
                     f"/web/download/{TO}/2024-Q3.xlsx", f"/web/download/{CAM_BINH}/2024.png",
                     f"/web/downloads?unit={TO}", "/web/village/999999"):
            assert (await client.get(path)).status_code == 404, path
        assert (await client.get(f"/web/audit?village={CHO}")).status_code == 403
        assert (await client.get("/web/pending")).status_code == 403
        own = await client.get(f"/web/download/{CHO}/2024-Q3.xlsx")
        assert own.status_code == 200 and own.content[:2] == b"PK"


async def test_overview_shows_the_chat_figures(demo_db: Database, clock: FixedClock) -> None:
    """The leader's overview of Cẩm Bình carries the figures the chat answers with."""
    leader = Chat(Dispatcher(demo_db, clock=clock), await login(demo_db, "Đỗ Văn Liên"))
    await leader.say("Cẩm Bình đến đâu rồi")
    reduced = re.search(r"Hộ nghèo: đã giảm (\d+/\d+) hộ", leader.text).group(1)  # type: ignore[union-attr]
    async with web_world(demo_db, clock=clock) as world, \
            httpx.AsyncClient(base_url=world.base, follow_redirects=True) as client:
        await client.post(await world.link("Đỗ Văn Liên"))
        page = (await client.get("/web/")).text
    assert "<h1>Xã Cẩm Bình</h1>" in page and f"<strong>{reduced}</strong>" in page
    assert page.count('href="/web/village/') == 11  # one link down per village


async def test_village_filter_and_search_without_diacritics(demo_db: Database) -> None:
    """Status filter and a search typed without diacritics."""
    CHO = await unit_id(demo_db, "Thôn Chợ")
    async with web_world(demo_db) as world, httpx.AsyncClient(base_url=world.base) as client:
        await client.post(await world.link("Bùi Thị Minh"))
        near = (await client.get(f"/web/village/{CHO}", params={"status": "near_poor"})).text
        found = (await client.get(f"/web/village/{CHO}", params={"q": "PHAM THI DEC"})).text
    assert "3/10 hộ" in near and "Phạm Thị Hòa" in near and "Phạm Thị Đéc" not in near
    assert "1/10 hộ" in found and "Phạm Thị Đéc" in found


async def test_decision_on_the_web_is_told_in_the_chat(demo_db: Database,
                                                       clock: FixedClock) -> None:
    """A head reports in the chat; the officer rejects on the web with a reason (the same
    use case); the head hears it in the chat, with the reason."""
    dispatcher = Dispatcher(demo_db, clock=clock)
    head = Chat(dispatcher, await login(demo_db, "Bùi Thị Minh", channel="telegram"),
                channel="telegram")
    await head.say("hộ bà Phạm Thị Đéc thoát nghèo")
    await head.press("Xác nhận")
    number = re.search(r"báo cáo số (\d+)", head.text).group(1)  # type: ignore[union-attr]
    chat = FakeChannel("telegram")
    registry = ChannelRegistry()
    registry.add(chat)
    async with web_world(demo_db, registry, clock) as world, \
            httpx.AsyncClient(base_url=world.base) as client:
        await client.post(await world.link("Đỗ Thị Nga"))
        page = (await client.get("/web/pending")).text
        assert f"Không đồng ý số {number}" in page and "Phạm Thị Đéc" in page
        no_reason = await client.post(f"/web/pending/{number}",
                                      data={"csrf": _csrf(page), "decision": "no"})
        assert no_reason.status_code == 400
        done = await client.post(f"/web/pending/{number}", data={
            "csrf": _csrf(page), "decision": "no", "reason": "chưa đủ giấy tờ"})
        assert done.status_code == 200
        assert "Không có báo cáo nào đang chờ" in (await client.get("/web/pending")).text
    assert world.woken, "the web decision did not wake the notice sender"
    told = "\n".join(r.text for r in await sent_notices(dispatcher)
                     if r.to is not None and r.to.chat_id == head.chat_id)
    assert "chưa đủ giấy tờ" in told and number in told


async def test_downloads_list_past_periods(demo_db: Database) -> None:
    """Quarters, halves and years of the plan years; the XLSX is the digest's workbook."""
    CAM_BINH = await unit_id(demo_db, "Xã Cẩm Bình")
    async with web_world(demo_db) as world, httpx.AsyncClient(base_url=world.base) as client:
        await client.post(await world.link("Đỗ Văn Liên"))
        page = (await client.get(f"/web/downloads?unit={CAM_BINH}")).text
        assert "Quý 3/2024" in page and "6 tháng đầu năm 2024" in page and "Năm 2024" in page
        book = await client.get(f"/web/download/{CAM_BINH}/2024-H1.xlsx")
        chart = await client.get(f"/web/download/{CAM_BINH}/2024-Q3.png")
        bad = await client.get(f"/web/download/{CAM_BINH}/2024-Q7.xlsx")
    sheet = load_workbook(io.BytesIO(book.content)).active
    assert "Xã Cẩm Bình" in str(sheet["A1"].value) and chart.content[:4] == b"\x89PNG"
    assert bad.status_code == 404
