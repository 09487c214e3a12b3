"""The event log's vocabulary: every kind of event, the typed payload each kind carries, and the sets
of kinds the readers take (ticket moves, calls, print outcomes, the day plan...).

Kinds are a `StrEnum`, so stored rows read unchanged and `event.kind == "called"` still holds. A
payload is stored as the JSON object it always was: a field with a default is left out while it has
that default (unless it is marked `always`), and a trailing underscore is dropped from the key
(`from_` is stored as "from"). Pure: no database here (the printer uses it); the one writer is
`kiosk.storage.journal.record`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from kiosk.domain.payload import Payload, PayloadError, always

if TYPE_CHECKING:
    from kiosk.domain.tickets import EventView


class Kind(StrEnum):
    # Ticket moves: `kiosk.domain.tickets.MOVES` says which state each may start from and lead to.
    ISSUED = "issued"
    CALLED = "called"
    RECALLED = "recalled"
    STARTED = "started"
    FINISHED = "finished"
    NO_SHOW = "no_show"
    HELD = "held"
    RETURNED = "returned"
    TRANSFERRED = "transferred"
    CANCELLED = "cancelled"
    CLOSED = "closed"
    # Other changes to a ticket, and its printing.
    PRIORITY_CHANGED = "priority_changed"
    ON_MY_WAY = "on_my_way"  # the called visitor said so on the phone; the counter shows it
    RATED = "rated"  # the visitor rated the served ticket (`kiosk.domain.ratings`): one per ticket
    PRINTED = "printed"
    REPRINTED = "reprinted"
    PRINT_FAILED = "print_failed"
    # The day, its plan and the windows.
    DAY_CLOSED = "day_closed"
    DEPARTMENT_CLOSED = "department_closed"
    DEPARTMENT_OPENED = "department_opened"
    LAST_TICKET_SET = "last_ticket_set"
    WINDOW_PAUSED = "window_paused"
    WINDOW_RESUMED = "window_resumed"
    CATALOGUE_LOADED = "catalogue_loaded"
    # Staff and the kiosk's way out.
    STAFF_ADDED = "staff_added"
    STAFF_PIN_CHANGED = "staff_pin_changed"
    STAFF_ENABLED = "staff_enabled"
    STAFF_DISABLED = "staff_disabled"
    STAFF_ROLE_CHANGED = "staff_role_changed"
    SIGNED_IN = "signed_in"
    STAFF_LOCKED = "staff_locked"
    EXIT_PIN_REFUSED = "exit_pin_refused"
    EXIT_PIN_TOO_SOON = "exit_pin_too_soon"  # a try while the terminal waits; its PIN not looked at
    KIOSK_CLOSED = "kiosk_closed"
    CHECKIN_CODE_REFUSED = "checkin_code_refused"  # a code typed or scanned at a kiosk that is no booking
    CHECKIN_TOO_SOON = "checkin_too_soon"  # a code while the kiosk waits after wrong ones: not looked at
    # The HTTP API's bearer tokens (`kiosk token`).
    TOKEN_ADDED = "token_added"
    TOKEN_REVOKED = "token_revoked"
    # Booked visits (`kiosk.bookings.core`); the row's department is the booking's, its day the day
    # it happened. No name or phone is ever written here.
    BOOKED = "booked"
    BOOKING_MOVED = "booking_moved"
    BOOKING_CANCELLED = "booking_cancelled"
    CHECKED_IN = "checked_in"
    BOOKING_NO_SHOW = "booking_no_show"


# The sets readers take --------------------------------------------------------------------------

TICKET_MOVES = frozenset(
    {Kind.ISSUED, Kind.CALLED, Kind.RECALLED, Kind.STARTED, Kind.FINISHED, Kind.NO_SHOW, Kind.HELD,
     Kind.RETURNED, Kind.TRANSFERRED, Kind.CANCELLED, Kind.CLOSED}
)  # fmt: skip
CALLS = frozenset({Kind.CALLED, Kind.RECALLED})  # bring a visitor to a window
PRINT_OUTCOMES = frozenset({Kind.PRINTED, Kind.REPRINTED, Kind.PRINT_FAILED})
DAY_PLAN = frozenset({Kind.DEPARTMENT_CLOSED, Kind.DEPARTMENT_OPENED, Kind.LAST_TICKET_SET})
WINDOW_PAUSES = frozenset({Kind.WINDOW_PAUSED, Kind.WINDOW_RESUMED})
DAY_CHANGES = DAY_PLAN | WINDOW_PAUSES  # what the front desk's Day tab shows
# Moves that change who waits where (the display's waiting counts).
WAITING_CHANGES = frozenset(
    {Kind.ISSUED, Kind.CALLED, Kind.RETURNED, Kind.TRANSFERRED, Kind.CANCELLED, Kind.CLOSED, Kind.NO_SHOW}
)
COUNTED = frozenset({Kind.ISSUED, Kind.FINISHED, Kind.NO_SHOW, Kind.CANCELLED})  # the day's counts
BOOKINGS = frozenset(
    {Kind.BOOKED, Kind.BOOKING_MOVED, Kind.BOOKING_CANCELLED, Kind.CHECKED_IN, Kind.BOOKING_NO_SHOW}
)  # the day's appointments changed (the front desk's list)


# Payloads ---------------------------------------------------------------------------------------


class Empty(Payload):
    """Nothing more than the row's own columns (department, window, staff)."""


