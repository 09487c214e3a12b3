"""Today's plan as the front desk changed it: departments closed or reopened, last-ticket times moved,
windows on a break. Kept as events, so every terminal sees the same plan."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time
from typing import NamedTuple

from sqlalchemy import select

from kiosk.domain.catalogue import Opening, opening
from kiosk.domain.events import DAY_PLAN, WINDOW_PAUSES, Empty, Kind, LastTicketSet, Paused
from kiosk.domain.payload import Payload
from kiosk.errors import InvalidTransition, KioskError
from kiosk.queue import sql
from kiosk.queue.base import QueueCore
from kiosk.storage.journal import record
from kiosk.storage.models import Event


@dataclass
class DayPlan:
    closed: set[str] = field(default_factory=set)
    last_ticket: dict[str, time] = field(default_factory=dict)


class DayBoard(NamedTuple):
    """The front desk's Day tab: each department's opening today, whether each window is on a
    break, and the reason of each break (a code of the catalogue's `pause_reason`; a break recorded
    before reasons were asked for has none)."""

    openings: dict[str, Opening]
    paused: dict[str, bool]
    reasons: dict[str, str | None]


class DayPlanning(QueueCore):
    def opening(self, department: str) -> Opening:
        dept = self.catalogue.dept(department)
        plan = self.day_plan()
        cutoff = plan.last_ticket.get(department, dept.cutoff)
        if department in plan.closed:
            return Opening(open=False, reason="closed_today", hours=dept.hours_text(), cutoff=cutoff)
        if self.settings.open_around_the_clock:
            return Opening(open=True, reason="open", hours="00:00-24:00", cutoff=cutoff)
        return opening(dept, self.local(), cutoff)

    def closed_today(self) -> set[str]:
        """Departments the front desk closed for today."""
        return self.day_plan().closed

    def day_plan(self) -> DayPlan:
        """What the front desk changed for today: departments closed and last-ticket times moved
        (kept as events, so every terminal sees them; read at most once a second)."""
        now = self.now()
        today = self.today()
        cached = self._plan_cache
        if cached is not None and (now - cached[0]).total_seconds() < 1 and cached[1] == today:
            return cached[2]
        query = (
            select(Event.department, Event.kind, Event.data)
            .where(Event.day == today, Event.kind.in_(DAY_PLAN))
            .order_by(Event.id)
        )
        plan = DayPlan()
        with self.db.read() as s:
            for department, kind, data in s.execute(query):
                code = str(department)
                if kind == Kind.DEPARTMENT_CLOSED:
                    plan.closed.add(code)
                elif kind == Kind.DEPARTMENT_OPENED:
                    plan.closed.discard(code)
                elif last := LastTicketSet.from_data(data).last_ticket:
                    plan.last_ticket[code] = time.fromisoformat(last)
                else:
                    plan.last_ticket.pop(code, None)
        self._plan_cache = (now, today, plan)
        return plan

    def set_department_open(self, department: str, is_open: bool, staff: str | None = None) -> None:
        """Close a department for the rest of today (the kiosk stops giving its tickets) or reopen it."""
        self.catalogue.dept(department)
        kind = Kind.DEPARTMENT_OPENED if is_open else Kind.DEPARTMENT_CLOSED
        self._day_event(kind, Empty(), staff, department=department)

    def set_last_ticket(self, department: str, at: time | None, staff: str | None = None) -> time:
        """Move today's last-ticket time of a department (None: back to the catalogue's); returns the
        time now in force. It must fall inside the department's hours."""
        dept = self.catalogue.dept(department)
        if at is not None and not any(p.start < at <= p.end for p in dept.hours):
            raise InvalidTransition(
                f"last ticket {at:%H:%M} is outside the hours of {dept.name('en')} ({dept.hours_text()})"
            )
        value = at.strftime("%H:%M") if at else None
        self._day_event(Kind.LAST_TICKET_SET, LastTicketSet(value), staff, department=department)
        return at or dept.cutoff

    def pause_window(
        self, window: str, paused: bool, staff: str | None = None, reason: str | None = None
    ) -> None:
        """A break at a window, for a `reason` of the catalogue's `pause_reason` list (KioskError
        naming the list without one): call-next is refused there until it resumes. Kept as events."""
        self.catalogue.departments_of_window(window)
        if not paused:
            self._day_event(Kind.WINDOW_RESUMED, Empty(), staff, window=window)
            return
        if reason is None:
            known = ", ".join(r.code for r in self.catalogue.pause_reason)
            raise KioskError(f"a break needs a reason: one of {known}")
        code = self.catalogue.pause_reason_named(reason).code
        self._day_event(Kind.WINDOW_PAUSED, Paused(code), staff, window=window)

    def window_paused(self, window: str) -> bool:
        with self.db.read() as s:
            return bool(sql.window_state(s, window, self.today()).paused)

    def day_board(self) -> DayBoard:
        """The front desk's Day tab in two queries: each department's opening today (from one read
        of the day plan) and whether each window is on a break, and why."""
        openings = {d.code: self.opening(d.code) for d in self.catalogue.department}
        query = (
            select(Event.window, Event.kind, Event.data)
            .where(Event.day == self.today(), Event.kind.in_(WINDOW_PAUSES))
            .order_by(Event.id)
        )
        with self.db.read() as s:
            last = {str(window): (kind, data) for window, kind, data in s.execute(query)}
        paused = {w: last.get(w, ("", None))[0] == Kind.WINDOW_PAUSED for w in self.catalogue.windows}
        reasons = {w: Paused.from_data(last[w][1] or {}).reason for w, on in paused.items() if on}
        return DayBoard(openings, paused, reasons)

    def _day_event(
        self,
        kind: Kind,
        payload: Payload,
        staff: str | None,
        department: str | None = None,
        window: str | None = None,
    ) -> None:
        now = self.now()
        with self.db.write() as s:
            day = self.local(now).date()
            record(s, kind, payload, now, day, department=department, window=window, staff=staff)
        self._plan_cache = None
