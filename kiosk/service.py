"""The queue service: the one API the CLI and every screen call (issue, call next, serve, transfer...).

Each method is one short transaction: the ticket row changes and an event row records who, where and
when. Screens never see SQL or ORM objects, only the frozen views from `kiosk.domain`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select, text, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kiosk import signing
from kiosk.catalogue import Catalogue, Opening, opening, parse_catalogue
from kiosk.clock import Clock
from kiosk.config import Settings
from kiosk.domain import (
    MOVES,
    OPEN_STATES,
    Action,
    EventView,
    Issued,
    State,
    TicketView,
    parse_ticket_code,
    ticket_code,
)
from kiosk.errors import (
    DepartmentClosed,
    InvalidTransition,
    KioskError,
    NotFound,
    PriorityRefused,
    PriorityRepeated,
    QueueEmpty,
    ScanRefused,
    StorageUnavailable,
    WindowBusy,
    WrongWindow,
    quoted,
)
from kiosk.stats import DayStats, HourStats, TicketTimes, day_stats, hourly, ticket_times
from kiosk.storage.db import Database
from kiosk.storage.models import OPEN_AT_WINDOW, OPEN_TICKETS, CatalogueVersion, Counter, Event, Ticket

TicketRef = str | int
TICKET_ID = re.compile(r"[0-9]+")  # ASCII digits only: str.isdigit() also takes '²' and '١'
MAX_TICKET_ID = 2**31 - 1  # tickets.id is an INTEGER column: 32 bits on PostgreSQL

CLOSED_REASONS = {
    "closed_today": "is closed today",
    "before_opening": "has not opened yet",
    "break": "is between shifts",
    "after_cutoff": "gives no more tickets today (last ticket time has passed)",
}


DAY_PLAN_EVENTS = ("department_closed", "department_opened", "last_ticket_set")

# Actions that bring a visitor to a window: never for a ticket of a past day.
CALLS = frozenset({Action.CALLED, Action.RECALLED})

# States no action leads out of: a scanned ticket in one of them is over.
FINAL_STATES = frozenset(State) - {state for move in MOVES.values() for state in move.sources}


@dataclass
class DayPlan:
    closed: set[str] = field(default_factory=set)
    last_ticket: dict[str, time] = field(default_factory=dict)


class QueueService:
    """Queue operations for one centre over one database."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        clock: Clock,
        secret: bytes,
        catalogue: Catalogue | None = None,
    ) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock
        self.secret = secret
        self._catalogue = catalogue
        self._catalogue_id: int | None = None
        self._plan_cache: tuple[datetime, date, DayPlan] | None = None
        self._rolled_over: date | None = None

    # Time and catalogue -------------------------------------------------------------------

    def now(self) -> datetime:
        return self.clock.now()

    def local(self, moment: datetime | None = None) -> datetime:
        return (moment or self.now()).astimezone(self.settings.zone)

    def today(self) -> date:
        return self.local().date()

    @property
    def catalogue(self) -> Catalogue:
        if self._catalogue is None:
            self.reload_catalogue()
        assert self._catalogue is not None
        return self._catalogue

    def reload_catalogue(self) -> Catalogue:
        """Take the newest catalogue `kiosk init` stored (terminals call this on `catalogue_loaded`)."""
        with self.db.read() as s:
            row = s.scalars(select(CatalogueVersion).order_by(CatalogueVersion.id.desc()).limit(1)).first()
        if row is None:
            raise StorageUnavailable("the database has no catalogue yet: run `kiosk init`")
        self._catalogue = parse_catalogue(row.body, f"catalogue version {row.id} in the database")
        self._catalogue_id = row.id
        return self._catalogue

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
            .where(Event.day == today, Event.kind.in_(DAY_PLAN_EVENTS))
            .order_by(Event.id)
        )
        plan = DayPlan()
        with self.db.read() as s:
            for department, kind, data in s.execute(query):
                code = str(department)
                if kind == "department_closed":
                    plan.closed.add(code)
                elif kind == "department_opened":
                    plan.closed.discard(code)
                elif data.get("last_ticket"):
                    plan.last_ticket[code] = time.fromisoformat(data["last_ticket"])
                else:
                    plan.last_ticket.pop(code, None)
        self._plan_cache = (now, today, plan)
        return plan

    def set_department_open(self, department: str, is_open: bool, staff: str | None = None) -> None:
        """Close a department for the rest of today (the kiosk stops giving its tickets) or reopen it."""
        self.catalogue.dept(department)
        kind = "department_opened" if is_open else "department_closed"
        self._day_event(kind, department, {}, staff)

    def set_last_ticket(self, department: str, at: time | None, staff: str | None = None) -> time:
        """Move today's last-ticket time of a department (None: back to the catalogue's); returns the
        time now in force. It must fall inside the department's hours."""
        dept = self.catalogue.dept(department)
        if at is not None and not any(p.start < at <= p.end for p in dept.hours):
            raise InvalidTransition(
                f"last ticket {at:%H:%M} is outside the hours of {dept.name('en')} ({dept.hours_text()})"
            )
        value = at.strftime("%H:%M") if at else None
        self._day_event("last_ticket_set", department, {"last_ticket": value}, staff)
        return at or dept.cutoff

    def _day_event(self, kind: str, department: str, data: dict[str, Any], staff: str | None) -> None:
        now = self.now()
        with self.db.write() as s:
            s.add(
                Event(
                    at=now,
                    day=self.local(now).date(),
                    kind=kind,
                    department=department,
                    staff=staff,
                    data=data,
                )
            )
        self._plan_cache = None

    def sla_seconds(self, department: str) -> int:
        minutes = self.catalogue.dept(department).sla_minutes or self.settings.sla_minutes
        return minutes * 60

    # Issuing ------------------------------------------------------------------------------

    def issue(
        self,
        service: str,
        language: str = "en",
        priority: str | None = None,
        interpreter: bool = False,
        holder: str | None = None,
        staff: str | None = None,
        source: str = "kiosk",
    ) -> Issued:
        """Give the next number of the service's department, saved before anything is printed."""
        self.roll_over()
        svc, dept = self.catalogue.service(service)
        if language not in self.settings.languages:
            offered = ", ".join(self.settings.languages)
            raise NotFound(f"language {quoted(language)} is not offered here; offered: {offered}")
        category = self.catalogue.priority_category(priority) if priority else None
        state = self.opening(dept.code)
        if not state.open:
            raise DepartmentClosed(
                f"{dept.name('en')} {CLOSED_REASONS[state.reason]}; hours {state.hours}, "
                f"last ticket {state.cutoff:%H:%M}",
                state.reason,
                state.hours,
            )
        now = self.now()
        day = self.local(now).date()
        held = signing.holder_hash(self.secret, holder) if holder and category else None
        with self.db.write() as s:
            if held and category and category.once_per_day:
                used = s.scalar(
                    select(func.count()).where(
                        Ticket.day == day,
                        Ticket.service == svc.code,
                        Ticket.priority == category.code,
                        Ticket.holder == held,
                        Ticket.state != State.CANCELLED,
                    )
                )
                if used:
                    raise PriorityRefused(
                        f"the priority right '{category.name('en')}' was used today for this service "
                        "already; it may be used once a day"
                    )
            if category and source == "kiosk":
                self._check_repeat(s, category.code, category.name("en"), now)
            number = self._next_number(s, dept.code, day)
            ticket = Ticket(
                day=day,
                origin=dept.code,
                number=number,
                code=ticket_code(dept.prefix, number),
                department=dept.code,
                service=svc.code,
                language=language,
                priority=category.code if category else None,
                rank=0 if category else 1,
                interpreter=interpreter,
                holder=held,
                state=State.WAITING,
                issued_at=now,
                queued_at=now,
            )
            s.add(ticket)
            s.flush()
            terminal = self.settings.terminal
            data: dict[str, Any] = {
                "service": svc.code, "language": language, "source": source, "terminal": terminal
            }  # fmt: skip
            if category:
                data["priority"] = category.code
            if interpreter:
                data["interpreter"] = True
            self._event(s, ticket, Action.ISSUED, now, staff=staff, data=data)
            ahead = self._ahead(s, ticket)
            view = self._view(ticket)
        minutes = self.estimate_minutes(dept.code, ahead, svc.typical_minutes)
        return Issued(ticket=view, ahead=ahead, wait_minutes=minutes, qr=self.qr_payload(view))

    def _check_repeat(self, s: Session, category: str, name: str, now: datetime) -> None:
        """At the kiosk nobody checks a document, so one terminal gives one priority ticket of a
        category per `priority_repeat_minutes`; a second claim is sent to the front desk. Read from
        the events, so it holds across processes (textual-serve runs one per browser)."""
        minutes = self.settings.priority_repeat_minutes
        if not minutes:
            return
        recent = s.scalars(
            select(Event.data).where(
                Event.day == self.local(now).date(),
                Event.kind == Action.ISSUED.value,
                Event.at > now - timedelta(minutes=minutes),
            )
        )
        terminal = self.settings.terminal
        claim = ("kiosk", terminal, category)
        for data in recent:
            if (data.get("source"), data.get("terminal"), data.get("priority")) == claim:
                raise PriorityRepeated(
                    f"a '{name}' ticket was given at kiosk {terminal} less than {minutes} min ago: "
                    "the front desk gives the next one"
                )

    def _next_number(self, s: Session, department: str, day: date) -> int:
        """One upsert on the (department, day) counter row, inside the ticket's own transaction."""
        dialect = postgresql if self.db.dialect == "postgresql" else sqlite
        table = Counter.__table__
        stmt = dialect.insert(table).values(department=department, day=day, last=1)
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.c.department, table.c.day], set_={"last": table.c.last + 1}
        ).returning(table.c.last)
        return int(s.execute(stmt).scalar_one())

    def estimate_minutes(self, department: str, ahead: int, typical: int | None = None) -> int:
        """People ahead times the typical service time, shared among the department's windows."""
        dept = self.catalogue.dept(department)
        per_person = typical or dept.typical_minutes
        return math.ceil(ahead * per_person / max(1, len(dept.windows)))

    def qr_payload(self, ticket: TicketView) -> str:
        payload = signing.Payload(
            ticket_id=ticket.id,
            day=ticket.day,
            code=ticket.code,
            department=ticket.origin,
            windows=ticket.windows or ("0",),
        )
        return signing.sign(self.secret, payload)

    # Calling and serving ------------------------------------------------------------------

    def call_next(self, window: str, staff: str | None = None) -> TicketView:
        """Call the next ticket for `window`: priority rights first, then first come, first served.

        A ticket still being served at the window is finished first; one still only called is not
        (the window must start it, mark a no-show or hold it), so nobody is silently dropped.
        """
        departments = self.catalogue.departments_of_window(window)
        self.roll_over()
        now = self.now()
        day = self.local(now).date()
        with self.db.write() as s:
            if self._paused(s, window, day):
                raise WindowBusy(f"window {window} is on a break: resume it first")
            current = self._at_window(s, window, day)
            if current is not None:
                if current.state != State.SERVING:
                    raise WindowBusy(
                        f"window {window} has called {current.code} already: start it, mark a "
                        "no-show, hold it or return it to the queue first"
                    )
                self._move(s, current, Action.FINISHED, now, window=window, staff=staff)
                s.flush()
            # Pick and claim in one statement (one round trip): on PostgreSQL a ticket another
            # window is claiming is skipped, on SQLite the write lock taken at BEGIN serialises us.
            pick = (
                select(Ticket.id)
                .where(Ticket.day == day, Ticket.department.in_(departments))
                .where(Ticket.state == State.WAITING)
                .order_by(Ticket.rank, Ticket.queued_at, Ticket.id)
                .limit(1)
            )
            if self.db.dialect == "postgresql":
                pick = pick.with_for_update(skip_locked=True)
            claim = (
                update(Ticket)
                .where(Ticket.id == pick.scalar_subquery(), Ticket.state == State.WAITING)
                .values(state=State.CALLED, window=window, called_at=now)
                .returning(Ticket)
            )
            try:
                ticket = s.scalars(
                    claim, execution_options={"synchronize_session": False, "populate_existing": True}
                ).first()
            except IntegrityError:
                raise WindowBusy(f"window {window} called another ticket at the same moment") from None
            if ticket is None:
                raise QueueEmpty(f"nobody is waiting for window {window}")
            self._event(s, ticket, Action.CALLED, now, window=window, staff=staff, data={"code": ticket.code})
            return self._view(ticket)

    def call(
        self, ref: TicketRef, window: str, staff: str | None = None, override: str | None = None
    ) -> TicketView:
        """Call one chosen ticket of today (from hold, or opened by scanning its QR) to `window`, which
        must serve the ticket's department. The front desk may send it to another window with a
        reason (`override`, for administrators only: the callers check), kept in the call's event."""
        self.catalogue.departments_of_window(window)
        reason = override.strip() if override is not None else None
        if override is not None and not reason:
            raise KioskError("say why the ticket goes to this window")
        self.roll_over()
        now = self.now()
        with self.db.write() as s:
            ticket = self._load(s, ref)
            self._check(ticket, Action.CALLED, now)
            windows = self.catalogue.dept(ticket.department).windows
            if window not in windows and not reason:
                raise WrongWindow(
                    f"{ticket.code} ({ticket.department}) is served at window {', '.join(windows)}, "
                    f"not at window {window}"
                )
            current = self._at_window(s, window, ticket.day)
            if current is not None and current.id != ticket.id:
                raise WindowBusy(f"window {window} is busy with {current.code}: finish it first")
            self._call(s, ticket, window, now, staff, {"override": reason} if reason else {})
            return self._view(ticket)

    def _call(
        self, s: Session, ticket: Ticket, window: str, now: datetime, staff: str | None, data: dict[str, Any]
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
        self._event(
            s, ticket, Action.CALLED, now, window=window, staff=staff, data={"code": ticket.code, **data}
        )
        try:
            s.flush()
        except IntegrityError:
            raise WindowBusy(f"window {window} called another ticket at the same moment") from None

    def recall(
        self, ref: TicketRef | None = None, window: str | None = None, staff: str | None = None
    ) -> TicketView:
        return self._act(Action.RECALLED, ref, window, staff)

    def start(
        self, ref: TicketRef | None = None, window: str | None = None, staff: str | None = None
    ) -> TicketView:
        return self._act(Action.STARTED, ref, window, staff)

    def finish(
        self, ref: TicketRef | None = None, window: str | None = None, staff: str | None = None
    ) -> TicketView:
        return self._act(Action.FINISHED, ref, window, staff)

    def no_show(
        self, ref: TicketRef | None = None, window: str | None = None, staff: str | None = None
    ) -> TicketView:
        return self._act(Action.NO_SHOW, ref, window, staff)

    def hold(
        self, ref: TicketRef | None = None, window: str | None = None, staff: str | None = None
    ) -> TicketView:
        return self._act(Action.HELD, ref, window, staff)

    def return_to_queue(
        self, ref: TicketRef | None = None, window: str | None = None, staff: str | None = None
    ) -> TicketView:
        """Back to waiting in the same department, keeping the original place in the line."""
        return self._act(Action.RETURNED, ref, window, staff)

    def cancel(self, ref: TicketRef, staff: str | None = None, reason: str | None = None) -> TicketView:
        data = {"reason": reason} if reason else None
        return self._act(Action.CANCELLED, ref, None, staff, data)

    def _act(
        self,
        action: Action,
        ref: TicketRef | None,
        window: str | None,
        staff: str | None,
        data: dict[str, Any] | None = None,
    ) -> TicketView:
        self.roll_over()
        now = self.now()
        with self.db.write() as s:
            if ref is not None:
                ticket = self._load(s, ref)
            elif window is not None:
                self.catalogue.departments_of_window(window)
                found = self._at_window(s, window, self.local(now).date())
                if found is None:
                    raise NotFound(f"window {window} has no called or served ticket")
                ticket = found
            else:
                raise NotFound("name a ticket or a window")
            self._move(s, ticket, action, now, window=window or ticket.window, staff=staff, data=data)
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
        if service is None:
            svc = dept.service[0]
        else:
            svc, owner = self.catalogue.service(service)
            if owner.code != dept.code:
                raise NotFound(f"service {quoted(service)} belongs to {owner.code!r}, not to {dept.code!r}")
        self.roll_over()
        now = self.now()
        with self.db.write() as s:
            ticket = self._load(s, ref)
            before = ticket.department
            data: dict[str, Any] = {"from": before, "to": dept.code, "service": svc.code}
            if note:
                data["note"] = note
            self._check(ticket, Action.TRANSFERRED, now)
            window = ticket.window
            ticket.department = dept.code
            ticket.service = svc.code
            if to_end:
                ticket.queued_at = now
            self._move(s, ticket, Action.TRANSFERRED, now, window=window, staff=staff, data=data)
            return self._view(ticket)

    def change_priority(
        self, ref: TicketRef, category: str | None, reason: str, staff: str | None = None
    ) -> TicketView:
        """Give or take a priority right (e.g. a document shown at the desk); the reason is kept."""
        if not reason.strip():
            raise KioskError("say why the priority changes")
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
            data = {"from": ticket.priority, "to": category, "reason": reason.strip()}
            ticket.priority, ticket.rank = category, 0 if category else 1
            s.add(
                Event(at=now, day=ticket.day, kind="priority_changed", ticket_id=ticket.id,
                      department=ticket.department, staff=staff, state=ticket.state, data=data)
            )  # fmt: skip
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
            for action, target in ((Action.STARTED, State.SERVING), (Action.FINISHED, State.DONE)):
                ticket.state = target
                self._event(s, ticket, action, now, window="desk", staff=staff, data={"quick": True})
            return self._view(ticket)

    def tickets(self, ids: Iterable[int]) -> list[TicketView]:
        """Several tickets by id, for updating a table in place."""
        wanted = sorted(set(ids))
        if not wanted:
            return []
        with self.db.read() as s:
            return [self._view(t) for t in s.scalars(select(Ticket).where(Ticket.id.in_(wanted)))]

    def print_faults(self, day: date | None = None) -> set[int]:
        """Tickets whose last print went wrong (no print or reprint since)."""
        query = (
            select(Event.ticket_id, Event.kind)
            .where(
                Event.day == (day or self.today()), Event.kind.in_(("print_failed", "printed", "reprinted"))
            )
            .order_by(Event.id)
        )
        faults: set[int] = set()
        with self.db.read() as s:
            for ticket_id, kind in s.execute(query):
                if ticket_id is None:
                    continue
                if kind == "print_failed":
                    faults.add(int(ticket_id))
                else:
                    faults.discard(int(ticket_id))
        return faults

    def audit(self, day: date | None = None, limit: int = 500) -> list[EventView]:
        """The day's events, newest first, with who did them."""
        query = select(Event).where(Event.day == (day or self.today())).order_by(Event.id.desc()).limit(limit)
        with self.db.read() as s:
            return [event_view(e) for e in s.scalars(query)]

    def close_day(self, day: date | None = None, reason: str = "end of day", staff: str | None = None) -> int:
        """End-of-day close: every open ticket of `day` is closed with `reason`; history stays."""
        day = day or self.today()
        now = self.now()
        query = select(Ticket).where(Ticket.day == day, Ticket.state.in_(OPEN_STATES)).order_by(Ticket.id)
        if self.db.dialect == "postgresql":  # two terminals rolling over at once close each ticket once
            query = query.with_for_update()
        with self.db.write() as s:
            open_tickets = s.scalars(query).all()
            for ticket in open_tickets:
                self._move(
                    s,
                    ticket,
                    Action.CLOSED,
                    now,
                    window=ticket.window,
                    staff=staff,
                    data={"reason": reason},
                )
            s.add(
                Event(
                    at=now,
                    day=day,
                    kind="day_closed",
                    staff=staff,
                    data={"closed": len(open_tickets)},
                )
            )
            return len(open_tickets)

    def release_stale_calls(self, staff: str | None = None) -> list[TicketView]:
        """Tickets called to a window longer than `stale_call_minutes` ago and neither started, recalled
        nor decided (the window's terminal died, or the clerk left): back to the queue in their place."""
        now = self.now()
        limit = now - timedelta(minutes=self.settings.stale_call_minutes)
        released = []
        with self.db.write() as s:
            stale = s.scalars(
                select(Ticket)
                .where(
                    Ticket.day == self.local(now).date(),
                    Ticket.state == State.CALLED,
                    Ticket.called_at < limit,
                )
                .order_by(Ticket.id)
            ).all()
            for ticket in stale:
                window = ticket.window
                self._move(
                    s, ticket, Action.RETURNED, now, window=window, staff=staff,
                    data={"reason": "called too long ago with no answer", "window": window},
                )  # fmt: skip
                released.append(self._view(ticket))
        return released

    def purge_notes(self) -> int:
        """Free-text notes (on transfers) are personal data: removed after `note_days` days."""
        before = self.local().date() - timedelta(days=self.settings.note_days)
        purged = 0
        with self.db.write() as s:
            rows = s.scalars(
                select(Event).where(Event.day < before, Event.kind == Action.TRANSFERRED.value)
            ).all()
            for event in rows:
                if event.data and "note" in event.data:
                    event.data = {k: v for k, v in event.data.items() if k != "note"} | {"note_purged": True}
                    purged += 1
        return purged

    def close_past_days(self, staff: str | None = None) -> int:
        """Close what earlier days left open (a terminal that was off at closing time)."""
        with self.db.read() as s:
            days = s.scalars(
                select(Ticket.day).where(Ticket.day < self.today(), text(OPEN_TICKETS)).distinct()
            ).all()
        return sum(self.close_day(day, "left open at the end of the day", staff) for day in days)

    def roll_over(self) -> None:
        """Close past days' open tickets before the first change of each service day in this process
        (every state-changing method and every terminal's start run it): one query when none is open."""
        today = self.today()
        if self._rolled_over != today:
            self.close_past_days()
            self._rolled_over = today

    def housekeeping(self) -> list[TicketView]:
        """The centre's periodic chores, safe to run from any number of terminals at once (each is
        idempotent): past days closed, stale calls back to the queue, old notes purged. Returns the
        calls released."""
        self.roll_over()
        released = self.release_stale_calls(staff="housekeeping")
        self.purge_notes()
        return released

    # Reading ------------------------------------------------------------------------------

    def ticket(self, ref: TicketRef, day: date | None = None) -> TicketView:
        with self.db.read() as s:
            return self._view(self._load(s, ref, day, lock=False))

    def history(self, ref: TicketRef) -> list[EventView]:
        with self.db.read() as s:
            ticket = self._load(s, ref, lock=False)
            rows = s.scalars(select(Event).where(Event.ticket_id == ticket.id).order_by(Event.id)).all()
            return [event_view(e) for e in rows]

    def at_window(self, window: str) -> TicketView | None:
        with self.db.read() as s:
            ticket = self._at_window(s, window, self.today())
            return self._view(ticket) if ticket else None

    def day_view(self, day: date | None = None, department: str | None = None) -> list[TicketView]:
        query = select(Ticket).where(Ticket.day == (day or self.today()))
        if department:
            self.catalogue.dept(department)  # unknown names are refused, not shown as an empty day
            query = query.where(Ticket.department == department)
        with self.db.read() as s:
            return [self._view(t) for t in s.scalars(query.order_by(Ticket.id))]

    def waiting(self, department: str, limit: int = 10) -> tuple[int, list[TicketView]]:
        """How many wait for a department, and the next few in calling order."""
        base = select(Ticket).where(
            Ticket.day == self.today(),
            Ticket.department == department,
            Ticket.state == State.WAITING,
        )
        with self.db.read() as s:
            count = s.scalar(select(func.count()).select_from(base.subquery())) or 0
            rows = s.scalars(base.order_by(Ticket.rank, Ticket.queued_at, Ticket.id).limit(limit)).all()
            return count, [self._view(t) for t in rows]

    def ahead_of(self, ref: TicketRef) -> int:
        with self.db.read() as s:
            return self._ahead(s, self._load(s, ref, lock=False))

    def events_since(self, after: int, limit: int = 1000, ids: Iterable[int] = ()) -> list[EventView]:
        query = select(Event).where(Event.id > after)
        extra = list(ids)
        if extra:
            query = select(Event).where((Event.id > after) | Event.id.in_(extra))
        with self.db.read() as s:
            return [event_view(e) for e in s.scalars(query.order_by(Event.id).limit(limit))]

    def last_event_id(self) -> int:
        with self.db.read() as s:
            return int(s.scalar(select(func.max(Event.id))) or 0)

    def ticket_events(self, day: date | None = None) -> list[EventView]:
        """The day's ticket events, oldest first (what the statistics are computed from)."""
        query = select(Event).where(Event.day == (day or self.today()), Event.ticket_id.is_not(None))
        with self.db.read() as s:
            return [event_view(e) for e in s.scalars(query.order_by(Event.id))]

    def _until(self, day: date) -> datetime | None:
        """Open periods run until now today; a past day's are left out (its close ended them)."""
        return self.now() if day == self.today() else None

    def stats(self, day: date | None = None) -> DayStats:
        """The day's figures per department, each judged by its own SLA target (see `sla_seconds`)."""
        day = day or self.today()
        events = self.ticket_events(day)
        departments = [d.code for d in self.catalogue.department]
        targets = {code: self.sla_seconds(code) for code in departments}
        default = self.settings.sla_minutes * 60
        return day_stats(events, departments, targets, self._until(day), default_sla_seconds=default)

    def hourly(self, day: date | None = None) -> list[HourStats]:
        """Per local hour of the day: arrivals, and waits keyed by the hour of the call that ended them."""
        return hourly(self.ticket_events(day), self.settings.zone)

    def ticket_times(self, day: date | None = None) -> dict[int, TicketTimes]:
        """Each ticket's waits, services and moments on `day`, by ticket id, as the statistics count them."""
        day = day or self.today()
        return ticket_times(self.ticket_events(day), self._until(day))

    def open_scanned(self, text: str) -> TicketView:
        """The ticket a scanned QR names, or ScanRefused with the reason (forged, stale, unknown, or
        over: served, cancelled or closed). A no-show is still valid: it may return to the queue."""
        payload = signing.verify(self.secret, text)
        if payload.day != self.today():
            raise ScanRefused(f"this ticket is from {payload.day:%d.%m.%Y}, not from today", "other_day")
        with self.db.read() as s:
            ticket = s.get(Ticket, payload.ticket_id)
            if ticket is None or ticket.code != payload.code or ticket.day != payload.day:
                raise ScanRefused("no such ticket was issued here today", "unknown")
            if ticket.state in FINAL_STATES:
                state = "served" if ticket.state == State.DONE else ticket.state
                raise ScanRefused(f"{ticket.code} is {state} already", ticket.state, ticket.code)
            return self._view(ticket)

    def recent_calls(self, limit: int = 10) -> list[EventView]:
        """Today's latest calls and recalls, newest first (the lobby display's list)."""
        query = (
            select(Event)
            .where(Event.day == self.today(), Event.kind.in_((Action.CALLED.value, Action.RECALLED.value)))
            .order_by(Event.id.desc())
            .limit(limit)
        )
        with self.db.read() as s:
            return [event_view(e) for e in s.scalars(query)]

    def waiting_counts(self) -> dict[str, int]:
        """How many wait now, per department of the catalogue (zero included)."""
        query = (
            select(Ticket.department, func.count())
            .where(Ticket.day == self.today(), Ticket.state == State.WAITING)
            .group_by(Ticket.department)
        )
        with self.db.read() as s:
            found = {str(row[0]): int(row[1]) for row in s.execute(query)}
        return {d.code: found.get(d.code, 0) for d in self.catalogue.department}

    def pause_window(self, window: str, paused: bool, staff: str | None = None) -> None:
        """A break at a window: call-next is refused there until it resumes. Kept as events."""
        self.catalogue.departments_of_window(window)
        self.record_notice("window_paused" if paused else "window_resumed", None, {}, staff, window)

    def window_paused(self, window: str) -> bool:
        with self.db.read() as s:
            return self._paused(s, window, self.today())

    @staticmethod
    def _paused(s: Session, window: str, day: date) -> bool:
        query = (
            select(Event.kind)
            .where(Event.day == day, Event.window == window)
            .where(Event.kind.in_(("window_paused", "window_resumed")))
            .order_by(Event.id.desc())
            .limit(1)
        )
        return s.scalar(query) == "window_paused"

    def record_notice(
        self,
        kind: str,
        ticket_id: int | None,
        data: dict[str, Any],
        staff: str | None = None,
        window: str | None = None,
    ) -> None:
        """An event that changes no ticket state: printing results, reprints and the like."""
        now = self.now()
        with self.db.write() as s:
            ticket = s.get(Ticket, ticket_id) if ticket_id is not None else None
            s.add(
                Event(
                    at=now,
                    day=ticket.day if ticket else self.local(now).date(),
                    kind=kind,
                    ticket_id=ticket_id,
                    department=ticket.department if ticket else None,
                    window=window,
                    staff=staff,
                    state=ticket.state if ticket else None,
                    data=data,
                )
            )

    # Internals ----------------------------------------------------------------------------

    def _load(self, s: Session, ref: TicketRef, day: date | None = None, lock: bool = True) -> Ticket:
        query = select(Ticket)
        text = str(ref).strip()
        by_id = isinstance(ref, int) or TICKET_ID.fullmatch(text) is not None
        if by_id:
            if len(text) > len(str(MAX_TICKET_ID)) or not 0 < int(text) <= MAX_TICKET_ID:
                raise NotFound(f"no ticket {quoted(text)}")
            query = query.where(Ticket.id == int(text))
        else:
            code = parse_ticket_code(text)
            if code is None:
                raise NotFound(f"{quoted(text)} is not a ticket number (like P-007) or a ticket id")
            query = query.where(Ticket.day == (day or self.today()), Ticket.code == code)
        if lock and self.db.dialect == "postgresql":
            query = query.with_for_update()
        ticket = s.scalars(query).first()
        if ticket is None:
            raise NotFound(f"no ticket {text}" if by_id else f"no ticket {text} today")
        return ticket

    def _at_window(self, s: Session, window: str, day: date) -> Ticket | None:
        # The partial index's own literal condition: SQLite uses a partial index only when it can see
        # that the query implies it, which bound parameters (`state IN (?, ?)`) hide from it.
        query = select(Ticket).where(Ticket.day == day, Ticket.window == window, text(OPEN_AT_WINDOW))
        if self.db.dialect == "postgresql":
            query = query.with_for_update()
        return s.scalars(query).first()

    def _ahead(self, s: Session, ticket: Ticket) -> int:
        if ticket.state != State.WAITING:
            return 0
        key = tuple_(Ticket.rank, Ticket.queued_at, Ticket.id)
        return int(
            s.scalar(
                select(func.count()).where(
                    Ticket.day == ticket.day,
                    Ticket.department == ticket.department,
                    Ticket.state == State.WAITING,
                    key < tuple_(ticket.rank, ticket.queued_at, ticket.id),
                )
            )
            or 0
        )

    def _check(self, ticket: Ticket, action: Action, now: datetime) -> None:
        if action in CALLS and ticket.day != self.local(now).date():
            raise InvalidTransition(
                f"{ticket.code} is from {ticket.day:%d.%m.%Y}, not from today: a past day's ticket "
                "cannot be called"
            )
        if State(ticket.state) not in MOVES[action].sources:
            verb = action.value.replace("_", "-")
            raise InvalidTransition(
                f"{ticket.code} is {ticket.state.replace('_', ' ')}: cannot mark it {verb}"
            )

    def _move(
        self,
        s: Session,
        ticket: Ticket,
        action: Action,
        now: datetime,
        window: str | None = None,
        staff: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        self._check(ticket, action, now)
        target = MOVES[action].target
        ticket.state = target
        if target in (State.WAITING, State.CANCELLED):
            ticket.window = None
        if action == Action.RECALLED:
            ticket.called_at = now
            data = {**(data or {}), "code": ticket.code}
        self._event(s, ticket, action, now, window=window, staff=staff, data=data)

    def _event(
        self,
        s: Session,
        ticket: Ticket,
        action: Action,
        now: datetime,
        window: str | None = None,
        staff: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        s.add(
            Event(
                at=now,
                day=ticket.day,
                kind=action.value,
                ticket_id=ticket.id,
                department=ticket.department,
                window=window,
                staff=staff,
                state=ticket.state,
                data=data or {},
            )
        )

    def _view(self, t: Ticket) -> TicketView:
        try:
            windows = tuple(self.catalogue.dept(t.department).windows)
        except KioskError:
            windows = ()
        return TicketView(
            id=t.id,
            code=t.code,
            number=t.number,
            day=t.day,
            origin=t.origin,
            department=t.department,
            service=t.service,
            language=t.language,
            priority=t.priority,
            interpreter=t.interpreter,
            state=State(t.state),
            window=t.window,
            issued_at=t.issued_at,
            queued_at=t.queued_at,
            called_at=t.called_at,
            windows=windows,
        )

    def day_board(self) -> tuple[dict[str, Opening], dict[str, bool]]:
        """The front desk's Day tab in two queries: each department's opening today (from one read
        of the day plan) and whether each window is on a break."""
        openings = {d.code: self.opening(d.code) for d in self.catalogue.department}
        query = (
            select(Event.window, Event.kind)
            .where(Event.day == self.today(), Event.kind.in_(("window_paused", "window_resumed")))
            .order_by(Event.id)
        )
        with self.db.read() as s:
            last = {str(window): kind for window, kind in s.execute(query)}
        return openings, {w: last.get(w) == "window_paused" for w in self.catalogue.windows}


def event_view(e: Event) -> EventView:
    return EventView(
        id=e.id,
        at=e.at,
        day=e.day,
        kind=e.kind,
        ticket_id=e.ticket_id,
        department=e.department,
        window=e.window,
        staff=e.staff,
        state=e.state,
        data=dict(e.data or {}),
    )
