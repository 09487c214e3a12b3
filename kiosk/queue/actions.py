"""The one table of ticket actions, read by the CLI, the counter, the front desk and the phone's
routes: each action's name, its CLI command, the queue service's method behind it (the function
itself, called with the service), its label (translated where shown), its keys at the counter and
the front desk, the role it needs and the CLI's words for it once done. Beside it the booking
actions, read by the CLI and the desk's Bookings pane, in the same shape without keys. Headless: no
terminal code here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from kiosk.bookings.core import Bookings
from kiosk.domain.tickets import BookingView, TicketView
from kiosk.presentation.i18n import N_
from kiosk.queue.issuing import Issuing
from kiosk.queue.moves import Moves

if TYPE_CHECKING:
    from kiosk.queue.base import TicketRef
    from kiosk.service import QueueService

Role = Literal["staff", "admin", "visitor"]  # "visitor": whoever holds the ticket's signed token


@dataclass(frozen=True)
class TicketAction:
    name: str
    command: str | None  # `kiosk <command>`, if the CLI has it
    run: Callable[..., Any] | None  # the service's method, given the service first (None: reprint,
    # which the terminal's printer does)
    label: str  # N_(): translated where it is shown
    counter_key: str | None
    desk_key: str | None
    role: Role
    done: str  # the CLI's English words once done: "P-001 recalled"


ACTIONS = (
    TicketAction("call", "call", Moves.call_next, N_("Call next"), "f1", None, "staff", "called"),
    TicketAction("recall", "recall", Moves.recall, N_("Recall"), "f2", None, "staff", "recalled"),
    TicketAction("start", "start", Moves.start, N_("Start"), "f3", None, "staff", "being served"),
    TicketAction("finish", "finish", Moves.finish, N_("Finish"), "f4", None, "staff", "finished"),
    TicketAction("no_show", "no-show", Moves.no_show, N_("No-show"), "f5", None, "staff", "marked no-show"),
    TicketAction("hold", "hold", Moves.hold, N_("Hold"), "f6", None, "staff", "put on hold"),
    TicketAction("transfer", "transfer", Moves.transfer, N_("Transfer"), "f7", "f3", "staff", "transferred"),
    TicketAction(
        "return",
        "return",
        Moves.return_to_queue,
        N_("Return to queue"),
        "f8",
        None,
        "staff",
        "returned to the queue",
    ),
    TicketAction("issue", "issue", Issuing.issue, N_("Issue by hand"), None, "f2", "staff", "issued"),
    TicketAction(
        "priority", None, Moves.change_priority, N_("Priority"), None, "f4", "admin", "priority changed"
    ),
    TicketAction("cancel", "cancel", Moves.cancel, N_("Cancel"), None, "f5", "admin", "cancelled"),
    TicketAction("reprint", "reprint", None, N_("Reprint"), None, "f6", "staff", "reprinted"),
    TicketAction("quick", None, Moves.quick_transaction, N_("Quick answer"), None, "f7", "staff", "answered"),
    TicketAction(
        "send",
        "call",
        Moves.call,  # `kiosk call TICKET --override`
        N_("Send to window"),
        None,
        "f8",
        "admin",
        "called",
    ),
    # The visitor's own, on the phone's ticket page (web.app): the same labels as the page's.
    TicketAction(
        "on_my_way", None, Moves.on_my_way, N_("I'm on my way"), None, None, "visitor", "on the way"
    ),
    TicketAction("leave", None, Moves.leave, N_("Leave the queue"), None, None, "visitor", "left the queue"),
)


def _fkey(key: str | None) -> int:
    """F-keys in their order on the keyboard (f2 before f10)."""
    return int((key or "f0").removeprefix("f"))


BY_NAME = {action.name: action for action in ACTIONS}
COUNTER = tuple(sorted((a for a in ACTIONS if a.counter_key), key=lambda a: _fkey(a.counter_key)))
DESK = tuple(sorted((a for a in ACTIONS if a.desk_key), key=lambda a: _fkey(a.desk_key)))
# Moves of the ticket at a window (or a named one): the same call shape on the service.
WINDOW_MOVES = tuple(BY_NAME[n] for n in ("recall", "start", "finish", "no_show", "hold", "return"))


def move(
    service: QueueService, action: TicketAction, ref: TicketRef | None, window: str | None, staff: str | None
) -> TicketView:
    """Run one of the `WINDOW_MOVES` on the ticket `ref`, or on the one at `window`."""
    if action not in WINDOW_MOVES:
        raise ValueError(f"{action.name} is not a move of the ticket at a window")
    assert action.run is not None
    ticket = action.run(service, ref, window=window, staff=staff)
    assert isinstance(ticket, TicketView)
    return ticket


@dataclass(frozen=True)
class BookingAction:
    """A booking action: as a `TicketAction`, without keys (the desk's Bookings pane has buttons)."""

    name: str
    command: str | None  # `kiosk <command>`, if the CLI has it
    run: Callable[..., BookingView]  # the service's method, given the service first
    label: str  # N_(): the desk's button
    role: Role
    done: str  # the CLI's English words once done: "booking KMT74X cancelled"


BOOK = BookingAction("book", "book", Bookings.book, N_("Book"), "staff", "booked")
MOVE_BOOKING = BookingAction("move_booking", None, Bookings.move_booking, N_("Move"), "staff", "moved")
CANCEL_BOOKING = BookingAction(
    "cancel_booking", "unbook", Bookings.cancel_booking, N_("Cancel the booking"), "staff", "cancelled"
)
BOOKING_ACTIONS = (BOOK, MOVE_BOOKING, CANCEL_BOOKING)
