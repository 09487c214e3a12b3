"""A simulated day, compressed into minutes: kiosk, window and display processes on one database
with a realistic mix (arrivals peaking in the morning, priority rights, no-shows, transfers). At the
end every ticket is accounted for exactly once, no number was given twice, no ticket was called while
another window held it, the display saw every call, and the statistics agree with the events.
With `Plan.printer_faults` every kiosk prints on a loopback ESC/POS printer that goes offline, runs out
of paper, hangs and drops a job mid-stream at random moments: every ticket must still be saved, every
print outcome recorded, and every fault an event.
With `Plan.bookings` (a share of the visitors, a quarter in `main`) the day runs on a `DayClock` (the
real day's 08:00 to 20:00 of a coming weekday, compressed) and booked visitors are mixed into the
arrivals: booked the day before into free slots, most arriving on time, some early (refused, they come
back when told), some late (refused, they take a walk-in ticket), some never. Then also no slot is
overbooked, every check-in is a ticket marked with its slot, the end-of-day close leaves no booking
open, and no window called two booked visitors in a row while a walk-in waited past the SLA.

    python -m bench.soak [--seconds 120] [--visitors N] [--bookings 0.25] [--pg postgresql://postgres@127.0.0.1:5432/test]

runs a day on SQLite (2 kiosks, 4 windows) and one on PostgreSQL (4 kiosks, 12 windows), and prints
the figures and whether every check held. By default the windows are busy about 80 % of the day
(see `day_plan`); --visitors overloads them on purpose, for a stress run.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bench.soak_alerts import check_alerts, desk
from harness.loadgen import START_TIMEOUT, StartSignal, run_together
from harness.loopback import REASON_OF, FaultSchedule
from kiosk.clock import FixedClock
from kiosk.config import Settings
from kiosk.domain.events import Kind
from kiosk.domain.ratings import REASONS, RatingRefused, RatingSummary
from kiosk.domain.tickets import Issued
from kiosk.errors import BookingRefused, KioskError, SlotUnavailable
from kiosk.follow import EventFollower
from kiosk.runtime import initialise, open_service
from kiosk.storage.models import Booking, Event, Ticket
from printer.printing import TicketPrinter

# Share of the day's visitors arriving in each of its 12 hours (08:00 to 20:00): a morning peak.
HOURLY = [6, 12, 14, 12, 9, 7, 8, 9, 8, 6, 5, 4]
DAY_SECONDS = 12 * 3600


@dataclass(frozen=True)
class Plan:
    seconds: float  # the length of the compressed day
    kiosks: int
    windows: list[str]
    visitors: int  # about how many tickets the kiosks issue in all
    printer_faults: bool = False  # print every ticket on a loopback printer that fails now and then
    printer_url: str = ""  # set by run() when printer_faults
    seed: int | None = None  # of the fault moments; None: a new one each run (the report gives it)
    service_minutes: tuple[float, float] = (3.0, 13.0)  # a visit at a window, in the real day's minutes
    bookings: float = 0.0  # the share of visitors who booked; > 0: the day runs on a DayClock
    day: date | None = None  # the booked day (set by run() when bookings)
    booked: tuple[tuple[float, str, str], ...] = ()  # (arrival, day seconds after 08:00; code; kind)

    @property
    def scale(self) -> float:
        """Seconds of this run per second of the real 12-hour day."""
        return self.seconds / DAY_SECONDS


class DayClock:
    """The day's clock, compressed: 08:00 of `day` in `zone` when `begin()` is called (the start
    signal), then running `1 / scale` times as fast as the wall clock."""

    def __init__(self, day: date, zone: ZoneInfo, scale: float) -> None:
        self.start = datetime.combine(day, clock_time(8, 0), tzinfo=zone)
        self.scale = scale
        self.origin = time.monotonic()

    def begin(self) -> None:
        self.origin = time.monotonic()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=(time.monotonic() - self.origin) / self.scale)


def _open(values: dict[str, Any], plan: Plan) -> tuple[Any, DayClock | None]:
    settings = Settings(**values)
    if plan.day is None:
        return open_service(settings), None
    clock = DayClock(plan.day, settings.zone, plan.scale)
    return open_service(settings, clock), clock


def day_plan(seconds: float, kiosks: int, windows: list[str], **options: Any) -> Plan:
    """A plan whose windows are busy most of the day, as in a real centre: as many visitors as the
    windows can serve in 12 hours at 80 % of their time, with visits of `service_minutes`."""
    low, high = options.get("service_minutes", (3.0, 13.0))
    visitors = options.pop("visitors", int(len(windows) * DAY_SECONDS / 60 / ((low + high) / 2) * 0.8))
    return Plan(seconds, kiosks, windows, visitors, **options)


def _kiosk(
    values: dict[str, Any], plan: Plan, seed: int, start: StartSignal, index: int = 0
) -> dict[str, Any]:
    service, clock = _open(values, plan)
    printer = TicketPrinter(service, plan.printer_url, timeout=1.0) if plan.printer_url else None
    outcomes: dict[str, int] = defaultdict(int)
    rng = random.Random(seed)
    # This kiosk's booked visitors: (real seconds into the run, code, kind), soonest first.
    booked = sorted((at * plan.scale, code, kind) for n, (at, code, kind) in enumerate(plan.booked)
                    if n % plan.kiosks == index)  # fmt: skip
    checked_in: dict[str, int] = {}
    refused: dict[str, int] = defaultdict(int)
    start.wait(START_TIMEOUT)
    if clock is not None:
        clock.begin()
    departments = {d for w in plan.windows for d in service.catalogue.departments_of_window(w)}
    codes = [s.code for d in service.catalogue.department if d.code in departments for s in d.service]
    priorities = [p.code for p in service.catalogue.priority]
    started = time.monotonic()
    issued: list[int] = []
    per_kiosk = plan.visitors * (1 - plan.bookings) / plan.kiosks  # walk-ins
    walk_in = 0.0
    while (elapsed := time.monotonic() - started) < plan.seconds:
        hour = min(11, int(elapsed / plan.seconds * 12))
        rate = per_kiosk * HOURLY[hour] / sum(HOURLY) / (plan.seconds / 12)  # tickets per second
        walk_in = max(walk_in, elapsed) + rng.expovariate(rate) if walk_in <= elapsed else walk_in
        if booked and booked[0][0] >= plan.seconds:
            booked.clear()  # they would come after closing: the end of the day makes them no-shows
        if booked and booked[0][0] <= walk_in:  # a booked visitor comes first
            due, code, _kind = booked.pop(0)
            time.sleep(max(0.0, due - (time.monotonic() - started)))
            ticket, retry = _check_in(service, code, refused)
            if ticket is not None:
                issued.append(ticket.ticket.id)
                if ticket.ticket.booked_at is not None:
                    checked_in[code] = ticket.ticket.id
                if printer is not None:
                    outcomes[printer.submit(ticket).result().reason or "printed"] += 1
            if retry is not None and clock is not None:  # early: back when the kiosk said
                back = (retry - clock.start).total_seconds() * plan.scale
                booked.append((back, code, "on_time"))
                booked.sort()
            continue
        time.sleep(max(0.0, walk_in - (time.monotonic() - started)))
        walk_in = 0.0
        try:
            ticket = service.issue(
                rng.choice(codes),
                language=rng.choice(["uk", "ru", "en", "tr", "ro", "ms", "vi"]),
                priority=rng.choice(priorities) if rng.random() < 0.1 else None,
                interpreter=rng.random() < 0.02,
                source="soak",  # a compressed day: the kiosk's few-minute priority limit would be hours
            )
        except KioskError:
            continue
        issued.append(ticket.ticket.id)
        if printer is not None:  # the kiosk shows the ticket and waits for the printer's answer
            result = printer.submit(ticket).result()
            outcomes[result.reason or "printed"] += 1
    if printer is not None:
        printer.close()
    return {"issued": issued, "prints": dict(outcomes), "checked_in": checked_in, "refused": dict(refused)}


def _check_in(service: Any, code: str, refused: dict[str, int]) -> tuple[Issued | None, datetime | None]:
    """A booked visitor at the kiosk: (its ticket, None), or for a refusal what the visitor does
    next: too early, come back at the time given (None, that time); too late, a walk-in ticket."""
    try:
        return service.check_in(code, source="soak"), None
    except BookingRefused as exc:
        refused[exc.reason] += 1
        if exc.reason == "too_early" and exc.come_back_at is not None:
            return None, exc.come_back_at
        if exc.reason == "too_late":
            booking = service.booking(code)
            try:
                return service.issue(booking.service, language=booking.language, source="soak"), None
            except KioskError:
                return None, None
        return None, None
    except KioskError:
        refused["other"] += 1
        return None, None


def _window(values: dict[str, Any], plan: Plan, window: str, seed: int, start: StartSignal) -> dict[str, Any]:
    service, clock = _open(values, plan)
    rng = random.Random(seed)
    others = sorted({d for w in plan.windows for d in service.catalogue.departments_of_window(w)})
    reasons = [r.code for r in service.catalogue.pause_reason]
    served = no_shows = transfers = 0
    rated: list[int] = []  # the scores given, as the visitors' phones give them
    refused: dict[str, int] = defaultdict(int)  # a second rating, or one before the finish
    tried: dict[str, int] = defaultdict(int)  # those tries, by the refusal each must get
    pauses: list[tuple[str, datetime, datetime]] = []  # reason, from, to (the window's clock)
    start.wait(START_TIMEOUT)
    if clock is not None:
        clock.begin()
    started = time.monotonic()
    while time.monotonic() - started < plan.seconds:
        try:
            ticket = service.call_next(window, staff=f"clerk-{window}")
        except KioskError:
            time.sleep(0.05)
            continue
        roll = rng.random()
        try:
            if roll < 0.08:
                time.sleep(120 * plan.scale)  # the clerk waits two minutes for nobody
                service.no_show(window=window)
                no_shows += 1
                continue
            service.start(window=window)
            if rng.random() < 0.05:  # a phone rating the visit before it is over
                tried["not_served"] += 1
                _rate(service, ticket.id, 5, rated, refused, rng)
            time.sleep(rng.uniform(*plan.service_minutes) * 60 * plan.scale)  # the visit, compressed
            if roll < 0.15:
                target = rng.choice([d for d in others if d != ticket.department] or others)
                service.transfer(ticket.id, target, staff=f"clerk-{window}")
                transfers += 1
            else:
                service.finish(window=window)
                served += 1
                if rng.random() < 0.35:  # a third of the visitors rate, a few of them twice
                    score = rng.choices([1, 2, 3, 4, 5], [1, 1, 2, 4, 4])[0]
                    _rate(service, ticket.id, score, rated, refused, rng)
                    if rng.random() < 0.2:
                        tried["rated"] += 1
                        _rate(service, ticket.id, score, rated, refused, rng)
            if rng.random() < 0.04:
                pauses.append(_pause(service, window, rng.choice(reasons), rng.uniform(3, 10), clock, plan))
        except KioskError:
            continue
    return {"window": window, "served": served, "no_shows": no_shows, "transfers": transfers,
            "rated": rated, "ratings_refused": dict(refused), "ratings_tried": dict(tried),
            "pauses": pauses}  # fmt: skip


def _rate(
    service: Any, ticket: int, score: int, rated: list[int], refused: dict[str, int], rng: random.Random
) -> None:
    """A visitor's phone rating `ticket`: noted in `rated` when taken, in `refused` by reason."""
    reasons = rng.sample(list(REASONS), rng.randint(0, 2))
    try:
        service.rate(ticket, score, reasons, source="phone")
        rated.append(score)
    except RatingRefused as exc:
        refused[exc.reason] += 1


