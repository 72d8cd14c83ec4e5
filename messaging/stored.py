"""Replies as JSON, so the intake can keep what an update's answer is until it is sent."""

from __future__ import annotations

import base64
from typing import Any

from messaging.messages import Address, Button, Reply


def dump(replies: list[Reply]) -> list[dict[str, Any]]:
    """Replies as JSON-ready dicts (images and files in base64)."""
    return [_dump(reply) for reply in replies]


def load(data: list[dict[str, Any]]) -> list[Reply]:
    """Replies back from `dump`."""
    return [_load(item) for item in data]


def _dump(reply: Reply) -> dict[str, Any]:
    document = reply.document
    to = reply.to
    return {
        "text": reply.text,
        "buttons": [[[b.label, b.data] for b in row] for row in reply.buttons],
        "image": _b64(reply.image) if reply.image is not None else None,
        "document": [document[0], _b64(document[1])] if document is not None else None,
        "to": [to.channel, to.chat_id, to.user_id] if to is not None else None,
        "group_safe": reply.group_safe,
        "web_app": reply.web_app,
    }


def _load(item: dict[str, Any]) -> Reply:
    document, to = item.get("document"), item.get("to")
    return Reply(
        text=item["text"],
        buttons=[[Button(label, data) for label, data in row] for row in item["buttons"]],
        image=base64.b64decode(item["image"]) if item.get("image") else None,
        document=(document[0], base64.b64decode(document[1])) if document else None,
        to=Address(to[0], to[1], to[2]) if to else None,
        group_safe=bool(item.get("group_safe")),
        web_app=item.get("web_app"),
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
