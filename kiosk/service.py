"""The queue service: the one API the CLI and every screen call (issue, call next, serve, transfer...).

Each method is one short transaction: the ticket row changes and an event row records who, where and
when. Screens never see SQL or ORM objects, only the frozen views from `kiosk.domain`. The work is
done in the parts under `kiosk.queue`; this class only joins them.
"""

from __future__ import annotations

from kiosk.queue.moves import Moves
from kiosk.queue.printlog import PrintLog
from kiosk.queue.reads import Reads


class QueueService(Moves, Reads, PrintLog):
    """Queue operations for one centre over one database: the day plan and housekeeping
    (`kiosk.queue.dayplan`, `.housekeeping`), issuing (`.issuing`), booked visits and their
    check-in (`.bookings`), the ticket moves (`.moves`), the read models (`.reads`) and the print
    log (`.printlog`)."""
