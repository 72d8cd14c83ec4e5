"""The core stays channel-neutral; user-facing text lives in templates."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE = ["handlers", "storage", "domain", "services", "scheduler.py"]


def _modules() -> list[Path]:
    found: list[Path] = []
    for entry in CORE:
        path = ROOT / entry
        found += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return found


def test_core_never_imports_telegram() -> None:
    offenders = []
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n == "telegram" or n.startswith("telegram.") for n in names):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_core_does_not_import_channels() -> None:
    for path in _modules():
        assert "bot.channels" not in path.read_text(encoding="utf-8"), path
