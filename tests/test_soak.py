"""A short simulated day with real kiosk, window and display processes (the full one: python -m bench.soak):
every ticket accounted for once, no number twice, no ticket called while held, the display saw
every call, the statistics agree with the events, a printer failing in four ways at random
moments loses no ticket and leaves every fault as an event; and with a quarter of the visitors booked
(on time, early, late, never), no slot is overbooked, every check-in is accounted for, the no-shows
are closed and no window starves the walk-ins."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.soak import day_plan, run

# Real processes and timing: run in turn with the others of the group, on one worker (pyproject).
pytestmark = pytest.mark.xdist_group("processes")


@pytest.mark.slow
def test_short_day_on_sqlite(tmp_path: Path) -> None:
    values = {"data_dir": str(tmp_path), "database_url": f"sqlite:///{tmp_path / 's.sqlite3'}",
              "open_around_the_clock": True}  # fmt: skip
    report = run(values, day_plan(12, 2, ["3", "6", "9"], printer_faults=True, bookings=0.25))
    assert report["tickets_issued"] > 20 and report["calls"] > 10
    assert report["bookings"] > 20 and report["bookings_by_state"]["checked_in"] > 10
    assert report["bookings_by_state"].get("no_show", 0) > 0 and report["check_ins_refused"]
    # every kind of fault injected left its failures (report["ok"]); a day cut short by a loaded
    # machine may end before the last spell: three kinds of the four at least
    assert sum(1 for spells in report["printer_faults_injected"].values() if spells) >= 3
    assert report["ok"], json.dumps(report, default=str)  # every figure, untruncated


@pytest.mark.slow
@pytest.mark.postgres
def test_short_day_on_postgresql(tmp_path: Path, pg_url: str) -> None:
    values = {"data_dir": str(tmp_path), "database_url": pg_url, "open_around_the_clock": True}
    windows = [str(w) for w in range(1, 13)]
    report = run(values, day_plan(12, 4, windows, printer_faults=True, bookings=0.25, visitors=300))
    # Enough of a day to exercise every path even on a loaded machine (how much a day holds is a
    # figure of `python -m bench.soak`, not a test): the checks in report["ok"] are what must hold.
    assert report["tickets_issued"] > 20 and report["calls"] > 10
    assert report["bookings"] > 50 and report["bookings_by_state"]["checked_in"] > 5
    assert report["tickets_printed"] > 10 and report["print_failures_by_reason"]
    assert report["ok"], json.dumps(report, default=str)  # every figure, untruncated
