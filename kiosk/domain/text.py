"""Free text typed by staff or sent from outside (notes, reasons): checked once in the core, so every
screen, log and export gets it plain and of a size a row can show."""

from __future__ import annotations

import unicodedata

from kiosk.errors import KioskError

MAX_NOTE = 200
HIDDEN = ("Cc", "Cf", "Zl", "Zp")  # control and format characters: escapes, right-to-left overrides


def free_text(value: str | None, what: str, limit: int = MAX_NOTE) -> str | None:
    """`value` trimmed, or None when empty; refused with a clear message when it holds control or
    format characters or is longer than `limit`."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if any(unicodedata.category(c) in HIDDEN for c in value):
        raise KioskError(f"{what}: control or format characters are not allowed")
    if len(value) > limit:
        raise KioskError(f"{what}: at most {limit} characters ({len(value)} given)")
    return value
