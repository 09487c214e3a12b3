"""Who works here, as the screens see them: a member, the roles, a valid name and why a sign-in was
refused. Pure: the directory that reads and writes them is `kiosk.security.staff`."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from kiosk.errors import KioskError

ROLES = ("staff", "admin")


class SignInRefused(KioskError):
    """A wrong name or PIN, a locked member, or a role that may not do this. `reason` is one of
    "wrong", "locked" (with `minutes` left), "role" and "missing" (no name or PIN given, with its own
    `message`), for screens to say in their language."""

    def __init__(self, reason: str, minutes: int = 0, message: str = "") -> None:
        self.reason = reason
        self.minutes = minutes
        messages = {
            "wrong": "wrong name or PIN",
            "locked": f"too many wrong PINs: try again in {minutes} min",
            "role": "this needs an administrator",
        }
        super().__init__(message or messages[reason])


@dataclass(frozen=True)
class Member:
    id: int
    name: str
    role: str
    active: bool


def valid_name(name: str) -> str:
    """A member's name as typed, trimmed: 1 to 64 characters, no control or format characters."""
    name = name.strip()
    if not name or len(name) > 64:
        raise KioskError("a staff name is 1 to 64 characters")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in name):
        raise KioskError("a staff name may not hold control characters")
    return name
