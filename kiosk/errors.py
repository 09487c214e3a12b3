"""The errors the core raises: each carries a message fit to show a person, never a traceback."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum


class KioskError(Exception):
    """Base of every expected failure; `str(error)` is the message for the user."""

    exit_code = 1


class ConfigError(KioskError):
    """A configuration or catalogue file is missing or wrong: names the file and the key."""

    exit_code = 2

    def __init__(self, path: object, problems: list[str]) -> None:
        self.path = str(path)
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{clipped(self.path)}: {len(problems)} problem(s)\n{lines}")


class NotFound(KioskError):
    """A ticket, service, department or window that does not exist."""


class InvalidTransition(KioskError):
    """The action does not fit the ticket's state (e.g. finishing a ticket never started)."""


class DepartmentClosed(KioskError):
    """A ticket was asked for outside opening hours or after the last-ticket cut-off."""

    def __init__(self, message: str, reason: str, hours: str) -> None:
        self.reason = reason
        self.hours = hours
        super().__init__(message)


class QueueEmpty(KioskError):
    """Call next found nobody waiting for this window."""


class WindowBusy(KioskError):
    """The window still has a called ticket that needs a decision first."""


class PriorityRefused(KioskError):
    """A priority right used once already today for this service."""


class WrongWindow(KioskError):
    """A ticket called to a window that does not serve its department."""


class PriorityRepeated(PriorityRefused):
    """The same priority category claimed again at one kiosk terminal within a few minutes: the
    front desk gives that ticket, after a look at the document."""


class ScanRefused(KioskError):
    """A scanned QR code that is forged, from another day, for an unknown ticket, or for a ticket
    that is over (served, cancelled, closed: `reason` is then its state and `number` its number)."""

    def __init__(self, message: str, reason: str, number: str | None = None) -> None:
        self.reason = reason
        self.number = number
        super().__init__(message)


class SlotUnavailable(KioskError):
    """A booking refused for its slot. `reason`: "no_appointments" (the service takes none),
    "not_a_slot" (no slot starts then), "closed" (the department does not work that day, or the
    centre is closed), "past" (the slot has begun), "too_far" (beyond the days bookings are taken
    for), "full" (every seat of the slot is taken)."""

    def __init__(self, message: str, reason: str) -> None:
        self.reason = reason
        super().__init__(message)


class Refusal(StrEnum):
    """Why a booking code does not check in, move or cancel; what each one means to a visitor, to
    staff and to the API is one table, `kiosk.presentation.refusals.REFUSALS`."""

    UNKNOWN = "unknown"  # no such code: a typing slip, or another centre's
    USED = "used"  # checked in already (`number` is its ticket)
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"  # its day is over
    TOO_EARLY = "too_early"  # come back at `come_back_at`
    TOO_LATE = "too_late"  # the grace time after `at` has passed


class BookingRefused(KioskError):
    """A booking code refused (at check-in, or to move or cancel it), for a `Refusal`."""

    def __init__(
        self,
        message: str,
        reason: Refusal,
        code: str | None = None,
        at: datetime | None = None,
        come_back_at: datetime | None = None,
        number: str | None = None,
    ) -> None:
        self.reason = reason
        self.code = code
        self.at = at
        self.come_back_at = come_back_at
        self.number = number
        super().__init__(message)


class ImportRefused(KioskError):
    """A bookings file with bad rows: `problems` names each one ("line 4: ..."); nothing was imported."""

    LISTED = 50  # a file of 170,000 bad rows is not 170,000 lines of message

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        lines = [f"  {clipped(p)}" for p in problems[: self.LISTED]]
        if len(problems) > self.LISTED:
            lines.append(f"  ... and {len(problems) - self.LISTED} more")
        super().__init__(
            f"{clipped(path)}: {len(problems)} bad row(s), nothing imported\n" + "\n".join(lines)
        )


class StorageUnavailable(KioskError):
    """The database cannot be reached or is not initialised; nothing was saved."""

    exit_code = 3


def clipped(text: str, limit: int = 200) -> str:
    """`text` (a path, a message) cut to `limit` characters, then "…" and its whole length."""
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters)"


def quoted(value: object, limit: int = 60) -> str:
    """A value the user gave, quoted for an error message and cut to a readable length: a 10 MB
    value shows as its first `limit` characters, then "…" and its length."""
    if isinstance(value, str) and len(value) > limit:
        return f"{value[:limit]!r}… ({len(value)} characters)"
    return clipped(repr(value), limit)