def _pause(
    service: Any, window: str, reason: str, minutes: float, clock: DayClock | None, plan: Plan
) -> tuple[str, datetime, datetime]:
    """A break of about `minutes` day minutes at `window`: its reason, and when it began and ended by
    the window's own clock, from the moment the break was taken to the moment it ended."""
    now = clock.now if clock is not None else (lambda: datetime.now(UTC))
    service.pause_window(window, True, staff=f"clerk-{window}", reason=reason)
    began = now()
    try:
        time.sleep(minutes * 60 * plan.scale)
    finally:
        ended = now()
        service.pause_window(window, False, staff=f"clerk-{window}")
    return reason, began, ended


def _display(values: dict[str, Any], plan: Plan, start: StartSignal) -> list[int]:
    service = open_service(Settings(**values))
    follower = EventFollower(service, after=0)
    start.wait(START_TIMEOUT)
    seen: set[int] = set()
    deadline = time.monotonic() + plan.seconds + 3  # the day, and a moment to catch up
    while time.monotonic() < deadline:
        for event in follower.poll():
            if event.kind == Kind.CALLED:
                seen.add(event.id)
        time.sleep(0.5)
    return sorted(seen)


def _terminal(kind: str, values: dict[str, Any], plan: Plan, index: int, start: StartSignal) -> Any:
    """One terminal process of the day: kiosk `index`, window `plan.windows[index]`, the display, or
    the front desk watching the alerts (a day on the day clock only)."""
    if kind == "kiosk":
        return _kiosk(values, plan, 100 + index, start, index)
    if kind == "window":
        return _window(values, plan, plan.windows[index], 200 + index, start)
    if kind == "desk":
        assert plan.day is not None
        return desk(values, plan, DayClock(plan.day, Settings(**values).zone, plan.scale), start)
    return _display(values, plan, start)


