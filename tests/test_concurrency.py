"""Concurrency with real processes (multiprocessing "spawn") on a SQLite file and on PostgreSQL: many
kiosks issuing at once never share or skip a number, and windows calling at once never share a ticket."""

from __future__ import annotations

from collections import Counter as Tally
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from harness import loadgen
from kiosk.config import Settings
from kiosk.runtime import initialise, open_service
from kiosk.service import QueueService
from kiosk.storage.models import Counter, Event, Ticket
from tests.conftest import create_pg_database, drop_pg_database, make_settings

# Real processes and timing: run in turn with the others of the group, on one worker (pyproject).
pytestmark = pytest.mark.xdist_group("processes")

# One service in each of four departments; every process cycles over them in this order.
SERVICES = ["info-general", "housing-subsidy", "pension-new", "job-register"]
DEPARTMENTS = ["info", "social-policy", "pensions", "employment"]
PROCESSES = 8
PER_PROCESS = {"sqlite": 200, "postgresql": 250}  # 1,600 and 2,000 tickets in all

CALL_WINDOWS = ["6", "7", "8", "21"]  # the pensions windows, plus a fourth one for this test
WAITING = 400
OTHERS_WAITING = 20


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(kind, database URL): a temporary SQLite file or a fresh PostgreSQL database."""
    kind = str(request.param)
    if kind == "sqlite":
        yield kind, f"sqlite:///{tmp_path / 'kiosk.sqlite3'}"
        return
    url = create_pg_database()
    try:
        yield kind, url
    finally:
        drop_pg_database(url)


def _open(settings: Settings) -> QueueService:
    initialise(settings)
    return open_service(settings)  # the real clock, like the worker processes


@pytest.mark.slow
def test_concurrent_issue_gives_every_number_once_without_gaps(
    backend: tuple[str, str], tmp_path: Path
) -> None:
    kind, url = backend
    settings = make_settings(tmp_path, url, open_around_the_clock=True)
    service = _open(settings)
    per_process = PER_PROCESS[kind]
    try:
        jobs = [(settings.model_dump(), per_process, SERVICES) for _ in range(PROCESSES)]
        results, _elapsed = loadgen.run_together(loadgen.issue_many, jobs)

        got = [row for rows in results for row in rows]
        assert len(got) == PROCESSES * per_process
        assert all(len(rows) == per_process for rows in results)
        assert len({ticket_id for ticket_id, *_ in got}) == len(got), "two workers got the same ticket id"

        with service.db.read() as s:
            tickets = {t.id: (t.day, t.origin, t.number, t.state) for t in s.scalars(select(Ticket)).all()}
            issued_events = Tally(s.scalars(select(Event.ticket_id).where(Event.kind == "issued")).all())
            counters = {(c.day, c.department): c.last for c in s.scalars(select(Counter)).all()}
        assert len(tickets) == len(got)

        # Every ticket a worker got back is in the database as it was handed out, with one `issued` event.
        for ticket_id, origin, number, latency in got:
            assert ticket_id in tickets, f"ticket {ticket_id} handed out but not in the database"
            _day, db_origin, db_number, state = tickets[ticket_id]
            assert (db_origin, db_number, state) == (origin, number, "waiting")
            assert issued_events[ticket_id] == 1
            assert latency > 0
        assert sum(issued_events.values()) == len(got)

        # No (day, origin, number) twice; per department exactly 1..N, and the counter stands at N.
        keys = Tally((day, origin, number) for day, origin, number, _state in tickets.values())
        assert [key for key, n in keys.items() if n > 1] == []
        by_department: dict[tuple[object, str], list[int]] = {}
        for day, origin, number, _state in tickets.values():
            by_department.setdefault((day, origin), []).append(number)
        totals: Tally[str] = Tally()
        for (day, origin), numbers in by_department.items():
            assert sorted(numbers) == list(range(1, len(numbers) + 1)), f"gap or repeat in {origin}"
            assert counters[(day, origin)] == len(numbers)
            totals[origin] += len(numbers)
        assert len(counters) == len(by_department)
        planned = {
            origin: PROCESSES * len(range(i, per_process, len(SERVICES)))
            for i, origin in enumerate(DEPARTMENTS)
        }
        assert totals == Tally(origin for _id, origin, _number, _latency in got) == planned
        # The service's own day view shows the same tickets (a run across midnight spans two days).
        days = {day for day, _origin in by_department}
        assert {t.id for day in days for t in service.day_view(day)} == set(tickets)
    finally:
        service.db.dispose()


def _catalogue_with_four_pension_windows(tmp_path: Path) -> Path:
    shipped = Settings().catalogue_path.read_text(encoding="utf-8")
    line = 'windows = ["6", "7", "8"]'
    assert shipped.count(line) == 1, "the shipped catalogue changed: adjust this test"
    path = tmp_path / "catalogue.toml"
    path.write_text(shipped.replace(line, 'windows = ["6", "7", "8", "21"]'), encoding="utf-8")
    return path


@pytest.mark.slow
def test_windows_calling_at_once_never_share_a_ticket(backend: tuple[str, str], tmp_path: Path) -> None:
    _kind, url = backend
    settings = make_settings(
        tmp_path,
        url,
        open_around_the_clock=True,
        catalogue=_catalogue_with_four_pension_windows(tmp_path),
    )
    service = _open(settings)
    try:
        assert service.catalogue.dept("pensions").windows == CALL_WINDOWS
        waiting = [
            service.issue("pension-new" if i % 2 else "pension-recalc").ticket.id for i in range(WAITING)
        ]
        others = [service.issue("info-general").ticket.id for _ in range(OTHERS_WAITING)]

        jobs = [(settings.model_dump(), window, WAITING) for window in CALL_WINDOWS]
        results, _elapsed = loadgen.run_together(loadgen.call_many, jobs)

        assert sum(1 for called in results if called) >= 2, "the windows did not overlap at all"
        window_of: dict[int, str] = {}
        for window, called in zip(CALL_WINDOWS, results, strict=True):
            assert called == sorted(called), f"window {window} did not take the line in order"
            for ticket_id in called:
                assert ticket_id not in window_of, (
                    f"ticket {ticket_id} called by windows {window_of[ticket_id]} and {window}"
                )
                window_of[ticket_id] = window
        assert set(window_of) == set(waiting), "some waiting tickets were never called"

        with service.db.read() as s:
            states = {ticket_id: state for ticket_id, state in s.execute(select(Ticket.id, Ticket.state))}
            per_kind = s.execute(
                select(Event.ticket_id, Event.kind, Event.window, func.count())
                .where(Event.kind.in_(["called", "started", "finished"]))
                .group_by(Event.ticket_id, Event.kind, Event.window)
            ).all()
        seen: dict[tuple[int, str], list[tuple[str | None, int]]] = {}
        for ticket_id, kind, window, n in per_kind:
            seen.setdefault((ticket_id, kind), []).append((window, n))
        for ticket_id in waiting:
            assert states[ticket_id] == "done"
            for kind in ("called", "started", "finished"):
                assert seen.get((ticket_id, kind)) == [(window_of[ticket_id], 1)], (
                    f"ticket {ticket_id}: {kind} events {seen.get((ticket_id, kind))}"
                )
        for ticket_id in others:  # another department's line is left alone
            assert states[ticket_id] == "waiting"
            assert (ticket_id, "called") not in seen
        assert service.at_window("6") is None
    finally:
        service.db.dispose()
