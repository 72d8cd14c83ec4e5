"""Short user-facing labels (buttons), rendered from templates/label.j2."""

from __future__ import annotations

from messaging.render import render


def label(key: str) -> str:
    """The Vietnamese label for a key such as 'exit_poverty' or 'status.poor'."""
    return render("label", key=key)
