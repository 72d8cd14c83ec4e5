"""A small async client for the Zalo Bot API: POST {base}{token}/{method} with JSON.

Methods that change nothing when repeated (getMe, getUpdates, webhooks, typing) are retried
here, boundedly; sends are tried once: the channel classifies each failure
(`bot/channels/failures.py`) and retries only what surely was not sent.
"""

from __future__ import annotations

import asyncio
import logging
import math
from typing import Any

import httpx

log = logging.getLogger(__name__)

POLL_TIMEOUT_CODE = 408  # getUpdates answers this when the long poll ends without an update
SAFE_TO_REPEAT = {"getMe", "getUpdates", "setWebhook", "deleteWebhook", "getWebhookInfo",
                  "sendChatAction"}


class ZaloApiError(Exception):
    """The Bot API answered ok=false (or an HTTP error without a usable body)."""

    def __init__(self, method: str, code: int, description: str,
                 retry_after: float | None = None, status: int | None = None,
                 readable: bool = True) -> None:
        super().__init__(f"{method}: {code} {description}")
        self.method, self.code, self.description = method, code, description
        self.retry_after = retry_after
        self.status = code if status is None else status  # the HTTP status
        self.readable = readable  # the body was Zalo's {"ok": false, ...}


class ZaloApi:
    """The Zalo Bot API methods this bot uses, with bounded retries."""

    def __init__(self, token: str, base_url: str, client: httpx.AsyncClient | None = None,
                 max_attempts: int = 4, backoff: float = 0.5, max_wait: float = 30.0) -> None:
        self._url = f"{base_url}{token}/"
        self._client = client or httpx.AsyncClient(timeout=httpx.Timeout(15.0, connect=5.0))
        self.max_attempts, self.backoff, self.max_wait = max_attempts, backoff, max_wait

    async def call(self, method: str, payload: dict[str, Any] | None = None,
                   timeout: float | None = None) -> Any:
        """Call a method; return its `result`, retrying only where no doubling can happen."""
        attempts = self.max_attempts if method in SAFE_TO_REPEAT else 1
        for attempt in range(1, attempts + 1):
            try:
                return await self._once(method, payload or {}, timeout)
            except ZaloApiError as error:
                wait = self._wait_after(error, attempt, attempts)
                if wait is None:
                    raise
            except httpx.TransportError:
                if attempt == attempts:
                    raise
                wait = self.backoff * 2 ** (attempt - 1)
            log.warning("zalo retry method=%s attempt=%d wait=%.2f", method, attempt, wait)
            await asyncio.sleep(wait)
        raise AssertionError("unreachable")

    def _wait_after(self, error: ZaloApiError, attempt: int, attempts: int) -> float | None:
        if attempt == attempts or not (error.code == 429 or error.code >= 500):
            return None
        wait = error.retry_after or self.backoff * 2 ** (attempt - 1)
        return wait if wait <= self.max_wait else None

    async def _once(self, method: str, payload: dict[str, Any], timeout: float | None) -> Any:
        response = await self._client.post(self._url + method, json=payload,
                                           timeout=timeout or httpx.USE_CLIENT_DEFAULT)
        try:
            body = response.json()
        except ValueError:
            body = None
        body = body if isinstance(body, dict) else {}
        if response.status_code == 200 and body.get("ok") is True:
            return body.get("result")
        readable = body.get("ok") is False  # else: not Zalo's answer (a proxy, a cut body)
        code = int(_number(body.get("error_code")) or response.status_code)
        retry_after = _number(_fields(body.get("parameters")).get("retry_after")) \
            or _number(response.headers.get("retry-after"))
        description = body.get("description") if readable else None
        raise ZaloApiError(method, code, str(description or response.reason_phrase),
                           retry_after, response.status_code, readable)

    async def get_me(self) -> dict[str, Any]:
        """The bot's own account."""
        return dict(await self.call("getMe"))

    async def get_updates(self, timeout: int = 30) -> list[dict[str, Any]]:
        """Long-poll for updates; Zalo returns one update (or a list) per call, no offset."""
        try:
            result = await self.call("getUpdates", {"timeout": str(timeout)}, timeout + 10)
        except ZaloApiError as error:
            if error.code == POLL_TIMEOUT_CODE:
                return []
            raise
        if not result:
            return []
        return list(result) if isinstance(result, list) else [result]

    async def set_webhook(self, url: str, secret_token: str) -> Any:
        """Have Zalo POST updates to `url` with the secret header."""
        return await self.call("setWebhook", {"url": url, "secret_token": secret_token})

    async def delete_webhook(self) -> Any:
        """Stop webhook delivery (getUpdates works only without a webhook)."""
        return await self.call("deleteWebhook")

    async def get_webhook_info(self) -> Any:
        """The webhook currently set."""
        return await self.call("getWebhookInfo")

    async def send_message(self, chat_id: str, text: str) -> Any:
        """Send text (1-2,000 characters)."""
        return await self.call("sendMessage", {"chat_id": chat_id, "text": text})

    async def send_photo(self, chat_id: str, photo_url: str, caption: str | None = None) -> Any:
        """Send a photo by URL, with an optional caption."""
        payload = {"chat_id": chat_id, "photo": photo_url}
        if caption:
            payload["caption"] = caption
        return await self.call("sendPhoto", payload)

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> Any:
        """Show 'typing…' in the chat."""
        return await self.call("sendChatAction", {"chat_id": chat_id, "action": action})

    async def close(self) -> None:
        """Close the HTTP connections."""
        await self._client.aclose()


def _number(value: Any) -> float | None:
    """A number from an answer field or header; None when it is not one."""
    try:
        number = float(value) if value is not None and not isinstance(value, bool) else None
    except (TypeError, ValueError, OverflowError):
        return None
    return number if number is not None and math.isfinite(number) else None


def _fields(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
