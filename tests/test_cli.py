"""The `giamngheo` command as a newcomer uses it: scripted console chats across invocations."""

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

    def run(*args: str, stdin: str = "", check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-m", "bot", *args],
            input=stdin,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            cwd=tmp_path,
        )
        if check:
            assert result.returncode == 0, result.stderr
        return result

    return run


def test_help_on_every_command(cli) -> None:  # type: ignore[no-untyped-def]
    top = cli("--help").stdout
    for command in ("migrate", "import", "demo-data", "chat", "run", "invite", "audit", "users",
                    "plan"):
        assert command in top
        assert "Usage" in cli(command, "--help").stdout


def test_newcomer_scenario_across_invocations(cli) -> None:  # type: ignore[no-untyped-def]
    cli("demo-data")
    code = cli("invite", "Bùi Thị Minh").stdout.strip()
    out = cli("chat", stdin=f"/start {code}\nhộ bà Phạm Thị Đéc thoát nghèo\n").stdout
    assert "Đã kích hoạt. Chào bà Bùi Thị Minh" in out
    assert "1. Xác nhận" in out
    out = cli("chat", stdin="1\n").stdout  # the next invocation continues the flow
    assert "Đã lưu báo cáo số 4" in out  # the demo's three exits of 2024 are numbers 1-3
    out = cli("chat", "--as", "do thi nga", stdin="/cho\n1\n").stdout
    assert "Đã xác nhận" in out
    out = cli("chat", "--as", "Đỗ Văn Liên", stdin="Thôn Chợ thế nào?\n").stdout
    assert "Hộ nghèo: đã giảm 1/7 hộ" in out
    assert "14 hộ nghèo (chỉ tiêu giảm 7), 5 hộ cận nghèo (chỉ tiêu giảm 3)" in out
    audit = cli("audit", "--household", "Phạm Thị Đéc").stdout
    assert "report.create" in audit and "report.confirmed" in audit


def test_demo_data_again_says_it_is_loaded(cli) -> None:  # type: ignore[no-untyped-def]
    first = cli("demo-data").stdout
    assert "CẢNH BÁO" in first and "đã nhập" in first
    again = cli("demo-data").stdout
    assert again.splitlines() == ["Dữ liệu mẫu đã nạp từ trước (3 tệp): không có gì thay đổi."]


def test_readme_story_runs_as_written(tmp_path: Path) -> None:
    """The README's console story, typed as shown (venv activated), ends with the figure."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    story = readme.split("## The whole story in the console", 1)[1]
    script = story.split("```sh\n", 1)[1].split("```", 1)[0]
    (tmp_path / ".venv").symlink_to(Path(sys.prefix))
    env = os.environ | {"DATABASE_URL": f"sqlite:///{tmp_path / 'story.db'}"}
    env = {k: v for k, v in env.items() if k not in ("TELEGRAM_BOT_TOKEN", "ZALO_BOT_TOKEN")}
    result = subprocess.run(["bash", "-e", "-c", script], env=env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "Hộ nghèo: đã giảm 1/7 hộ (14%)" in result.stdout
    assert "report.confirmed" in result.stdout


def test_import_errors_name_file_row_and_column(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.csv"
    bad.write_text("nam,tinh,xa,thon,ho_ngheo\n2024,Tỉnh A,Xã B,Thôn C,mười\n", encoding="utf-8")
    result = cli("import", str(bad), check=False)
    assert result.returncode == 1
    assert "bad.csv, dòng 2, cột ho_ngheo" in result.stderr


def test_import_of_a_picture_is_a_message_not_a_traceback(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    picture = tmp_path / "ke_hoach.xlsx"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    result = cli("import", str(picture), check=False)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"LỖI {picture}: không phải tệp Excel .xlsx" in result.stderr
    assert "không nhập gì (1 lỗi)" in result.stderr


def test_import_of_a_header_only_file_warns(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    empty = tmp_path / "trong.csv"
    empty.write_text("nam;tinh;xa;thon\n", encoding="utf-8")
    out = cli("import", str(empty)).stdout
    assert f"CẢNH BÁO {empty}, dòng 1: chỉ có dòng tiêu đề" in out
    assert "không nhập gì (không có dòng số liệu)" in out and "không có gì thay đổi" not in out


def test_a_year_with_no_plan_says_why_and_starts_from_a_file(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("demo-data")
    listed = cli("schedule", "list", "--at", "2026-11-20", "--days", "40").stdout
    assert "2026-Q4    0 người nhận (chưa nhập kế hoạch năm 2026: không gửi)" in listed
    assert "nhắc nhập kế hoạch năm mới 2027" in listed
    silent = cli("digest", "preview", "--unit", "Cẩm Bình", "--period", "2026-Q4", check=False)
    assert silent.returncode == 1
    assert "Xã Cẩm Bình chưa có kế hoạch năm 2026 (kế hoạch mới nhất đã nhập là năm 2024)" \
        in silent.stderr and "plan next-year" in silent.stderr
    made = cli("plan", "next-year", "--unit", "Cẩm Bình", "--year", "2026",
               "--out", str(tmp_path / "cb.xlsx")).stdout
    assert "kế hoạch năm 2026: 11 thôn, 54 hộ còn nghèo/cận nghèo" in made  # 3 demo exits
    assert "đã nhập (thêm 12 kế hoạch" in cli("import", str(tmp_path / "cb.xlsx")).stdout
    shown = cli("digest", "preview", "--unit", "Cẩm Bình", "--period", "2026-Q4").stdout
    assert "Xã Cẩm Bình – quý 4/2026" in shown
    again = cli("plan", "next-year", "--unit", "Cẩm Bình", "--year", "2026", check=False)
    assert again.returncode == 1 and "đã có kế hoạch năm 2026" in again.stderr


def test_unknown_console_user(cli) -> None:  # type: ignore[no-untyped-def]
    cli("demo-data")
    result = cli("chat", "--as", "Không Ai", check=False)
    assert result.returncode != 0 and "Không có người dùng" in result.stderr
