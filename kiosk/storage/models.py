"""The tables: tickets, per-department day counters, the append-only event log, catalogue versions,
staff, and bookings (appointments)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from kiosk.domain.tickets import AT_WINDOW, OPEN_STATES


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on SQLite (no zones) as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; the core uses aware times")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Tickets that occupy a window, as literal SQL: the partial unique index and the queries that must
# use it share this one text.
OPEN_AT_WINDOW = "state IN ({})".format(", ".join(f"'{s.value}'" for s in sorted(AT_WINDOW)))
# Tickets not yet over: the day's rollover looks for past days' ones through a partial index as small
# as the open tickets themselves, however long the history.
OPEN_TICKETS = "state IN ({})".format(", ".join(f"'{s.value}'" for s in sorted(OPEN_STATES)))


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), dict[str, Any]: JSON()}


class Ticket(Base):
    """One visitor's ticket. `origin` is the issuing department (it owns the number);
    `department` is where the ticket is now, which a transfer changes."""

    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date]
    origin: Mapped[str] = mapped_column(String(32))
    number: Mapped[int]
    code: Mapped[str] = mapped_column(String(12))
    department: Mapped[str] = mapped_column(String(32))
    service: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(8))
    priority: Mapped[str | None] = mapped_column(String(32))
    rank: Mapped[int] = mapped_column(SmallInteger)  # 0 = priority right, 1 = everyone else
    interpreter: Mapped[bool]
    holder: Mapped[str | None] = mapped_column(String(64))  # keyed hash of a priority document
    state: Mapped[str] = mapped_column(String(16))
    window: Mapped[str | None] = mapped_column(String(8))
    issued_at: Mapped[datetime]
    queued_at: Mapped[datetime]
    called_at: Mapped[datetime | None]
    booked_at: Mapped[datetime | None]  # the booked slot's start, for a ticket given at check-in

    __table_args__ = (
        UniqueConstraint("day", "origin", "number"),
        Index("ix_tickets_queue", "day", "department", "state", "rank", "queued_at", "id"),
        Index("ix_tickets_booked", "day", "department", "state", "booked_at"),  # call-next's booked visitors
        Index("ix_tickets_day_code", "day", "code"),
    )


class Counter(Base):
    """The last number given by a department on a service day."""

    __tablename__ = "counters"

    department: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    last: Mapped[int]


class Event(Base):
    """Append-only log of every change; terminals follow it by id, statistics replay it."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    day: Mapped[date]
    kind: Mapped[str] = mapped_column(String(24))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    department: Mapped[str | None] = mapped_column(String(32))
    window: Mapped[str | None] = mapped_column(String(8))
    staff: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str | None] = mapped_column(String(16))
    data: Mapped[dict[str, Any]]

    __table_args__ = (
        Index("ix_events_ticket_id", "ticket_id"),
        Index("ix_events_day_kind", "day", "kind"),
        Index("ix_events_window", "day", "window", "kind", "id"),  # a window's last call and pause
    )


class StaffMember(Base):
    """Someone who signs in at a counter or the front desk. The PIN is kept only as an scrypt hash
    with its own salt; repeated failures lock the member out for a while."""

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))  # "staff" or "admin"
    pin_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool]
    failures: Mapped[int]
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime]


class ApiToken(Base):
    """A bearer token of the HTTP API (`kiosk token add`): only the SHA-256 of the token is kept. The
    token is 256 random bits, so a fast hash suffices (nobody can guess one to test against a stolen
    hash, unlike a PIN) and the hash is looked up directly by its unique index."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(String(16))  # "read" or "issue"
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    created_by: Mapped[str | None] = mapped_column(String(64))
    revoked_at: Mapped[datetime | None]


class CatalogueVersion(Base):
    """Each distinct catalogue `kiosk init` loaded; the newest is in force."""

    __tablename__ = "catalogues"

    id: Mapped[int] = mapped_column(primary_key=True)
    loaded_at: Mapped[datetime]
    digest: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(Text)
    body: Mapped[dict[str, Any]]


# Bookings that hold a seat of their slot (a cancelled one gives it back), and the ones still to
# check in (a code is unique among them), as literal SQL for the partial unique indexes.
SEATED_BOOKINGS = "state IN ('booked', 'checked_in', 'no_show')"
OPEN_BOOKINGS = "state = 'booked'"


class Booking(Base):
    """A visit booked for a slot of a service. `seat` is its place among the slot's `per_slot`: a
    unique index on (service, at, seat) over the bookings that hold a seat means two bookings made
    at the same moment can never overfill a slot, on any database. `name` and `phone` are optional
    personal data, emptied once the day is over (`Housekeeping.purge_booking_contacts`)."""

    __tablename__ = "bookings"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8))
    day: Mapped[date]  # the slot's local day
    at: Mapped[datetime]  # the slot's start
    service: Mapped[str] = mapped_column(String(32))
    department: Mapped[str] = mapped_column(String(32))
    seat: Mapped[int] = mapped_column(SmallInteger)
    language: Mapped[str] = mapped_column(String(8))
    name: Mapped[str | None] = mapped_column(String(80))
    phone: Mapped[str | None] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16))  # booked, checked_in, cancelled, no_show
    source: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), unique=True)

    __table_args__ = (
        Index("ix_bookings_day", "day", "department"),
        Index("ix_bookings_code", "code"),
    )


def _partial(name: str, table: Table, columns: list[str], where: str, unique: bool = False) -> None:
    Index(
        name,
        *(table.c[column] for column in columns),
        unique=unique,
        sqlite_where=text(where),
        postgresql_where=text(where),
    )


def schema() -> MetaData:
    """Every table with every index, the partial ones included. Those are attached here, not in the
    classes: naming `postgresql_where` makes SQLAlchemy import the PostgreSQL dialect and its drivers
    (a fifth of `kiosk issue`'s start on SQLite), and only the migrations and the schema check need
    them; the queries never do."""
    tickets, bookings = Base.metadata.tables["tickets"], Base.metadata.tables["bookings"]
    if "uq_tickets_one_per_window" not in {index.name for index in tickets.indexes}:
        # A window never holds two tickets at once, whatever two terminals do at the same moment.
        _partial("uq_tickets_one_per_window", tickets, ["day", "window"], OPEN_AT_WINDOW, unique=True)
        _partial("ix_tickets_open", tickets, ["day"], OPEN_TICKETS)
        _partial("uq_bookings_seat", bookings, ["service", "at", "seat"], SEATED_BOOKINGS, unique=True)
        _partial("uq_bookings_open_code", bookings, ["code"], OPEN_BOOKINGS, unique=True)
    return Base.metadata
