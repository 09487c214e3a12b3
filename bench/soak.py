"""A simulated day, compressed into minutes: kiosk, window and display processes on one database
with a realistic mix (arrivals peaking in the morning, priority rights, no-shows, transfers). At the
end every ticket is accounted for exactly once, no number was given twice, no ticket was called while
another window held it, the display saw every call, and the statistics agree with the events.
With `Plan.printer_faults` every kiosk prints on a loopback ESC/POS printer that goes offline, runs out
of paper, hangs and drops a job mid-stream at random moments: every ticket must still be saved, every
print outcome recorded, and every fault an event.

    python -m bench.soak [--seconds 120] [--visitors N] [--pg postgresql://postgres@127.0.0.1:5432/test]

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
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from harness.loadgen import START_TIMEOUT, StartSignal, run_together
from harness.loopback import REASON_OF, FaultSchedule
from kiosk.config import Settings
from kiosk.errors import KioskError
from kiosk.events import Kind
from kiosk.follow import EventFollower
from kiosk.runtime import initialise, open_service
from kiosk.storage.models import Event, Ticket
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

    @property
    def scale(self) -> float:
        """Seconds of this run per second of the real 12-hour day."""
        return self.seconds / DAY_SECONDS


def day_plan(seconds: float, kiosks: int, windows: list[str], **options: Any) -> Plan:
    """A plan whose windows are busy most of the day, as in a real centre: as many visitors as the
    windows can serve in 12 hours at 80 % of their time, with visits of `service_minutes`."""
    low, high = options.get("service_minutes", (3.0, 13.0))
    visitors = options.pop("visitors", int(len(windows) * DAY_SECONDS / 60 / ((low + high) / 2) * 0.8))
    return Plan(seconds, kiosks, windows, visitors, **options)


def _kiosk(values: dict[str, Any], plan: Plan, seed: int, start: StartSignal) -> dict[str, Any]:
    service = open_service(Settings(**values))
    printer = TicketPrinter(service, plan.printer_url, timeout=1.0) if plan.printer_url else None
    outcomes: dict[str, int] = defaultdict(int)
    rng = random.Random(seed)
    start.wait(START_TIMEOUT)
    departments = {d for w in plan.windows for d in service.catalogue.departments_of_window(w)}
    codes = [s.code for d in service.catalogue.department if d.code in departments for s in d.service]
    priorities = [p.code for p in service.catalogue.priority]
    started = time.monotonic()
    issued: list[int] = []
    per_kiosk = plan.visitors / plan.kiosks
    while (elapsed := time.monotonic() - started) < plan.seconds:
        hour = min(11, int(elapsed / plan.seconds * 12))
        rate = per_kiosk * HOURLY[hour] / sum(HOURLY) / (plan.seconds / 12)  # tickets per second
        time.sleep(rng.expovariate(rate))
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
    return {"issued": issued, "prints": dict(outcomes)}


def _window(values: dict[str, Any], plan: Plan, window: str, seed: int, start: StartSignal) -> dict[str, Any]:
    service = open_service(Settings(**values))
    rng = random.Random(seed)
    others = sorted({d for w in plan.windows for d in service.catalogue.departments_of_window(w)})
    served = no_shows = transfers = 0
    start.wait(START_TIMEOUT)
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
            time.sleep(rng.uniform(*plan.service_minutes) * 60 * plan.scale)  # the visit, compressed
            if roll < 0.15:
                target = rng.choice([d for d in others if d != ticket.department] or others)
                service.transfer(ticket.id, target, staff=f"clerk-{window}")
                transfers += 1
            else:
                service.finish(window=window)
                served += 1
        except KioskError:
            continue
    return {"window": window, "served": served, "no_shows": no_shows, "transfers": transfers}


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
    """One terminal process of the day: kiosk `index`, window `plan.windows[index]` or the display."""
    if kind == "kiosk":
        return _kiosk(values, plan, 100 + index, start)
    if kind == "window":
        return _window(values, plan, plan.windows[index], 200 + index, start)
    return _display(values, plan, start)


def run(values: dict[str, Any], plan: Plan) -> dict[str, Any]:
    """Run the day on the database in `values` (Settings fields) and return figures and checks."""
    settings = Settings(**values)
    initialise(settings)
    seed = random.randrange(1 << 30) if plan.seed is None else plan.seed
    faults = FaultSchedule(plan.seconds, seed=seed) if plan.printer_faults else None
    if faults is not None:
        plan = dataclasses.replace(plan, printer_url=faults.printer.url)
    jobs = [("kiosk", values, plan, i) for i in range(plan.kiosks)]
    jobs += [("window", values, plan, i) for i in range(len(plan.windows))]
    jobs.append(("display", values, plan, 0))
    try:  # the day begins when every terminal is up
        results, seconds = run_together(
            _terminal, jobs, plan.seconds + 120, faults.start if faults is not None else None
        )
    finally:
        if faults is not None:
            faults.stop()
    kiosks, windows, display = results[: plan.kiosks], results[plan.kiosks : -1], results[-1]
    issued = [ticket for kiosk in kiosks for ticket in kiosk["issued"]]
    prints: dict[str, int] = defaultdict(int)
    for kiosk in kiosks:
        for outcome, count in kiosk["prints"].items():
            prints[outcome] += count
    report = check(settings, plan, issued, windows, display, seconds)
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
    seen = {kind: reasons.get(REASON_OF[kind], 0) for kind in injected}
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
    return None if seconds is None else round(seconds / plan.scale / 60, 1)


def check(
    settings: Settings,
    plan: Plan,
    issued: list[int],
    windows: list[dict[str, Any]],
    display: list[int],
    seconds: float,
) -> dict[str, Any]:
    service = open_service(settings)
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
    stats = service.stats()
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
        "issue_rate_per_s": round(len(issued) / seconds, 1),
    }
    service.db.dispose()
    report["ok"] = (
        report["accounted_once"]
        and report["duplicate_numbers"] == 0
        and report["called_while_held"] == 0
        and report["display_saw_every_call"]
        and report["stats_agree"]
    )
    return report


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--visitors", type=int, help="tickets in the day (default: a realistic day)")
    args = parser.parse_args()
    more = {"visitors": args.visitors} if args.visitors else {}
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = {
            "data_dir": tmp,
            "database_url": f"sqlite:///{Path(tmp) / 's.sqlite3'}",
            "open_around_the_clock": True,
        }
        report = run(sqlite, day_plan(args.seconds, 2, ["1", "3", "6", "9"], printer_faults=True, **more))
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
                    day_plan(args.seconds, 4, windows, printer_faults=True, **more),
                )
                print("postgresql (4 kiosks, 12 windows, 1 display):", json.dumps(report, indent=1))
                ok &= bool(report["ok"])
        finally:
            with psycopg.connect(args.pg, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
