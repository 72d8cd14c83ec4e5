"""The core stays channel-neutral; user-facing text lives in templates."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE = ["handlers", "messaging", "understanding", "storage", "domain", "services", "scheduler.py"]
BELOW_HANDLERS = ["messaging", "understanding", "storage", "domain", "services"]


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


def _imported(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def test_lower_layers_never_import_upward() -> None:
    """services, storage, domain and messaging never import handlers or bot."""
    offenders = []
    for entry in BELOW_HANDLERS:
        for path in sorted((ROOT / entry).rglob("*.py")):
            upward = [n for n in _imported(path) if n.split(".")[0] in {"handlers", "bot"}]
            if upward:
                offenders.append(f"{path.relative_to(ROOT)}: {upward}")
    assert offenders == []


def test_core_never_imports_the_web_server() -> None:
    """The web view's pages live in bot/webview: handlers and use cases know no Tornado."""
    offenders = [str(path.relative_to(ROOT)) for path in _modules()
                 if any(n.split(".")[0] == "tornado" for n in _imported(path))]
    assert offenders == []