def book_day(settings: Settings, plan: Plan, seed: int) -> Plan:
    """The evening before a coming weekday, book `plan.bookings` of its visitors into free slots of
    the windows' services that take appointments, and plan their arrivals: 70 % on time (10 minutes
    early to 5 late), 10 % too early (30 to 60 minutes), 10 % too late (15 to 40), 10 % never."""
    rng = random.Random(seed)
    zone = settings.zone
    day = datetime.now(zone).date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    clock = FixedClock(datetime.combine(day - timedelta(days=1), clock_time(18, 0), tzinfo=zone))
    service = open_service(settings, clock)
    departments = {d for w in plan.windows for d in service.catalogue.departments_of_window(w)}
    codes = [s.code for d in service.catalogue.department if d.code in departments for s in d.service
             if s.appointments is not None]  # fmt: skip
    seats = [
        (code, slot.at) for code in codes for slot in service.free_slots(code, day) for _ in range(slot.free)
    ]
    start = datetime.combine(day, clock_time(8, 0), tzinfo=zone)
    booked: list[tuple[float, str, str]] = []
    for code, at in rng.sample(seats, min(len(seats), round(plan.visitors * plan.bookings))):
        try:
            local = at.astimezone(zone).replace(tzinfo=None)
            made = service.book(code, local, rng.choice(["uk", "en", "ru"]), source="soak")
        except SlotUnavailable:
            continue
        roll = rng.random()
        kind, minutes = (
            ("on_time", rng.uniform(-10, 5)) if roll < 0.7
            else ("early", -rng.uniform(30, 60)) if roll < 0.8
            else ("late", rng.uniform(15, 40)) if roll < 0.9
            else ("no_show", 0.0)
        )  # fmt: skip
        if kind != "no_show":
            arrival = (at - start).total_seconds() + minutes * 60
            booked.append((max(0.0, arrival), made.code, kind))
    service.db.dispose()
    return dataclasses.replace(plan, day=day, booked=tuple(booked))