@dataclass(frozen=True)
class Issued(Payload):
    service: str
    language: str
    source: str  # "kiosk", "desk", "cli", "api"...
    terminal: str | None = None  # stored since the per-terminal priority limit; older rows lack it
    priority: str | None = None
    interpreter: bool = False
    token: str | None = None  # the API token's name, for a ticket issued through the HTTP API
    booking: str | None = None  # the booking's code, for a ticket given at check-in
    booked_at: str | None = None  # its slot's start (ISO 8601): booked waits count from it
    request_key: str | None = None  # the API client's Idempotency-Key: a retry answers with this ticket
    quoted: int | None = None  # the wait in minutes the visitor was told; older rows lack it


@dataclass(frozen=True)
class Called(Payload):
    """A call or recall; `override`: why the front desk sent it to a window not of its department."""

    code: str
    override: str | None = None
    language: str | None = None  # the ticket's, for the hall's call in it; older rows lack it


@dataclass(frozen=True)
class Moved(Payload):
    """Started, finished, no-show, held, returned. `quick`: a question answered at the front desk;
    `reason` and `window`: a stale call released by housekeeping."""

    quick: bool = False
    reason: str | None = None
    window: str | None = None


@dataclass(frozen=True)
class Transferred(Payload):
    from_: str
    to: str
    service: str
    note: str | None = None  # personal data: purged after `note_days`
    note_purged: bool = False


@dataclass(frozen=True)
class Cancelled(Payload):
    """`source`: where the cancellation came from when not a staff member ("phone": the visitor)."""

    reason: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class FromSource(Payload):
    """A visitor's own word about the ticket, and where it came from ("phone")."""

    source: str


@dataclass(frozen=True)
class Rated(Payload):
    """A visitor's rating of a served ticket: `score` 1-5 and `reasons` (codes of
    `kiosk.domain.ratings.REASONS`; no free text), the window and staff member who served it (the
    row's window is that window too), and where it came from: "phone", or "cli" for a rating given
    on paper and recorded at the front desk (the row's staff is then who recorded it)."""

    score: int
    reasons: list[str]
    source: str
    window: str | None = None
    served_by: str | None = None


@dataclass(frozen=True)
class Closed(Payload):
    reason: str


@dataclass(frozen=True)
class PriorityChanged(Payload):
    from_: str | None
    to: str | None
    reason: str


@dataclass(frozen=True)
class Printed(Payload):
    printer: str = always("")
    job: str | None = None


@dataclass(frozen=True)
class PrintFailed(Payload):
    """`reason`: a code of `printer.transports.REASONS`."""

    printer: str = always("")
    reason: str | None = always(None)
    message: str = always("")
    reprint: bool = always(False)
    job: str | None = None


@dataclass(frozen=True)
class DayClosed(Payload):
    closed: int


@dataclass(frozen=True)
class LastTicketSet(Payload):
    last_ticket: str | None  # "HH:MM", or None: back to the catalogue's


@dataclass(frozen=True)
class Paused(Payload):
    """A window's break: `reason`, a code of the catalogue's `pause_reason` list (breaks recorded
    before reasons were asked for have none)."""

    reason: str | None = None


@dataclass(frozen=True)
class CatalogueLoaded(Payload):
    catalogue: int
    digest: str


@dataclass(frozen=True)
class StaffNamed(Payload):
    name: str


@dataclass(frozen=True)
class StaffWithRole(Payload):
    """`resumed`: a sign-in a restarted terminal took up again (kiosk.security.sessions)."""

    name: str
    role: str
    resumed: bool = False


@dataclass(frozen=True)
class TokenNamed(Payload):
    """An API token by its name and scope (never the token itself)."""

    name: str
    scope: str


