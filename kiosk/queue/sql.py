"""The statements that differ between PostgreSQL and SQLite, in one place: the day counter's upsert,
the one-statement claim of the next ticket, row locks, and the partial indexes' literal conditions."""

from __future__ import annotations

from datetime import date, datetime
from typing import TypeVar

from sqlalchemy import Select, func, select, text, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from kiosk.domain import State
from kiosk.events import Kind
from kiosk.storage.models import OPEN_AT_WINDOW, OPEN_TICKETS, Counter, Event, Ticket

T = TypeVar("T")

# The queue's calling order in SQL (see `kiosk.domain.queue_order`, the same rule on views).
QUEUE_ORDER = (Ticket.rank, Ticket.queued_at, Ticket.id)


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
    s: Session, dialect: str, departments: list[str], day: date, window: str, now: datetime
) -> Ticket | None:
    """Pick and claim the first waiting ticket in one statement (one round trip): on PostgreSQL a
    ticket another window is claiming is skipped, on SQLite the write lock taken at BEGIN serialises us.
    Raises IntegrityError when the window called another ticket at the same moment."""
    pick = (
        select(Ticket.id)
        .where(Ticket.day == day, Ticket.department.in_(departments))
        .where(Ticket.state == State.WAITING)
        .order_by(*QUEUE_ORDER)
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


def past_days_open(today: date) -> Select[date]:
    """The days before `today` with tickets still open, through the partial index of open tickets."""
    return select(Ticket.day).where(Ticket.day < today, text(OPEN_TICKETS)).distinct()


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


def ahead_of(ticket: Ticket) -> Select[int]:
    """How many wait before `ticket` in its department."""
    return select(func.count()).where(
        Ticket.day == ticket.day,
        Ticket.department == ticket.department,
        Ticket.state == State.WAITING,
        tuple_(*QUEUE_ORDER) < tuple_(ticket.rank, ticket.queued_at, ticket.id),
    )
