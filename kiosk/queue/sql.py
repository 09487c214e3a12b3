"""The statements that differ between PostgreSQL and SQLite, in one place: the day counter's upsert,
the one-statement claim of the next ticket, row locks, and the partial indexes' literal conditions;
and the queue's calling order in SQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache
from importlib import import_module
from typing import Any, TypeVar, cast

from sqlalchemy import (
    Select,
    Table,
    and_,
    bindparam,
    case,
    func,
    literal,
    or_,
    select,
    text,
    tuple_,
    union,
    union_all,
    update,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from kiosk.domain.events import WINDOW_PAUSES, Kind
from kiosk.domain.tickets import AT_WINDOW, BookingState, State
from kiosk.storage.frozen import frozen
from kiosk.storage.models import OPEN_AT_WINDOW, OPEN_BOOKINGS, OPEN_TICKETS, Booking, Counter, Event, Ticket

T = TypeVar("T")
TICKETS = cast(Table, Ticket.__table__)


def queue_order(now: datetime | Any) -> tuple[Any, ...]:
    """The queue's calling order in SQL (`kiosk.domain.tickets.queue_order` is the same rule on views):
    priority rights first; then booked visitors whose slot has begun, by slot time; then everyone
    else by place in the line; then id. (A window's call also heeds the starvation guard:
    `next_waiting`.)"""
    due = and_(Ticket.rank != 0, Ticket.booked_at.is_not(None), Ticket.booked_at <= now)
    group = case((Ticket.rank == 0, 0), (due, 1), else_=2)
    first = case((due, Ticket.booked_at), else_=Ticket.queued_at)
    return group, first, Ticket.queued_at, Ticket.id


def locked(query: Select[T], dialect: str) -> Select[T]:
    """Row locks on PostgreSQL; SQLite's write transaction (BEGIN IMMEDIATE) serialises writers."""
    return query.with_for_update() if dialect == "postgresql" else query


def next_number(s: Session, dialect: str, department: str, day: date) -> int:
    """One upsert on the (department, day) counter row, inside the ticket's own transaction."""
    values = {"p_department": department, "p_day": day}
    return int(s.execute(_next_number(dialect), values).scalar_one())


@cache
def _next_number(dialect: str) -> Any:
    """`next_number`'s upsert, built once (building it took longer than running it); the dialect's
    module is imported when first used (a short command's start)."""
    module = import_module(f"sqlalchemy.dialects.{dialect}")
    table = Counter.__table__
    stmt = module.insert(table).values(department=bindparam("p_department"), day=bindparam("p_day"), last=1)
    return stmt.on_conflict_do_update(
        index_elements=[table.c.department, table.c.day], set_={"last": table.c.last + 1}
    ).returning(table.c.last)


def next_waiting(
    departments: list[str],
    day: Any,
    now: Any,
    guard: Any,
    lock: bool = False,
) -> Select[tuple[int]]:
    """The id of the first waiting ticket by the whole calling rule, as one statement that sorts
    nothing: priority rights; then booked visitors whose slot has begun, by slot time; then the
    line. While `guard` holds (the starvation guard, `guard_on`), walk-ins come right after the
    priority rights. For each department, the first ticket of each group is one step down an index
    (`ix_tickets_queue`, `ix_tickets_booked`); the first of those few is the next ticket. The
    parameters may be bound parameters; `lock`: PostgreSQL's row lock, skipping a ticket another
    window is claiming."""
    due = and_(Ticket.booked_at.is_not(None), Ticket.booked_at <= now)
    line = (Ticket.queued_at, Ticket.id)
    # (a kind of candidate, its condition, its order): priority rights, booked visitors whose slot
    # has begun, the line (walk-ins and those booked for later), and walk-ins alone (for the guard)
    kinds: list[tuple[int, Any, tuple[Any, ...]]] = [
        (0, Ticket.rank == 0, line),
        (1, and_(Ticket.rank == 1, due), (Ticket.booked_at, *line)),
        (2, and_(Ticket.rank == 1, or_(Ticket.booked_at.is_(None), Ticket.booked_at > now)), line),
        (3, and_(Ticket.rank == 1, Ticket.booked_at.is_(None)), line),
    ]
    firsts = []
    for department in departments:
        for kind, condition, order in kinds:
            first = (
                select(literal(kind).label("kind"), order[0].label("key"), *(c.label(c.key) for c in line))
                .where(Ticket.day == day, Ticket.department == department, Ticket.state == State.WAITING)
                .where(condition)
                .order_by(*order)
                .limit(1)
            )
            if lock:
                first = first.with_for_update(skip_locked=True)
            one = first.subquery()
            firsts.append(select(one.c.kind, one.c.key, one.c.queued_at, one.c.id))
    every = union_all(*firsts).subquery()
    # the groups in calling order; with the guard on, a late walk-in is waiting, so the walk-ins'
    # group is never empty then, and how booked visitors would follow it does not matter
    plain = case({0: 0, 1: 1, 2: 2, 3: 2}, value=every.c.kind)
    guarded = case({0: 0, 3: 1}, value=every.c.kind, else_=3)
    group = case((guard, guarded), else_=plain)
    return select(every.c.id).order_by(group, every.c.key, every.c.queued_at, every.c.id).limit(1)


