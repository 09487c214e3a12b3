"""The queue service: the one API the CLI and every screen call (issue, call next, serve, transfer...).

Each method is one short transaction: the ticket row changes and an event row records who, where and
when. Screens never see SQL or ORM objects, only the frozen views from `kiosk.domain.tickets`. The work is
done in the parts under `kiosk.queue`; this class only joins them.
"""

from __future__ import annotations

from kiosk.bookings.checkin import CheckIn
from kiosk.bookings.core import Bookings
from kiosk.bookings.imports import BookingImport
from kiosk.bookings.reads import BookingReads
from kiosk.queue.alerts import Alerts
from kiosk.queue.dayplan import DayPlanning
from kiosk.queue.housekeeping import Housekeeping
from kiosk.queue.issuing import Issuing
from kiosk.queue.moves import Moves
from kiosk.queue.printlog import PrintLog
from kiosk.queue.ratings import Ratings
from kiosk.queue.reads import Reads
from kiosk.queue.staff_time import StaffTimes


class QueueService(
    Moves,
    Bookings,
    BookingReads,
    CheckIn,
    BookingImport,
    Issuing,
    DayPlanning,
    Housekeeping,
    Reads,
    PrintLog,
    Ratings,
    Alerts,
    StaffTimes,
):
    """Queue operations for one centre over one database: the day plan and housekeeping
    (`kiosk.queue.dayplan`, `.housekeeping`), issuing (`.issuing`), booked visits, their check-in
    and their import (`kiosk.bookings`), the ticket moves (`.moves`), the read models (`.reads`),
    the print log (`.printlog`), the visitors' ratings (`.ratings`), the front desk's live alerts
    (`.alerts`) and the staff's time (`.staff_time`). Each part stands on
    `kiosk.queue.base` alone (the booking parts on `kiosk.bookings.base`, which stands on it); what
    one asks of another is declared there."""
