"""The ticket moves callers ask for: call next, call a chosen ticket, recall, start, finish, no-show,
hold, return, transfer, cancel, change a priority right, and the front desk's quick answer."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kiosk.domain.events import (
    Called,
    Cancelled,
    FromSource,
    Kind,
    Moved,
    PriorityChanged,
    Transferred,
)
from kiosk.domain.payload import Payload
from kiosk.domain.text import free_text
from kiosk.domain.tickets import OPEN_STATES, State, TicketView, rank_of
from kiosk.errors import (
    InvalidTransition,
    KioskError,
    NotFound,
    QueueEmpty,
    WindowBusy,
    WrongWindow,
    quoted,
)
from kiosk.queue import sql
from kiosk.queue.base import QueueCore, TicketRef
from kiosk.queue.machine import check, move
from kiosk.storage.journal import record
from kiosk.storage.models import Ticket


class Moves(QueueCore):
    def call_next(self, window: str, staff: str | None = None) -> TicketView:
        """Call the next ticket for `window`: priority rights first, then booked visitors whose slot
        has begun, then first come, first served (`kiosk.queue.sql.queue_order`); while walk-ins wait
        past the SLA, a booked visitor is not called twice in a row here (`sql.guard_on`): all in the
        one statement that claims it (`sql.claim_next`).

        A ticket still being served at the window is finished first; one still only called is not
        (the window must start it, mark a no-show or hold it), so nobody is silently dropped.
        """
        departments = self.catalogue.departments_of_window(window)
        self.roll_over()
        now = self.now()
        day = self.local(now).date()
        late = [now - timedelta(seconds=self.sla_seconds(d)) for d in departments]
        with self.db.write() as s:
            ticket = self._claim_next(s, departments, day, window, now, late)
            if ticket is None:  # why: a break, a ticket still at the window, or nobody waiting
                state = sql.window_state(s, window, day)
                if state.paused:
                    raise WindowBusy(f"window {window} is on a break: resume it first")
                current = self._at_window(s, window, day) if state.current is not None else None
                if current is not None:
                    if current.state != State.SERVING:
                        raise WindowBusy(
                            f"window {window} has called {current.code} already: start it, mark a "
                            "no-show, hold it or return it to the queue first"
                        )
                    move(s, current, Kind.FINISHED, Moved(), now, day, window=window, staff=staff)
                    s.flush()
                    ticket = self._claim_next(s, departments, day, window, now, late)
            if ticket is None:
                raise QueueEmpty(f"nobody is waiting for window {window}")
            payload = Called(ticket.code, language=ticket.language)
            record(s, Kind.CALLED, payload, now, ticket=ticket, window=window, staff=staff)
            return self._view(ticket)

    def _claim_next(
        self, s: Session, departments: list[str], day: date, window: str, now: datetime, late: list[datetime]
    ) -> Ticket | None:
        try:
            return sql.claim_next(s, departments, day, window, now, late)
        except IntegrityError:
            raise WindowBusy(f"window {window} called another ticket at the same moment") from None

    def call(
        self, ref: TicketRef, window: str, staff: str | None = None, override: str | None = None
    ) -> TicketView:
        """Call one chosen ticket of today (from hold, or opened by scanning its QR) to `window`, which
        must serve the ticket's department. The front desk may send it to another window with a
        reason (`override`, for administrators only: the callers check), kept in the call's event."""
        self.catalogue.departments_of_window(window)
        reason = free_text(override, "reason")
        if override is not None and not reason:
            raise KioskError("say why the ticket goes to this window")
        self.roll_over()
        now = self.now()
        with self.db.write() as s:
            ticket = self._load(s, ref)
            check(ticket, Kind.CALLED, self.local(now).date())
            windows = self.catalogue.dept(ticket.department).windows
            if window not in windows and not reason:
                raise WrongWindow(
                    f"{ticket.code} ({ticket.department}) is served at window {', '.join(windows)}, "
                    f"not at window {window}"
                )
            current = self._at_window(s, window, ticket.day)
            if current is not None and current.id != ticket.id:
                raise WindowBusy(f"window {window} is busy with {current.code}: finish it first")
            self._call(s, ticket, window, now, staff, reason or None)
            return self._view(ticket)

    def _call(
        self, s: Session, ticket: Ticket, window: str, now: datetime, staff: str | None, override: str | None
    ) -> None:
        """Claim `ticket` (checked by the caller) for `window` with a compare-and-set update."""
        claimed = s.execute(  # type: ignore[attr-defined]
            update(Ticket)
            .where(Ticket.id == ticket.id, Ticket.state == ticket.state)
            .values(state=State.CALLED, window=window, called_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed != 1:  # another window took it between our read and our write
            raise QueueEmpty(f"{ticket.code} was just called by another window; call again")
        s.refresh(ticket)
        payload = Called(ticket.code, override, ticket.language)
        record(s, Kind.CALLED, payload, now, ticket=ticket, window=window, staff=staff)
        try:
            s.flush()
        except IntegrityError:
            raise WindowBusy(f"window {window} called another ticket at the same moment") from None

    def recall(
        self, ref: TicketRef | None = None, window: str | None = None, staff: str | None = None
    ) -> TicketView:
        return self._act(Kind.RECALLED, ref, window, staff)

    def start(
        self, ref: TicketRef | None = None, window: str | None = None, staff: str | None = None
    ) -> TicketView:
        return self._act(Kind.STARTED, ref, window, staff)

    def finish(
        self, ref: TicketRef | None = None, window: str | None = None, staff: str | None = None
    ) -> TicketView:
        return self._act(Kind.FINISHED, ref, window, staff)

    def no_show(
        self, ref: TicketRef | None = None, window: str | None = None, staff: str | None = None
    ) -> TicketView:
        return self._act(Kind.NO_SHOW, ref, window, staff)

    def hold(
        self, ref: TicketRef | None = None, window: str | None = None, staff: str | None = None
    ) -> TicketView:
        return self._act(Kind.HELD, ref, window, staff)

    def return_to_queue(
        self, ref: TicketRef | None = None, window: str | None = None, staff: str | None = None
    ) -> TicketView:
        """Back to waiting in the same department, keeping the original place in the line."""
        return self._act(Kind.RETURNED, ref, window, staff)

    def cancel(
        self,
        ref: TicketRef,
        staff: str | None = None,
        reason: str | None = None,
        source: str | None = None,
    ) -> TicketView:
        """`source`: who cancelled when not a staff member ("phone": the visitor left the queue)."""
        return self._act(Kind.CANCELLED, ref, None, staff, Cancelled(free_text(reason, "reason"), source))

    def leave(self, ticket_id: int, source: str = "phone") -> TicketView:
        """The visitor leaves the queue: a waiting or called ticket of today is cancelled, the source
        recorded in the event."""
        self.roll_over()
        now = self.now()
        with self.db.write() as s:
            ticket = self._load(s, ticket_id)
            if ticket.state not in (State.WAITING, State.CALLED) or ticket.day != self.local(now).date():
                state = ticket.state.replace("_", " ")
                raise InvalidTransition(f"{ticket.code} is {state}: it cannot leave the queue")
            payload = Cancelled(None, source)
            move(s, ticket, Kind.CANCELLED, payload, now, ticket.day, window=ticket.window)
            return self._view(ticket)

    def on_my_way(self, ticket_id: int, source: str = "phone") -> TicketView:
        """The called visitor says they are coming: an event the counter that called them shows.
        Only a called ticket of today; saying it twice records it once."""
        now = self.now()
        with self.db.write() as s:
            ticket = self._load(s, ticket_id)
            if ticket.state != State.CALLED or ticket.day != self.local(now).date():
                raise InvalidTransition(f"{ticket.code} is {ticket.state.replace('_', ' ')}, not called")
            if not sql.on_my_way_since_call(s, ticket.id):
                record(s, Kind.ON_MY_WAY, FromSource(source), now, ticket=ticket, window=ticket.window)
            return self._view(ticket)

    def _act(
        self,
        action: Kind,
        ref: TicketRef | None,
        window: str | None,
        staff: str | None,
        payload: Payload | None = None,
    ) -> TicketView:
        self.roll_over()
        now = self.now()
        today = self.local(now).date()
        with self.db.write() as s:
            if ref is not None:
                ticket = self._load(s, ref)
            elif window is not None:
                self.catalogue.departments_of_window(window)
                found = self._at_window(s, window, today)
                if found is None:
                    raise NotFound(f"window {window} has no called or served ticket")
                ticket = found
            else:
                raise NotFound("name a ticket or a window")
            payload = payload or Moved()
            move(s, ticket, action, payload, now, today, window=window or ticket.window, staff=staff)
            return self._view(ticket)

    def transfer(
        self,
        ref: TicketRef,
        to: str,
        service: str | None = None,
        staff: str | None = None,
        note: str | None = None,
        to_end: bool = False,
    ) -> TicketView:
        """Move a ticket to another department; it keeps its number, history and (by default) its
        place by arrival time, so the visitor does not start waiting again from the back."""
        dept = self.catalogue.dept(to)
        note = free_text(note, "note")
        if service is None:
            svc = dept.service[0]
        else:
            svc, owner = self.catalogue.service(service)
            if owner.code != dept.code:
                raise NotFound(f"service {quoted(service)} belongs to {owner.code!r}, not to {dept.code!r}")
        self.roll_over()
        now = self.now()
        today = self.local(now).date()
        with self.db.write() as s:
            ticket = self._load(s, ref)
            payload = Transferred(from_=ticket.department, to=dept.code, service=svc.code, note=note or None)
            check(ticket, Kind.TRANSFERRED, today)
            window = ticket.window
            ticket.department = dept.code
            ticket.service = svc.code
            if to_end:
                ticket.queued_at = now
            move(s, ticket, Kind.TRANSFERRED, payload, now, today, window=window, staff=staff)
            return self._view(ticket)

    def change_priority(
        self, ref: TicketRef, category: str | None, reason: str, staff: str | None = None
    ) -> TicketView:
        """Give or take a priority right (e.g. a document shown at the desk); the reason is kept."""
        if not reason.strip():
            raise KioskError("say why the priority changes")
        reason = free_text(reason, "reason") or ""
        if category is not None:
            self.catalogue.priority_category(category)
        self.roll_over()
        now = self.now()
        with self.db.write() as s:
            ticket = self._load(s, ref)
            if State(ticket.state) not in OPEN_STATES:
                raise InvalidTransition(
                    f"{ticket.code} is {ticket.state.replace('_', ' ')}: too late to change"
                )
            payload = PriorityChanged(from_=ticket.priority, to=category, reason=reason.strip())
            ticket.priority, ticket.rank = category, rank_of(category)
            record(s, Kind.PRIORITY_CHANGED, payload, now, ticket=ticket, staff=staff)
            return self._view(ticket)

    def quick_transaction(self, service: str, language: str = "en", staff: str | None = None) -> TicketView:
        """A question answered at the front desk: a ticket issued and served at once, so it counts."""
        issued = self.issue(service, language=language, staff=staff, source="desk")
        now = self.now()
        with self.db.write() as s:
            ticket = self._load(s, issued.ticket.id)
            if ticket.state != State.WAITING:  # a window called it between the two transactions
                raise InvalidTransition(
                    f"{ticket.code} was called to window {ticket.window} meanwhile: serve it there"
                )
            for kind, target in ((Kind.STARTED, State.SERVING), (Kind.FINISHED, State.DONE)):
                ticket.state = target
                record(s, kind, Moved(quick=True), now, ticket=ticket, window="desk", staff=staff)
            return self._view(ticket)