def guard_on(departments: list[str], day: Any, window: Any, late: list[Any]) -> Any:
    """The starvation guard: the window's last call today went to a booked visitor and a walk-in of
    one of `departments` has waited since before that department's moment in `late` (its SLA ago).
    While it holds, at most every second call of a window goes to a booked visitor."""
    last_call_booked = (
        select(Ticket.booked_at.is_not(None))
        .join(Event, Event.ticket_id == Ticket.id)
        .where(Event.day == day, Event.window == window, Event.kind == Kind.CALLED)
        .order_by(Event.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    waited_too_long = or_(
        *(
            select(Ticket.id)
            .where(
                Ticket.day == day,
                Ticket.department == department,
                Ticket.state == State.WAITING,
                Ticket.booked_at.is_(None),
                Ticket.queued_at < moment,
            )
            .exists()
            for department, moment in zip(departments, late, strict=True)
        )
    )
    return and_(last_call_booked == True, waited_too_long)  # noqa: E712


def claim_next(
    s: Session,
    departments: list[str],
    day: date,
    window: str,
    now: datetime,
    late: list[datetime],
) -> Ticket | None:
    """Pick and claim the next ticket for `window` by the whole rule in one statement (one round
    trip): None when the window is paused, still has a ticket called or served, or nobody waits
    (`window_state` tells which). `late`: for each department, the moment its SLA ago (the guard).
    On PostgreSQL a ticket another window is claiming is skipped; on SQLite the write lock taken at
    BEGIN serialises us. Raises IntegrityError when the window called another ticket at the same
    moment."""
    claim = _claim(len(departments), s.get_bind().dialect)
    options = {"populate_existing": True}
    values = {"p_day": day, "p_now": now, "p_window": window}
    values.update({f"p_department_{n}": department for n, department in enumerate(departments)})
    values.update({f"p_late_{n}": moment for n, moment in enumerate(late)})
    return s.scalars(claim, values, execution_options=options).first()


_claims: dict[tuple[int, str], Any] = {}


def _claim(count: int, dialect: Dialect) -> Any:
    """The claim for a window of `count` departments on `dialect`'s database, built and compiled
    once (`kiosk.storage.frozen`): the departments, the day, the moment and the window are its
    parameters. It loads the claimed ticket."""
    key = (count, dialect.name)
    if key not in _claims:
        statement = _claim_statement(count, lock=dialect.name == "postgresql")
        _claims[key] = select(Ticket).from_statement(frozen(statement, dialect).columns(*TICKETS.c))
    return _claims[key]


def _claim_statement(count: int, lock: bool) -> Any:
    day: Any = bindparam("p_day")
    now: Any = bindparam("p_now")
    window: Any = bindparam("p_window")
    departments: list[Any] = [bindparam(f"p_department_{n}") for n in range(count)]
    late: list[Any] = [bindparam(f"p_late_{n}") for n in range(count)]
    pick = next_waiting(departments, day, now, guard_on(departments, day, window, late), lock)
    return (
        update(Ticket)
        .where(Ticket.id == pick.scalar_subquery(), Ticket.state == State.WAITING)
        .where(~_paused(day, window), ~_current(day, window).exists())
        .values(state=State.CALLED, window=window, called_at=now)
        .returning(Ticket)
    )


def window_state(s: Session, window: str, day: date) -> Any:
    """Why a window's claim found nothing, in one query: `paused` (its last pause or resume was a
    pause) and `current` (the id of the ticket called to or served at it, or None)."""
    return s.execute(_window_state(), {"p_day": day, "p_window": window}).one()


@cache
def _window_state() -> Any:
    day: Any = bindparam("p_day")
    window: Any = bindparam("p_window")
    return select(
        _paused(day, window).label("paused"), _current(day, window).scalar_subquery().label("current")
    )


def _paused(day: Any, window: Any) -> Any:
    kinds = [literal(kind) for kind in sorted(WINDOW_PAUSES)]  # literals: a frozen claim holds it
    last = (
        select(Event.kind)
        .where(Event.day == day, Event.window == window, Event.kind.in_(kinds))
        .order_by(Event.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return func.coalesce(last, "") == Kind.WINDOW_PAUSED


def _current(day: Any, window: Any) -> Select[Any]:
    """The ticket called to or served at `window` (the partial index's own literal condition)."""
    return select(Ticket.id).where(Ticket.day == day, Ticket.window == window, text(OPEN_AT_WINDOW)).limit(1)


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


def ahead_of(s: Session, ticket: Ticket, now: datetime) -> int:
    """How many wait before `ticket` in its department, in the calling order at `now`."""
    due = ticket.booked_at is not None and ticket.booked_at <= now and ticket.rank != 0
    values = {
        "p_day": ticket.day,
        "p_department": ticket.department,
        "p_now": now,
        "p_group": 0 if ticket.rank == 0 else (1 if due else 2),
        "p_first": ticket.booked_at if due else ticket.queued_at,
        "p_queued": ticket.queued_at,
        "p_id": ticket.id,
    }
    return int(s.scalar(_ahead_of(), values) or 0)


@cache
def _ahead_of() -> Any:
    """`ahead_of`'s count, built once: the ticket's place in the order is its parameters."""
    place = tuple_(
        bindparam("p_group"),
        bindparam("p_first", type_=Ticket.queued_at.type),
        bindparam("p_queued", type_=Ticket.queued_at.type),
        bindparam("p_id"),
    )
    return select(func.count()).where(
        Ticket.day == bindparam("p_day"),
        Ticket.department == bindparam("p_department"),
        Ticket.state == State.WAITING,
        tuple_(*queue_order(bindparam("p_now", type_=Ticket.queued_at.type))) < place,
    )


def recent_calls(s: Session, department: str, day: date, since: datetime) -> list[tuple[str, datetime]]:
    """The department's calls (window, moment) since `since` on `day`, oldest first: its pace."""
    query = (
        select(Event.window, Event.at)
        .where(
            Event.day == day,
            Event.kind == Kind.CALLED,
            Event.department == department,
            Event.at >= since,
            Event.window.is_not(None),
        )
        .order_by(Event.id)
    )
    return [(str(window), at) for window, at in s.execute(query)]


def at_windows(s: Session, department: str, day: date) -> int:
    """How many of the department's tickets are at a window now (called or being served)."""
    query = select(func.count()).where(
        Ticket.day == day, Ticket.department == department, Ticket.state.in_(sorted(AT_WINDOW))
    )
    return int(s.scalar(query) or 0)


def upcoming_slots(
    s: Session, department: str, day: date, now: datetime, grace: timedelta
) -> list[tuple[datetime, bool]]:
    """The department's booked visitors still to be called at their slot: (slot, checked in) for
    the checked-in ones whose slot is ahead, and for the bookings not checked in yet that still may
    be (their slot ahead, or begun less than `grace` ago)."""
    checked_in = select(Ticket.booked_at).where(
        Ticket.day == day,
        Ticket.department == department,
        Ticket.state == State.WAITING,
        Ticket.booked_at > now,
    )
    booked = select(Booking.at).where(
        Booking.day == day,
        Booking.department == department,
        Booking.state == BookingState.BOOKED,
        Booking.at > now - grace,
    )
    found = [(at, True) for at in s.scalars(checked_in) if at is not None]
    return found + [(max(at, now), False) for at in s.scalars(booked)]
