"""The queue's domain model: ticket states, the actions that move between them, and the views
(plain frozen dataclasses) that the service hands to the CLI, the printer and the screens."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from kiosk.domain.events import Kind


class State(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    ON_HOLD = "on_hold"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    CLOSED = "closed"


class BookingState(StrEnum):
    BOOKED = "booked"  # still to check in
    CHECKED_IN = "checked_in"  # its ticket was given
    CANCELLED = "cancelled"  # its seat is free again
    NO_SHOW = "no_show"  # its day ended with no check-in


SEATED = (BookingState.BOOKED, BookingState.CHECKED_IN, BookingState.NO_SHOW)  # they hold a seat


def booking_late(at: datetime, now: datetime, grace_minutes: int) -> bool:
    """Whether check-in for a slot starting `at` has closed at `now`: more than the grace time after
    its start (the kiosk then offers a walk-in ticket; the desk shows the booking as late)."""
    return now > at + timedelta(minutes=grace_minutes)


OPEN_STATES = frozenset({State.WAITING, State.CALLED, State.SERVING, State.ON_HOLD})
AT_WINDOW = frozenset({State.CALLED, State.SERVING})


@dataclass(frozen=True)
class Move:
    """The states an action may start from and the state it leads to."""

    sources: frozenset[State]
    target: State


MOVES: dict[Kind, Move] = {  # the ticket moves of `kiosk.domain.events.Kind`
    Kind.CALLED: Move(frozenset({State.WAITING, State.ON_HOLD}), State.CALLED),
    Kind.RECALLED: Move(frozenset({State.CALLED}), State.CALLED),
    Kind.STARTED: Move(frozenset({State.CALLED}), State.SERVING),
    Kind.FINISHED: Move(frozenset({State.SERVING}), State.DONE),
    Kind.NO_SHOW: Move(frozenset({State.CALLED}), State.NO_SHOW),
    Kind.HELD: Move(frozenset({State.CALLED, State.SERVING}), State.ON_HOLD),
    Kind.RETURNED: Move(frozenset({State.CALLED, State.ON_HOLD, State.NO_SHOW}), State.WAITING),
    Kind.TRANSFERRED: Move(OPEN_STATES, State.WAITING),
    Kind.CANCELLED: Move(frozenset({State.WAITING, State.CALLED, State.ON_HOLD}), State.CANCELLED),
    Kind.CLOSED: Move(OPEN_STATES, State.CLOSED),
}


def ticket_code(prefix: str, number: int) -> str:
    """P + 7 -> 'P-007' (wider numbers keep all their digits: 'P-1234')."""
    return f"{prefix}-{number:03d}"


# How the readers of a language say each printed capital of a ticket's prefix, written as the word
# their voice reads right. A letter not listed is left to the voice, which says it as the readers of
# en, tr, ro, ms and vi do (espeak-ng's phonemes: tr "pe", "he", "ce"; vi "pê", "hát", "xê").
# Ukrainian and Russian readers read the letters that look Cyrillic (A B C E H I K M O P T X Y) as
# those Cyrillic letters: P "ер", H "ен", C "ес", B "ве", Y "у"; the others by their Latin names (S
# "ес", F "еф"). Their voices would say "pee" and "aitch". So some letters sound alike (C and S, P and
# R, H and N, B and V, Y and U): the catalogue can tell them apart (`Department.spoken`), and
# `kiosk announce` notes a clash.
LETTER_NAMES: dict[str, dict[str, str]] = {
    "uk": dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", (
        "а", "ве", "ес", "де", "е", "еф", "ге", "ен", "і", "йот", "ка", "ел", "ем", "ен", "о", "ер",
        "ку", "ер", "ес", "те", "у", "ве", "дубль-ве", "ха", "у", "зет",
    ), strict=True)),
    "ru": dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", (
        "а", "вэ", "эс", "дэ", "е", "эф", "гэ", "эн", "и", "йот", "ка", "эль", "эм", "эн", "о", "эр",
        "кю", "эр", "эс", "тэ", "у", "вэ", "дубль-вэ", "ха", "у", "зэт",
    ), strict=True)),
    "vi": {"Y": "i dài"},  # its voice says I and Y alike ("i"); readers call Y "i dài", the long i
}  # fmt: skip


def spoken_prefix(prefix: str, lang: str) -> str:
    """A prefix as the readers of `lang` say it, letter by letter: 'P' -> 'ер' in uk, 'P' in en
    ('PA' -> 'P A': a voice reads two letters together as a word)."""
    names = LETTER_NAMES.get(lang, {})
    return " ".join(names.get(letter, letter) for letter in prefix)


def spoken_number(code: str, lang: str = "en", prefix: str | None = None) -> str:
    """'P-007' -> 'P 7' in en, 'ер 7' in uk: the way the hall hears it. `prefix`: how this ticket's
    prefix is said in `lang` where the catalogue says so (`Catalogue.spoken_number` passes it)."""
    letters, _, number = code.partition("-")
    if not number.isdigit():
        return code
    return f"{prefix or spoken_prefix(letters, lang)} {int(number)}"


_CODE = re.compile(r"^\s*([A-Za-z]{1,2})\s*-?\s*([0-9]{1,5})\s*$")


def parse_ticket_code(text: str) -> str | None:
    """'p7', 'P-7', 'P 007' -> 'P-007'; None when the text is not a ticket number."""
    match = _CODE.match(text)
    if not match:
        return None
    return ticket_code(match.group(1).upper(), int(match.group(2)))


@dataclass(frozen=True)
class TicketView:
    """A ticket as the terminals see it. Times are aware UTC datetimes."""

    id: int
    code: str
    number: int
    day: date
    origin: str
    department: str
    service: str
    language: str
    priority: str | None
    interpreter: bool
    state: State
    window: str | None
    issued_at: datetime
    queued_at: datetime
    called_at: datetime | None
    windows: tuple[str, ...] = ()
    booked_at: datetime | None = None  # the booked slot's start, for a ticket given at check-in


def minutes_until(until: datetime, now: datetime) -> int:
    """Whole minutes from `now` to `until`, rounded up, at least 1."""
    return max(1, math.ceil((until - now).total_seconds() / 60))


def rank_of(priority: str | None) -> int:
    """A ticket's rank in the queue: 0 with a priority right, 1 for everyone else."""
    return 1 if priority is None else 0