def run(values: dict[str, Any], plan: Plan) -> dict[str, Any]:
    """Run the day on the database in `values` (Settings fields) and return figures and checks."""
    settings = Settings(**values)
    initialise(settings)
    seed = random.randrange(1 << 30) if plan.seed is None else plan.seed
    if plan.bookings > 0:
        plan = book_day(settings, plan, seed)
    faults = FaultSchedule(plan.seconds, seed=seed) if plan.printer_faults else None
    if faults is not None:
        plan = dataclasses.replace(plan, printer_url=faults.printer.url)
    jobs = [("kiosk", values, plan, i) for i in range(plan.kiosks)]
    jobs += [("window", values, plan, i) for i in range(len(plan.windows))]
    jobs.append(("display", values, plan, 0))
    if plan.day is not None:  # the alerts' minutes are the day's
        jobs.append(("desk", values, plan, 0))
    try:  # the day begins when every terminal is up
        results, seconds = run_together(
            _terminal, jobs, plan.seconds + 120, faults.start if faults is not None else None
        )
    finally:
        if faults is not None:
            faults.stop()
    kiosks, rest = results[: plan.kiosks], results[plan.kiosks :]
    windows, display, watched = (
        rest[: len(plan.windows)],
        rest[len(plan.windows)],
        rest[len(plan.windows) + 1 :],
    )
    issued = [ticket for kiosk in kiosks for ticket in kiosk["issued"]]
    prints: dict[str, int] = defaultdict(int)
    for kiosk in kiosks:
        for outcome, count in kiosk["prints"].items():
            prints[outcome] += count
    report = check(settings, plan, issued, windows, display, seconds)
    if plan.day is not None:
        checked_in = {code: ticket for kiosk in kiosks for code, ticket in kiosk["checked_in"].items()}
        refused: dict[str, int] = defaultdict(int)
        for kiosk in kiosks:
            for reason, count in kiosk["refused"].items():
                refused[reason] += count
        report.update(check_bookings(settings, plan, issued, checked_in, dict(refused)))
        report["ok"] = report["ok"] and report["bookings_ok"]
    if watched:
        report.update(alerts_report(settings, plan, watched[0]))
        report["ok"] = report["ok"] and (report["alerts_ok"] or not report["alerts_judged"])
    if faults is not None:
        report["fault_seed"] = seed
        report.update(
            check_printing(settings, issued, dict(prints), faults.injected, faults.printer.completed)
        )
        report["ok"] = report["ok"] and report["printing_ok"]
    return report


