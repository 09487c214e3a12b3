"""Wrong check-in codes slow a kiosk down, as wrong exit PINs do: past a few free tries in the last
`WINDOW` the terminal waits before it looks at the next code, the wait growing with each wrong one.
Every wrong code and every code typed while waiting is an event naming the terminal (never the code),
so the front desk sees someone guessing. A booking found (too early, used...) is not a wrong code."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from kiosk.domain.events import AtTerminal, Kind, WrongTry
from kiosk.security.exit_pin import wait_after
from kiosk.storage.journal import record
from kiosk.storage.models import Event

if TYPE_CHECKING:  # the guard is a client of the service
    from kiosk.service import QueueService

REFUSED = Kind.CHECKIN_CODE_REFUSED
TOO_SOON = Kind.CHECKIN_TOO_SOON
WINDOW = timedelta(minutes=15)  # wrong codes older than this are forgotten: a typo does not linger


class CheckInGuard:
    """The wrong-code count of one kiosk terminal, read from its own events (so it holds across
    restarts and across the processes of one web kiosk)."""

    def __init__(self, service: QueueService, terminal: str) -> None:
        self.service = service
        self.terminal = terminal

    def wait_left(self) -> int:
        """Seconds before this terminal looks at another code (0: now). A code typed while it waits
        is recorded as such."""
        now = self.service.now()
        wrong, last = self._recent_wrong(now)
        if last is None:
            return 0
        left = wait_after(wrong) - int((now - last).total_seconds())
        if left <= 0:
            return 0
        self._record(TOO_SOON, now, wrong)
        return left

    def wrong_code(self) -> int:
        """Record a code that is no booking; the seconds the terminal now waits."""
        now = self.service.now()
        wrong = self._recent_wrong(now)[0] + 1
        self._record(REFUSED, now, wrong)
        return wait_after(wrong)

    def _recent_wrong(self, now: datetime) -> tuple[int, datetime | None]:
        query = (
            select(Event.at, Event.data)
            .where(Event.day == self.service.local(now).date(), Event.kind == REFUSED)
            .where(Event.at >= now - WINDOW)
            .order_by(Event.id.desc())
            .limit(500)
        )
        wrong, last = 0, None
        with self.service.db.read() as s:
            for at, data in s.execute(query):
                if AtTerminal.from_data(data or {}).terminal == self.terminal:
                    wrong += 1
                    last = last or at
        return wrong, last

    def _record(self, kind: Kind, now: datetime, wrong: int) -> None:
        with self.service.db.write() as s:
            record(s, kind, WrongTry(self.terminal, wrong), now, self.service.local(now).date())