@dataclass(frozen=True)
class AtTerminal(Payload):
    terminal: str


@dataclass(frozen=True)
class WrongTry(AtTerminal):
    """A wrong exit PIN or check-in code at a terminal: the how-manieth in a row (exit PINs) or in the
    last minutes (check-in codes). Never the PIN or the code itself."""

    wrong_in_a_row: int


@dataclass(frozen=True)
class Booking(Payload):
    """A booking made, cancelled or closed as a no-show: its code, service, slot start (ISO 8601)
    and who made or changed it (`source`: "cli", "desk", "import", "api"...; `token`: the API token's
    name, for one made or cancelled through the HTTP API)."""

    code: str
    service: str
    at: str
    source: str | None = None
    token: str | None = None
    request_key: str | None = None  # the API client's Idempotency-Key: a retry answers with this one


@dataclass(frozen=True)
class BookingMoved(Payload):
    code: str
    service: str
    from_: str
    to: str
    source: str | None = None


@dataclass(frozen=True)
class CheckedIn(Payload):
    """A booking checked in: the ticket it gave (`ticket_id`, `number`)."""

    code: str
    service: str
    at: str
    ticket_id: int
    number: str
    source: str | None = None


PAYLOADS: dict[Kind, type[Payload]] = {
    Kind.ISSUED: Issued,
    Kind.CALLED: Called,
    Kind.RECALLED: Called,
    Kind.STARTED: Moved,
    Kind.FINISHED: Moved,
    Kind.NO_SHOW: Moved,
    Kind.HELD: Moved,
    Kind.RETURNED: Moved,
    Kind.TRANSFERRED: Transferred,
    Kind.CANCELLED: Cancelled,
    Kind.CLOSED: Closed,
    Kind.PRIORITY_CHANGED: PriorityChanged,
    Kind.ON_MY_WAY: FromSource,
    Kind.RATED: Rated,
    Kind.PRINTED: Printed,
    Kind.REPRINTED: Printed,
    Kind.PRINT_FAILED: PrintFailed,
    Kind.DAY_CLOSED: DayClosed,
    Kind.DEPARTMENT_CLOSED: Empty,
    Kind.DEPARTMENT_OPENED: Empty,
    Kind.LAST_TICKET_SET: LastTicketSet,
    Kind.WINDOW_PAUSED: Paused,
    Kind.WINDOW_RESUMED: Empty,
    Kind.CATALOGUE_LOADED: CatalogueLoaded,
    Kind.STAFF_ADDED: StaffWithRole,
    Kind.STAFF_PIN_CHANGED: StaffNamed,
    Kind.STAFF_ENABLED: StaffNamed,
    Kind.STAFF_DISABLED: StaffNamed,
    Kind.STAFF_ROLE_CHANGED: StaffWithRole,
    Kind.SIGNED_IN: StaffWithRole,
    Kind.STAFF_LOCKED: StaffNamed,
    Kind.EXIT_PIN_REFUSED: WrongTry,
    Kind.EXIT_PIN_TOO_SOON: WrongTry,
    Kind.KIOSK_CLOSED: AtTerminal,
    Kind.CHECKIN_CODE_REFUSED: WrongTry,
    Kind.CHECKIN_TOO_SOON: WrongTry,
    Kind.TOKEN_ADDED: TokenNamed,
    Kind.TOKEN_REVOKED: TokenNamed,
    Kind.BOOKED: Booking,
    Kind.BOOKING_MOVED: BookingMoved,
    Kind.BOOKING_CANCELLED: Booking,
    Kind.CHECKED_IN: CheckedIn,
    Kind.BOOKING_NO_SHOW: Booking,
}


def kind_of(text: str) -> Kind:
    try:
        return Kind(text)
    except ValueError:
        raise PayloadError(f"no event kind {text!r}") from None


def check_payload(kind: Kind, payload: Payload) -> None:
    """Refuse a payload of another kind's shape (the writer calls this)."""
    expected = PAYLOADS[kind]
    if type(payload) is not expected:
        raise PayloadError(f"a {kind} event carries {expected.__name__}, not {type(payload).__name__}")


def read_payload(kind: str, data: Mapping[str, Any]) -> Payload:
    """The typed payload of a stored row's kind and data."""
    return PAYLOADS[kind_of(kind)].from_data(data)


def payload_of(event: EventView) -> Payload:
    """The typed payload of an event a reader was handed (narrow it with `isinstance`)."""
    return read_payload(event.kind, event.data)
