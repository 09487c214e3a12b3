"""The statements that differ between PostgreSQL and SQLite, in one place: the day counter's upsert,
the one-statement claim of the next ticket, row locks, and the partial indexes' literal conditions;
and the queue's calling order in SQL."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import Select, and_, case, func, select, text, tuple_, union, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from kiosk.domain import State
from kiosk.events import Kind
from kiosk.storage.models import OPEN_AT_WINDOW, OPEN_BOOKINGS, OPEN_TICKETS, Booking, Counter, Event, Ticket

T = TypeVar("T")


def queue_order(now: datetime, walk_ins_first: bool = False) -> tuple[Any, ...]:
    """The queue's calling order in SQL (`kiosk.domain.queue_order` is the same rule on views):
    priority rights first; then booked visitors whose slot has begun, by slot time; then everyone
    else by place in the line; then id. `walk_ins_first` (the starvation guard of
    `kiosk.queue.bookings`): after the priority rights, those who did not book go first, in line."""
    if walk_ins_first:
        group = case((Ticket.rank == 0, 0), (Ticket.booked_at.is_(None), 1), else_=2)
        return group, Ticket.queued_at, Ticket.queued_at, Ticket.id
    due = and_(Ticket.rank != 0, Ticket.booked_at.is_not(None), Ticket.booked_at <= now)
    group = case((Ticket.rank == 0, 0), (due, 1), else_=2)
    first = case((due, Ticket.booked_at), else_=Ticket.queued_at)
    return group, first, Ticket.queued_at, Ticket.id


def locked(query: Select[T], dialect: str) -> Select[T]:
    """Row locks on PostgreSQL; SQLite's write transaction (BEGIN IMMEDIATE) serialises writers."""
    return query.with_for_update() if dialect == "postgresql" else query


def next_number(s: Session, dialect: str, department: str, day: date) -> int:
    """One upsert on the (department, day) counter row, inside the ticket's own transaction."""
    module = postgresql if dialect == "postgresql" else sqlite
    table = Counter.__table__
    stmt = module.insert(table).values(department=department, day=day, last=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.department, table.c.day], set_={"last": table.c.last + 1}
    ).returning(table.c.last)
    return int(s.execute(stmt).scalar_one())


def claim_next(
    s: Session,
    dialect: str,
    departments: list[str],
    day: date,
    window: str,
    now: datetime,
    walk_ins_first: bool = False,
) -> Ticket | None:
    """Pick and claim the first waiting ticket in one statement (one round trip): on PostgreSQL a
    ticket another window is claiming is skipped, on SQLite the write lock taken at BEGIN serialises us.
    Raises IntegrityError when the window called another ticket at the same moment."""
    pick = (
        select(Ticket.id)
        .where(Ticket.day == day, Ticket.department.in_(departments))
        .where(Ticket.state == State.WAITING)
        .order_by(*queue_order(now, walk_ins_first))
        .limit(1)
    )
    if dialect == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    claim = (
        update(Ticket)
        .where(Ticket.id == pick.scalar_subquery(), Ticket.state == State.WAITING)
        .values(state=State.CALLED, window=window, called_at=now)
        .returning(Ticket)
    )
    options = {"synchronize_session": False, "populate_existing": True}
    return s.scalars(claim, execution_options=options).first()


def at_window(s: Session, dialect: str, window: str, day: date) -> Ticket | None:
    """The ticket called to or served at `window` (locked). The partial index's own literal condition:
    SQLite uses a partial index only when it can see that the query implies it, which bound parameters
    (`state IN (?, ?)`) hide from it."""
    query = select(Ticket).where(Ticket.day == day, Ticket.window == window, text(OPEN_AT_WINDOW))
    return s.scalars(locked(query, dialect)).first()


def past_days_open(today: date) -> Any:
    """The days before `today` with tickets still open (through the partial index of open tickets) or
    bookings nobody checked in for, in one query, oldest first."""
    tickets = select(Ticket.day.label("day")).where(Ticket.day < today, text(OPEN_TICKETS))
    bookings = select(Booking.day.label("day")).where(Booking.day < today, text(OPEN_BOOKINGS))
    days = union(tickets, bookings).subquery()
    return select(days.c.day).order_by(days.c.day)


def on_my_way_since_call(s: Session, ticket_id: int) -> bool:
    """Whether the visitor said "on my way" after the ticket's latest call (not counting recalls)."""
    last_call = (
        select(func.max(Event.id))
        .where(Event.ticket_id == ticket_id, Event.kind == Kind.CALLED)
        .scalar_subquery()
    )
    query = select(func.count()).where(
        Event.ticket_id == ticket_id, Event.kind == Kind.ON_MY_WAY, Event.id > func.coalesce(last_call, 0)
    )
    return bool(s.scalar(query))


def ahead_of(ticket: Ticket, now: datetime) -> Select[int]:
    """How many wait before `ticket` in its department, in the calling order at `now`."""
    due = ticket.booked_at is not None and ticket.booked_at <= now and ticket.rank != 0
    group = 0 if ticket.rank == 0 else (1 if due else 2)
    first = ticket.booked_at if due else ticket.queued_at
    return select(func.count()).where(
        Ticket.day == ticket.day,
        Ticket.department == ticket.department,
        Ticket.state == State.WAITING,
        tuple_(*queue_order(now)) < tuple_(group, first, ticket.queued_at, ticket.id),
    )