def check_printing(
    settings: Settings, issued: list[int], prints: dict[str, int], injected: dict[str, int], received: int
) -> dict[str, Any]:
    """Every issued ticket saved with exactly one print outcome; every failure the kiosks saw is a
    `print_failed` event the front desk sees; each kind of fault injected (FaultSchedule.injected)
    happened; nothing counted as printed that the printer did not receive whole (`received`)."""
    service = open_service(settings)
    with service.db.read() as s:
        rows = s.execute(
            select(Event.ticket_id, Event.kind, Event.data).where(
                Event.kind.in_((Kind.PRINTED, Kind.PRINT_FAILED))
            )
        ).all()
        days = set(s.scalars(select(Ticket.day).distinct()))
    flagged = set().union(*(service.print_faults(day) for day in days))  # the front desk's list
    service.db.dispose()
    outcomes: dict[int, int] = defaultdict(int)
    reasons: dict[str, int] = defaultdict(int)
    for ticket_id, kind, data in rows:
        outcomes[int(ticket_id)] += 1
        if kind == Kind.PRINT_FAILED:
            reasons[str((data or {}).get("reason"))] += 1
    failed = sum(n for outcome, n in prints.items() if outcome != "printed")
    printed_events = sum(1 for _, kind, _ in rows if kind == Kind.PRINTED)
    seen = {kind: reasons.get(REASON_OF[kind], 0) for kind, spells in injected.items() if spells}
    report: dict[str, Any] = {
        "printer_faults_injected": injected,
        "print_failures_by_reason": dict(sorted(reasons.items())),
        "tickets_printed": printed_events,
        "printer_received_whole": received,
        "every_ticket_one_print_outcome": all(outcomes.get(t) == 1 for t in issued)
        and len(outcomes) == len(issued),
        "every_failure_an_event": sum(reasons.values()) == failed
        and prints.get("printed", 0) == printed_events,
        "every_fault_kind_seen": all(seen.values()),
        "front_desk_sees_every_failed_ticket": flagged
        == {int(t) for t, kind, _ in rows if kind == Kind.PRINT_FAILED},
        "printed_only_if_received": printed_events <= received,
    }
    report["printing_ok"] = all(
        report[k]
        for k in (
            "every_ticket_one_print_outcome",
            "every_failure_an_event",
            "every_fault_kind_seen",
            "front_desk_sees_every_failed_ticket",
            "printed_only_if_received",
        )
    )
    return report


def _day_minutes(seconds: float | None, plan: Plan) -> float | None:
    """A wait in the real day's minutes (a DayClock's times are the real day's already)."""
    if seconds is None:
        return None
    return round(seconds / (1.0 if plan.day is not None else plan.scale) / 60, 1)


def _closing(settings: Settings, plan: Plan) -> Any:
    """The service as the end of the day sees it (the booked day's 20:00, or now)."""
    if plan.day is None:
        return open_service(settings)
    return open_service(
        settings, FixedClock(datetime.combine(plan.day, clock_time(20, 0), tzinfo=settings.zone))
    )


SLA_SLACK = timedelta(minutes=1)  # the terminals' clocks start a few day seconds apart...
CLOCK_SKEW = 0.2  # ...or, on a short day under load, up to this many real seconds apart


