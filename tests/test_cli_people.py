"""`giamngheo users`, `invite` for a new person, and a correction told as a story, by CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.fixture
def cli(tmp_path: Path):  # type: ignore[no-untyped-def]
    env = os.environ | {"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    env.pop("ZALO_BOT_TOKEN", None)

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        result = subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, env=env,
                                capture_output=True, text=True, timeout=120, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        return result

    run("demo-data")
    return run


def test_users_have_a_header_and_their_channels(cli) -> None:  # type: ignore[no-untyped-def]
    cli("chat", "--as", "Bùi Thị Minh", stdin="/toi\n")
    lines = cli("users").stdout.splitlines()
    assert lines[0].split()[:2] == ["Đăng", "nhập"] and "Kênh đã liên kết" in lines[0]
    [minh] = [line for line in lines if line.startswith("bui-thi-minh ")]
    [nga] = [line for line in lines if line.startswith("do-thi-nga ")]
    assert minh.rstrip().endswith("console")
    assert "chưa liên kết" in nga


def test_invite_a_new_person_and_warn_of_a_second_officer(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("invite", "Lê Văn Tám", "--role", "officer", "--unit", "Thôn Chợ")
    code = result.stdout.strip()
    assert len(code) == 9 and "Thôn Chợ đã có cán bộ phụ trách Đỗ Thị Nga" in result.stderr
    out = cli("chat", stdin=f"/start {code}\n/toi\n").stdout
    assert "Lê Văn Tám" in out
    assert "le-van-tam" in cli("users").stdout
    again = cli("invite", "Lê Văn Tám").stdout.strip()  # now an existing user
    assert len(again) == 9


def test_a_corrected_report_reads_as_a_story(cli) -> None:  # type: ignore[no-untyped-def]
    cli("chat", "--as", "Đỗ Thị Nga", stdin="/toi\n")  # the officer has opened the bot
    cli("chat", "--as", "Bùi Thị Minh", stdin="hộ bà Phạm Thị Đéc thoát nghèo\n1\n")
    cli("chat", "--as", "Đỗ Thị Nga", stdin="/cho\n1\n")
    out = cli("chat", "--as", "Bùi Thị Minh",
              stdin="hộ Phạm Thị Đéc báo nhầm\nhộ chưa thoát, báo nhầm\n").stdout
    assert "Đã gửi yêu cầu sửa báo cáo số 4" in out  # the demo's exits of 2024 are 1-3
    out = cli("chat", "--as", "Đỗ Thị Nga", stdin="/cho\n1\n").stdout
    assert "Đã đồng ý sửa" in out
    out = cli("chat", "--as", "Đỗ Văn Liên", stdin="Thôn Chợ thế nào?\n").stdout
    assert "Hộ nghèo: đã giảm 0/7 hộ" in out
    story = cli("audit", "--household", "Phạm Thị Đéc").stdout
    wanted = ["Bùi Thị Minh (console): gửi báo cáo số 4: Thoát nghèo hẳn (nghèo → ngoài diện)",
              "Đỗ Thị Nga (console): xác nhận báo cáo số 4",
              "Bùi Thị Minh (console): đề nghị sửa báo cáo số 4 đã xác nhận, lý do: hộ chưa thoát",
              "Đỗ Thị Nga (console): đồng ý sửa báo cáo số 4",
              "Đỗ Thị Nga (console): hộ ngoài diện → nghèo (trở lại như trước báo cáo số 4)",
              "báo cáo số 4 đã sửa: không còn được tính",
              "báo cho Bùi Thị Minh: kết quả đề nghị sửa (báo cáo số 4)"]
    positions = [story.find(line) for line in wanted]
    assert -1 not in positions and positions == sorted(positions), story


def test_a_closed_period_says_so_in_its_digest(cli) -> None:  # type: ignore[no-untyped-def]
    before = cli("digest", "preview", "--unit", "Cẩm Bình", "--period", "2024-Q3").stdout
    assert "đã chốt" not in before
    out = cli("period", "close", "--unit", "Xã Cẩm Bình", "--period", "2024-Q3").stdout
    assert "Đã chốt số liệu quý 3/2024 của Xã Cẩm Bình" in out
    assert "đã chốt từ trước" in cli("period", "close", "--unit", "Cẩm Bình", "--period",
                                     "2024-Q3").stdout
    after = cli("digest", "preview", "--unit", "Cẩm Bình", "--period", "2024-Q3").stdout
    assert "Số liệu quý 3/2024 đã chốt ngày" in after
    assert "chỉ sửa được qua yêu cầu sửa của trưởng thôn" in after
    other = cli("digest", "preview", "--unit", "Cẩm Bình", "--period", "2024-Q2").stdout
    assert "đã chốt" not in other
