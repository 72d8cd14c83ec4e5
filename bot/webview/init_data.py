"""Telegram Mini App `initData`, checked as Telegram publishes it
(core.telegram.org/bots/webapps, "Validating data received via the Mini App"):

    secret_key = HMAC_SHA256(key="WebAppData", msg=bot_token)
    hash = hex(HMAC_SHA256(key=secret_key, msg=data_check_string))

where data_check_string is every received field but `hash`, sorted by key, as `key=value`
lines joined by "\\n". `auth_date` must be no older than a setting.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from urllib.parse import parse_qsl


def _secret(bot_token: str) -> bytes:
    return hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()


def check_string(fields: dict[str, str]) -> str:
    """The data-check-string of the fields (without `hash`)."""
    return "\n".join(f"{key}={fields[key]}" for key in sorted(fields) if key != "hash")


def sign(fields: dict[str, str], bot_token: str) -> str:
    """The hash Telegram puts on these fields (tests and the screenshot script sign with it)."""
    return hmac.new(_secret(bot_token), check_string(fields).encode(), hashlib.sha256).hexdigest()


def telegram_user_id(init_data: str, bot_token: str, now: float, max_age: float) -> int | None:
    """The Telegram user id of valid, fresh initData; None when forged, stale or malformed."""
    try:
        fields = dict(parse_qsl(init_data, keep_blank_values=True, strict_parsing=True))
    except ValueError:
        return None
    given = fields.get("hash", "")
    if not given or not hmac.compare_digest(sign(fields, bot_token), given):
        return None
    try:
        auth_date = int(fields.get("auth_date", ""))
        user = json.loads(fields.get("user", ""))
        user_id = user["id"]
    except (ValueError, TypeError, KeyError):
        return None
    if not isinstance(user_id, int) or not 0 <= now - auth_date <= max_age:
        return None
    return user_id