def alerts_report(settings: Settings, plan: Plan, seen: dict[str, Any]) -> dict[str, Any]:
    """The front desk's alerts through the day against the waits (`bench.soak_alerts`)."""
    service = _closing(settings, plan)
    with service.db.read() as s:
        tickets = {int(t.id): t for t in s.scalars(select(Ticket))}
        events = s.scalars(select(Event).where(Event.ticket_id.is_not(None)).order_by(Event.id)).all()
    slack = max(SLA_SLACK, timedelta(seconds=CLOCK_SKEW / plan.scale))
    report = check_alerts(service, plan, list(events), tickets, seen, slack)
    service.db.dispose()
    return report


def check_bookings(
    settings: Settings, plan: Plan, issued: list[int], checked_in: dict[str, int], refused: dict[str, int]
) -> dict[str, Any]:
    """The booked visitors' checks, after the end-of-day close: no slot holds more than its seats;
    every check-in the kiosks saw is the booking's ticket, marked with its slot and among the issued;
    no booking is left open (no-shows closed); and no window called two booked visitors in a row
    while a walk-in of its departments had waited past the SLA (the guard's rule, README "Booked
    visits")."""
    assert plan.day is not None
    service = _closing(settings, plan)
    service.close_day(plan.day)
    with service.db.read() as s:
        bookings = s.scalars(select(Booking).where(Booking.day == plan.day)).all()
        tickets = {int(t.id): t for t in s.scalars(select(Ticket))}
        events = s.scalars(select(Event).where(Event.ticket_id.is_not(None)).order_by(Event.id)).all()
    seats: dict[tuple[str, datetime], int] = defaultdict(int)
    for b in bookings:
        if b.state in ("booked", "checked_in", "no_show"):
            seats[(b.service, b.at)] += 1
    per_slot = {s.code: s.appointments.per_slot for d in service.catalogue.department for s in d.service
                if s.appointments is not None}  # fmt: skip
    overbooked = sum(1 for (code, _at), n in seats.items() if n > per_slot[code])
    used = {b.code: b for b in bookings if b.state == "checked_in"}
    issued_set = set(issued)
    accounted = set(used) == set(checked_in) and all(
        b.ticket_id == checked_in[code]
        and b.ticket_id in issued_set
        and tickets[b.ticket_id].booked_at is not None
        and tickets[b.ticket_id].booked_at == b.at
        for code, b in used.items()
    )
    slack = max(SLA_SLACK, timedelta(seconds=CLOCK_SKEW / plan.scale))  # day time of the clocks' skew
    starved, in_a_row = _starved_calls(service, events, tickets, slack)
    states: dict[str, int] = defaultdict(int)
    for b in bookings:
        states[b.state] += 1
    booked_tickets = [t for t in tickets.values() if t.booked_at is not None]
    stats = service.stats(plan.day)
    service.db.dispose()
    report: dict[str, Any] = {
        "bookings": len(bookings),
        "bookings_by_state": dict(sorted(states.items())),
        "check_ins_refused": dict(sorted(refused.items())),
        "slots_overbooked": overbooked,
        "every_check_in_accounted": accounted and len(booked_tickets) == len(used),
        "no_booking_left_open": states.get("booked", 0) == 0,
        "booked_after_booked_calls": in_a_row,
        "booked_after_booked_while_walk_ins_past_sla": starved,
        "booked_wait_median_day_minutes": _day_minutes(stats.total.booked_wait.median, plan),
        "booked_wait_p90_day_minutes": _day_minutes(stats.total.booked_wait.p90, plan),
        "walk_in_wait_median_day_minutes": _day_minutes(stats.total.walk_in_wait.median, plan),
        "walk_in_wait_p90_day_minutes": _day_minutes(stats.total.walk_in_wait.p90, plan),
        "booked_seen_within_5_min": stats.total.booked_in_time_share,
    }
    report["bookings_ok"] = (
        overbooked == 0
        and report["every_check_in_accounted"]
        and report["no_booking_left_open"]
        and starved == 0
    )
    return report


