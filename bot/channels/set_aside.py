"""Why a stored update could not be read, said without its text (a log line, a row)."""

from __future__ import annotations

import re
from typing import Any

QUOTED = re.compile(r"'([^']*)'")
FIELD_NAME = re.compile(r"[a-z]+(_[a-z]+)+")  # 'chat_instance': a field, never a person's text
TYPE_NAMES = {"str", "int", "float", "bool", "dict", "list", "NoneType"}
UNPRINTABLE = re.compile(r"[^\x20-\x7e]+")  # anything else may be a name or a text


def reason(error: Exception, payload: dict[str, Any]) -> str:
    """Why an update could not be read, without its text: the error's type and message,
    quoted words kept only when they are field or type names."""
    fields = _keys(payload) | TYPE_NAMES
    message = QUOTED.sub(lambda m: m.group(0) if m.group(1) in fields
                         or FIELD_NAME.fullmatch(m.group(1)) else "'…'", str(error))
    message = UNPRINTABLE.sub("…", message)
    return f"{type(error).__name__}: {message}"[:200]


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()
