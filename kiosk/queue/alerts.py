"""The front desk's live alerts (`kiosk.domain.alerts` judges): today's waiting line, the windows
on a break and the windows busy, read in one transaction."""

from __future__ import annotations

from sqlalchemy import select

from kiosk.domain.alerts import Alert, Rule, Waiting, find_alerts
from kiosk.domain.events import WINDOW_PAUSES, Kind
from kiosk.domain.tickets import State
from kiosk.queue import sql
from kiosk.queue.base import QueueCore
from kiosk.storage.models import Event, Ticket


class Alerts(QueueCore):
    def alerts(self, departments: set[str] | None = None) -> list[Alert]:
        """The waits past the warning or the target now, and the lines that will take their last
        visitor past it; only `departments`' when given (a counter's)."""
        now, day = self.now(), self.today()
        waiting = (
            select(Ticket.id, Ticket.code, Ticket.department, Ticket.queued_at, Ticket.booked_at)
            .where(Ticket.day == day, Ticket.state == State.WAITING)
            .order_by(Ticket.department, *sql.queue_order(now))
        )
        at_windows = select(Ticket.window).where(
            Ticket.day == day, Ticket.state.in_([State.CALLED, State.SERVING]), Ticket.window.is_not(None)
        )
        pauses = (
            select(Event.window, Event.kind)
            .where(Event.day == day, Event.kind.in_(sorted(WINDOW_PAUSES)))
            .order_by(Event.id)
        )
        with self.db.read() as s:
            rows = s.execute(waiting).all()
            busy = {str(w) for w in s.scalars(at_windows)}
            last = {str(window): kind for window, kind in s.execute(pauses)}
        paused = {w for w, kind in last.items() if kind == Kind.WINDOW_PAUSED}
        lines: dict[str, list[Waiting]] = {}
        for ticket_id, code, department, queued_at, booked_at in rows:
            if departments is not None and department not in departments:
                continue
            since = max(queued_at, booked_at) if booked_at is not None else queued_at
            lines.setdefault(department, []).append(Waiting(ticket_id, code, since, booked_at is not None))
        return find_alerts(now, lines, self.alert_rules(), paused, busy)

    def alert_rules(self) -> dict[str, Rule]:
        """Each department's targets, and its pace today for the line's forecast."""
        settings = self.settings
        lead = settings.sla_minutes - settings.sla_warning_minutes
        rules = {}
        for d in self.catalogue.department:
            target = d.sla_minutes or settings.sla_minutes
            pace = self.pace(d.code)
            rules[d.code] = Rule(
                department=d.code,
                target=target,
                warning=max(1, target - lead),
                booked_target=settings.booked_sla_minutes,
                per_person=pace.per_person(d.typical_minutes),
                windows=tuple(d.windows),
                calling=pace.windows,
            )
        return rules
