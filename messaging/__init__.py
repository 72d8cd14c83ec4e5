"""Neutral message types and template rendering: below services, used by every layer above."""
