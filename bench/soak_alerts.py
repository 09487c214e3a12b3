"""The soak day's front desk: a process that watches the live alerts all day as the desk's alert list
does (`QueueService.alerts`), and the check after: every walk-in who waited past the target had been
warned of before the breach, every alert went once its ticket was called, and how often the line's
forecast came before a breach."""

from __future__ import annotations

import time
from collections import defaultdict
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from harness.loadgen import START_TIMEOUT, StartSignal
from kiosk.config import Settings
from kiosk.domain.alerts import AlertKind
from kiosk.errors import KioskError
from kiosk.runtime import open_service

if TYPE_CHECKING:
    from bench.soak import DayClock, Plan
    from kiosk.storage.models import Event, Ticket

POLL = 0.02  # seconds between two looks at the alerts
CLEARED = 1.0  # seconds of real time a call may take to be committed and seen (a busy SQLite waits)
JUDGED_SECONDS = 0.5  # the warning's lead (target minus warning) must last this long in real time
# for the warnings to be judged: on a shorter day a look every POLL, on a loaded machine, may miss it


def desk(values: dict[str, Any], plan: Plan, clock: DayClock, start: StartSignal) -> dict[str, Any]:
    """Each ticket's alert in each department: when first and last seen (day time); each
    department's line alerts: the moments they were seen. A moment is taken before the look: the
    alert held by then or later."""
    service = open_service(Settings(**values), clock)
    tickets: dict[tuple[int, str], list[datetime]] = {}  # a transferred ticket waits again elsewhere
    lines: dict[str, list[datetime]] = defaultdict(list)
    start.wait(START_TIMEOUT)
    clock.begin()
    began = time.monotonic()
    while time.monotonic() - began < plan.seconds:
        at = clock.now()
        try:
            alerts = service.alerts()
        except KioskError:
            alerts = []
        for alert in alerts:
            if alert.ticket_id is not None:
                tickets.setdefault((alert.ticket_id, alert.department), [at, at])[1] = at
            elif alert.kind == AlertKind.LINE:
                lines[alert.department].append(at)
        time.sleep(POLL)
    service.db.dispose()
    return {"tickets": {k: tuple(v) for k, v in tickets.items()}, "lines": dict(lines), "until": clock.now()}


def check_alerts(
    service: Any,
    plan: Plan,
    events: list[Event],
    tickets: dict[int, Ticket],
    seen: dict[str, Any],
    slack: timedelta,
) -> dict[str, Any]:
    """A walk-in's first wait, from its issue to its first call (or the day's end): past its
    department's target by more than `slack`, it breached; its alert must have been seen by the
    breach. Once called, its alert must be gone within `CLEARED` real seconds. Judged (part of the
    day's checks) only when the warning's lead lasts `JUDGED_SECONDS` of real time."""
    stays: dict[int, tuple[datetime, datetime | None, str]] = {}  # walk-in -> since, until, department
    for e in events:
        ticket = tickets[int(e.ticket_id or 0)]
        if ticket.booked_at is not None or e.state is None:
            continue
        first = stays.get(int(ticket.id))
        if first is None and e.state == "waiting":
            stays[int(ticket.id)] = (e.at, None, str(e.department or ticket.department))
        elif first is not None and first[1] is None and e.state != "waiting":
            stays[int(ticket.id)] = (first[0], e.at, first[2])
    cleared = max(slack, timedelta(seconds=CLEARED / plan.scale))
    warned = breaches = forecast = 0
    lingering = 0
    seen_tickets: dict[tuple[int, str], tuple[datetime, datetime]] = seen["tickets"]
    for ticket_id, (since, until, department) in stays.items():
        breach = since + timedelta(seconds=service.sla_seconds(department))
        if breach + slack >= seen["until"]:
            continue  # the desk stopped watching before the breach
        looked = seen_tickets.get((ticket_id, department))
        if until is not None and looked is not None and looked[1] > until + cleared:
            lingering += 1  # still shown long after the call
        if until is not None and until <= breach + slack:
            continue
        breaches += 1
        warned += looked is not None and looked[0] <= breach + slack
        forecast += any(since <= at <= breach for at in seen["lines"].get(department, []))
    lead = (service.settings.sla_minutes - service.settings.sla_warning_minutes) * 60 * plan.scale
    report: dict[str, Any] = {
        "alerts_breaches": breaches,
        "alerts_warned_before_breach": warned,
        "alerts_left_after_the_call": lingering,
        "line_forecast_before_breach_share": round(forecast / breaches, 2) if breaches else None,
        "alerts_judged": lead >= JUDGED_SECONDS,
    }
    report["alerts_ok"] = warned == breaches and lingering == 0
    return report
