"""The clock injected into the core: the only place that reads the wall clock."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Anything with a `now()` that returns an aware datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real clock, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until moved: for tests and for replaying a day."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = moment.astimezone(UTC)

    def advance(self, **delta: float) -> datetime:
        self._now += timedelta(**delta)
        return self._now


def clock_from_env(environ: dict[str, str] | None = None) -> Clock:
    """`KIOSK_NOW` (ISO 8601 with offset) pins the clock, for tests and rehearsals."""
    env = os.environ if environ is None else environ
    value = env.get("KIOSK_NOW")
    if not value:
        return SystemClock()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f"KIOSK_NOW={value!r} is not an ISO 8601 moment, e.g. 2026-11-24T09:00:00+02:00"
        ) from None
    if moment.tzinfo is None:
        raise ValueError(f"KIOSK_NOW={value!r} needs a UTC offset, e.g. 2026-11-24T09:00:00+02:00")
    return FixedClock(moment)
