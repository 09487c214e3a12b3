"""The clock injected into the core: the only place that reads the wall clock."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, time, timedelta
from typing import Annotated, Protocol

from pydantic import BeforeValidator

_TIME_OF_DAY = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])(?::([0-5][0-9]))?")


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


def time_of_day(text: str) -> time:
    """'17:30' (or '17:30:00') -> a time on the centre's own clock, with no UTC offset; anything else,
    an offset or digits of another script included, is a ValueError."""
    match = _TIME_OF_DAY.fullmatch(text.strip())
    if match is None:
        raise ValueError("expected a time of day like 17:30, with no UTC offset")
    return time(int(match[1]), int(match[2]), int(match[3] or 0))


def _time_of_day_value(value: object) -> object:
    """Text by `time_of_day`'s rules, or a TOML local time; never a number (pydantic would read it as
    seconds past midnight in UTC) nor a time with an offset."""
    if isinstance(value, str):
        return time_of_day(value)
    if isinstance(value, time) and value.tzinfo is None:
        return value
    raise ValueError("expected a time of day like 17:30, with no UTC offset")


TimeOfDay = Annotated[time, BeforeValidator(_time_of_day_value)]
"""A pydantic field for a time of day written as text: `time_of_day`'s rules."""