def queue_order(ticket: TicketView, now: datetime | None = None) -> tuple[int, datetime, datetime, int]:
    """The calling order (`kiosk.queue.sql.queue_order`, the same rule in SQL): priority rights
    first; then booked visitors whose slot has begun at `now`, by slot time; then everyone else by
    place in the line (`queued_at`); then id. Without `now` no booking counts as due. (Call-next
    may put walk-ins before due bookings for one call: `kiosk.bookings.core`' starvation guard.)"""
    due = now is not None and ticket.booked_at is not None and ticket.booked_at <= now
    group = 0 if ticket.priority is not None else (1 if due else 2)
    first = ticket.booked_at if due and ticket.booked_at is not None and group == 1 else ticket.queued_at
    return group, first, ticket.queued_at, ticket.id


@dataclass(frozen=True)
class Issued:
    """The result of issuing: the ticket, how many are ahead, the estimated wait and the QR payload."""

    ticket: TicketView
    ahead: int
    wait_minutes: int
    qr: str


@dataclass(frozen=True)
class EventView:
    """One row of the append-only event log."""

    id: int
    at: datetime
    day: date
    kind: str
    ticket_id: int | None
    department: str | None
    window: str | None
    staff: str | None
    state: str | None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TicketStatus:
    """A ticket as its visitor follows it on the phone: where it stands in its line, the estimated
    wait, its recalls, whether the visitor said they are on their way (since the latest call), and
    the department it was last transferred from."""

    ticket: TicketView
    ahead: int
    wait_minutes: int
    recalls: int = 0
    last_recall_at: datetime | None = None
    on_my_way: bool = False
    transferred_from: str | None = None
    called_about: datetime | None = None  # a booked visitor checked in early: called when the slot begins
    rating: int | None = None  # the visitor's rating (1-5) of the served ticket, once given


@dataclass(frozen=True)
class BookingView:
    """A booked visit as the desk, the kiosk and the CLI see it. `at` is the slot's start (aware UTC);
    `ticket` the number its check-in gave."""

    id: int
    code: str
    day: date
    at: datetime
    service: str
    department: str
    language: str
    state: BookingState
    source: str
    created_at: datetime
    name: str | None = None
    phone: str | None = None
    ticket_id: int | None = None
    ticket: str | None = None


@dataclass(frozen=True)
class SlotView:
    """One slot of a service: its start (aware UTC), how many visitors it holds and how many more."""

    at: datetime
    capacity: int
    free: int