def _starved_calls(
    service: Any, events: list[Event], tickets: dict[int, Ticket], slack: timedelta = SLA_SLACK
) -> tuple[int, int]:
    """Calls of a booked visitor at a window whose previous call was a booked visitor too, while a
    walk-in of one of the window's departments had been waiting longer than its SLA (plus `slack`);
    and all calls of a booked visitor after a booked one at the same window. A walk-in counts only if
    it still waited `slack` after the call: windows claim at the same moments on PostgreSQL, and
    another window's call of that walk-in may be written a little after this one."""
    stays: list[tuple[datetime, datetime | None, str]] = []  # a walk-in's wait: from, until, department
    open_stay: dict[int, int] = {}  # walk-in ticket -> its wait in `stays` while it waits
    doubles: list[tuple[datetime, str]] = []  # booked calls after a booked call: when, window
    last_booked: dict[str, bool] = {}
    for e in events:
        ticket = tickets[int(e.ticket_id or 0)]
        booked = ticket.booked_at is not None
        if e.kind == Kind.CALLED and e.window is not None:
            if booked and last_booked.get(e.window):
                doubles.append((e.at, e.window))
            last_booked[e.window] = booked
        if booked or e.state is None:
            continue
        if e.state == "waiting":
            if int(ticket.id) not in open_stay:
                open_stay[int(ticket.id)] = len(stays)
                stays.append((e.at, None, str(e.department or ticket.department)))
        elif (i := open_stay.pop(int(ticket.id), None)) is not None:
            stays[i] = (stays[i][0], e.at, stays[i][2])
    starved = 0
    for at, window in doubles:
        mine = set(service.catalogue.departments_of_window(window))
        starved += any(
            dept in mine
            and at - since > timedelta(seconds=service.sla_seconds(dept)) + slack
            and (until is None or until > at + slack)
            for since, until, dept in stays
        )
    return starved, len(doubles)


def check(
    settings: Settings,
    plan: Plan,
    issued: list[int],
    windows: list[dict[str, Any]],
    display: list[int],
    seconds: float,
) -> dict[str, Any]:
    service = _closing(settings, plan)
    with service.db.read() as s:
        tickets = s.scalars(select(Ticket)).all()
        events = s.scalars(select(Event).where(Event.ticket_id.is_not(None)).order_by(Event.id)).all()
        duplicates = s.execute(
            select(Ticket.day, Ticket.origin, Ticket.number, func.count())
            .group_by(Ticket.day, Ticket.origin, Ticket.number)
            .having(func.count() > 1)
        ).all()
    calls = [e.id for e in events if e.kind == Kind.CALLED]
    history: dict[int, list[Event]] = defaultdict(list)
    for event in events:
        history[int(event.ticket_id or 0)].append(event)
    double_calls = 0
    for ticket_events in history.values():
        state = None
        for event in ticket_events:
            if event.kind == Kind.CALLED and state not in ("waiting", "on_hold"):
                double_calls += 1  # called while another window still held it
            if event.state is not None:
                state = event.state
    stats = service.stats(plan.day)
    report = {
        "seconds": round(seconds, 1),
        "tickets_issued": len(issued),
        "tickets_in_database": len(tickets),
        "accounted_once": sorted(issued) == sorted(t.id for t in tickets),
        "duplicate_numbers": len(duplicates),
        "calls": len(calls),
        "called_while_held": double_calls,
        "display_saw_every_call": sorted(calls) == sorted(display),
        "served": sum(w["served"] for w in windows),
        "no_shows": sum(w["no_shows"] for w in windows),
        "transfers": sum(w["transfers"] for w in windows),
        "stats_agree": stats.total.issued == len(tickets)
        and stats.total.served == sum(1 for e in events if e.kind == "finished")
        and stats.total.no_shows == sum(1 for e in events if e.kind == "no_show"),
        "wait_median_day_minutes": _day_minutes(stats.total.wait.median, plan),
        "wait_p90_day_minutes": _day_minutes(stats.total.wait.p90, plan),
        "wait_max_day_minutes": _day_minutes(stats.total.wait.max, plan),
        # the waits quoted at issue against the calls that came (the clock runs the day's minutes)
        "quotes": stats.total.quoted,
        "quote_error_day_minutes": None
        if stats.total.quote_error is None
        else round(stats.total.quote_error, 1),
        "quoted_within_5_min_share": None
        if stats.total.quoted_within_share is None
        else round(stats.total.quoted_within_share, 3),
        "issue_rate_per_s": round(len(issued) / seconds, 1),
    }
    report.update(check_ratings_and_pauses(service, plan, windows))
    if plan.day is None:  # a compressed real clock: waits are not in the minutes the quotes were
        for key in ("quote_error_day_minutes", "quoted_within_5_min_share"):
            report[key] = None
    service.db.dispose()
    report["ok"] = (
        report["accounted_once"]
        and report["duplicate_numbers"] == 0
        and report["called_while_held"] == 0
        and report["display_saw_every_call"]
        and report["stats_agree"]
        and report["ratings_agree"]
        and report["pauses_agree"]
    )
    return report


