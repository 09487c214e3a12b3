"""The lobby kiosk's way out: any active administrator's PIN closes it. A wrong PIN here never counts
towards anyone's sign-in lockout (a visitor could otherwise lock every administrator out); instead it
slows down this terminal, with a wait that grows with each wrong try in a row. Every try is an
audit event naming the terminal, so the front desk sees repeated tries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from kiosk.domain.events import AtTerminal, Kind, WrongTry
from kiosk.security.members import Member
from kiosk.security.staff import StaffDirectory
from kiosk.storage.journal import record
from kiosk.storage.models import Event

REFUSED = Kind.EXIT_PIN_REFUSED
TOO_SOON = Kind.EXIT_PIN_TOO_SOON  # a try while the terminal waits: recorded, its PIN not looked at
CLOSED = Kind.KIOSK_CLOSED
FREE_TRIES = 3  # wrong tries in a row before the terminal starts to wait
FIRST_WAIT = 5  # seconds after the first try past the free ones; doubles with each further one
LONGEST_WAIT = 300


@dataclass(frozen=True)
class ExitAnswer:
    """`member` closed the kiosk; else the try was refused and the next one is checked only after
    `wait_seconds` (`checked` False: this try came too early and its PIN was not looked at)."""

    member: Member | None
    wait_seconds: int = 0
    checked: bool = True
    wrong_in_a_row: int = 0


def wait_after(wrong_in_a_row: int) -> int:
    """Seconds this terminal waits after that many wrong tries in a row: 0, 0, 0, 5, 10, 20... 300."""
    if wrong_in_a_row < FREE_TRIES:
        return 0
    return min(FIRST_WAIT << (wrong_in_a_row - FREE_TRIES), LONGEST_WAIT)


class ExitGuard:
    """The exit PIN check of one kiosk terminal (`terminal`: its name in the events). The count of
    wrong tries is read from the terminal's own events, so it holds across restarts and across the
    processes that serve one web kiosk."""

    def __init__(self, staff: StaffDirectory, terminal: str) -> None:
        self.staff = staff
        self.terminal = terminal

    def try_pin(self, pin: str) -> ExitAnswer:
        now = self.staff.clock.now()
        wrong, last = self._wrong_in_a_row()
        if last is not None:
            left = wait_after(wrong) - int((now - last).total_seconds())
            if left > 0:
                self._record(TOO_SOON, now, None, WrongTry(self.terminal, wrong))
                return ExitAnswer(None, left, checked=False, wrong_in_a_row=wrong)
        member = self.staff.administrator_with(pin)
        if member is not None:
            self._record(CLOSED, now, member.name, AtTerminal(self.terminal))
            return ExitAnswer(member)
        wrong += 1
        self._record(REFUSED, now, None, WrongTry(self.terminal, wrong))
        return ExitAnswer(None, wait_after(wrong), wrong_in_a_row=wrong)

    def _wrong_in_a_row(self) -> tuple[int, datetime | None]:
        """Checked wrong tries at this terminal today since it was last closed, and the last one's time."""
        now = self.staff.clock.now()
        query = (
            select(Event.kind, Event.at, Event.data)
            .where(Event.day == now.astimezone(self.staff.zone).date(), Event.kind.in_((REFUSED, CLOSED)))
            .order_by(Event.id.desc())
            .limit(500)
        )
        wrong, last = 0, None
        with self.staff.db.read() as s:
            for kind, at, data in s.execute(query):
                if AtTerminal.from_data(data or {}).terminal != self.terminal:
                    continue
                if kind == CLOSED:
                    break
                wrong += 1
                last = last or at
        return wrong, last

    def _record(self, kind: Kind, now: datetime, staff: str | None, payload: AtTerminal) -> None:
        day = now.astimezone(self.staff.zone).date()
        with self.staff.db.write() as s:
            record(s, kind, payload, now, day, staff=staff)