def check_ratings_and_pauses(service: Any, plan: Plan, windows: list[dict[str, Any]]) -> dict[str, Any]:
    """The visitors' ratings the windows' phones gave are the day's rating figures (count, mean, per
    window), and every early or second rating was refused for its reason; each clerk's breaks, by
    reason, are their staff time's pauses: at least as long as the clerk measured them and at most
    a slack longer per break (the events are written just outside the clerk's own measure)."""
    day = plan.day or service.today()
    figures = service.ratings(day)
    scores = [score for w in windows for score in w["rated"]]
    refused: dict[str, int] = defaultdict(int)
    tried: dict[str, int] = defaultdict(int)
    for w in windows:
        for reason, n in w["ratings_refused"].items():
            refused[reason] += n
        for reason, n in w["ratings_tried"].items():
            tried[reason] += n
    per_window = all(
        figures.windows.get(w["window"], RatingSummary()).count == len(w["rated"]) for w in windows
    )
    ratings_agree = (
        figures.total.count == len(scores)
        and (not scores or abs((figures.total.mean or 0) - sum(scores) / len(scores)) < 1e-9)
        and per_window
        and dict(refused) == dict(tried)
    )
    slack = max(SLA_SLACK, timedelta(seconds=CLOCK_SKEW / plan.scale)).total_seconds()
    times = {t.staff: t for t in service.staff_time(day)}
    end = service.now()  # the day's end as the staff time takes it (the check's clock: 20:00)
    pauses_agree = True
    for w in windows:
        measured: dict[str, list[float]] = defaultdict(list)
        for reason, began, ended in w["pauses"]:  # a break past the day's end counts to its end
            measured[reason].append(max(0.0, (min(ended, end) - began).total_seconds()))
        kept = times.get(f"clerk-{w['window']}")
        found = kept.pauses if kept is not None else {}
        pauses_agree &= set(found) == set(measured) and all(
            sum(lengths) - 1 <= found[reason] <= sum(lengths) + slack * len(lengths)
            for reason, lengths in measured.items()
        )
    return {
        "ratings": len(scores),
        "ratings_mean": round(sum(scores) / len(scores), 2) if scores else None,
        "ratings_refused": dict(sorted(refused.items())),
        "ratings_agree": ratings_agree,
        "pauses": sum(len(w["pauses"]) for w in windows),
        "pauses_agree": pauses_agree,
    }


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--visitors", type=int, help="tickets in the day (default: a realistic day)")
    parser.add_argument(
        "--bookings", type=float, default=0.25, help="the share of visitors who booked (0: none)"
    )
    args = parser.parse_args()
    more = {"visitors": args.visitors} if args.visitors else {}
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = {
            "data_dir": tmp,
            "database_url": f"sqlite:///{Path(tmp) / 's.sqlite3'}",
            "open_around_the_clock": True,
        }
        plan = day_plan(
            args.seconds, 2, ["1", "3", "6", "9"], printer_faults=True, bookings=args.bookings, **more
        )
        report = run(sqlite, plan)
        print("sqlite (2 kiosks, 4 windows, 1 display):", json.dumps(report, indent=1))
        ok &= bool(report["ok"])
    if args.pg and args.pg != "none":
        import psycopg

        name = f"kiosk_soak_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(args.pg, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = args.pg.rsplit("/", 1)[0] + f"/{name}"
        try:
            with tempfile.TemporaryDirectory() as tmp:
                windows = [str(w) for w in range(1, 13)]
                report = run(
                    {"data_dir": tmp, "database_url": url, "open_around_the_clock": True},
                    day_plan(args.seconds, 4, windows, printer_faults=True, bookings=args.bookings, **more),
                )
                print("postgresql (4 kiosks, 12 windows, 1 display):", json.dumps(report, indent=1))
                ok &= bool(report["ok"])
        finally:
            with psycopg.connect(args.pg, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
