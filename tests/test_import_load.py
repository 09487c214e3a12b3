"""A long booking import never blocks the hall, with real processes on SQLite: while `kiosk bookings
import` writes a 60,000-row file, `kiosk issue` in another process gives tickets as usual (the import
checks every row before it writes, then writes in short transactions with a pause between them). The
latency is printed, not asserted; what is asserted is that each ticket came while the import was
still writing, with no "database is locked"."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.test_cli import ADMIN, ADMIN_PIN, CATALOGUE, clean_env, run, write_config

pytestmark = pytest.mark.xdist_group("processes")
ROWS = 60_000


def big_file(path: Path) -> None:
    """60,000 bookings of a service with 50 seats every 5 minutes, on the weekdays from Tuesday."""
    rows, day = ["service,at,name"], date(2026, 11, 24)
    while len(rows) <= ROWS:
        if day.weekday() < 5:
            rows += [
                f"pension-new,{day}T{minutes // 60:02d}:{minutes % 60:02d},Visitor {seat}"
                for minutes in range(8 * 60, 20 * 60, 5)
                for seat in range(50)
            ]
        day += timedelta(days=1)
    path.write_text("\n".join(rows[: ROWS + 1]) + "\n", encoding="utf-8")


def test_kiosk_issue_answers_while_60000_bookings_are_imported(tmp_path: Path) -> None:
    catalogue = tmp_path / "catalogue.toml"
    text = CATALOGUE.read_text(encoding="utf-8")
    roomy = "appointments = { slot_minutes = 5, per_slot = 50 }"
    catalogue.write_text(text.replace("appointments = { slot_minutes = 20, per_slot = 2 }", roomy, 1))
    env = clean_env(tmp_path, KIOSK_CONFIG=str(write_config(tmp_path, f'catalogue = "{catalogue}"\n')))
    run("init", env=env)
    run("staff", "add", "Olena", "--role", "admin", "--pin-stdin", env=env, input=f"{ADMIN_PIN}\n")
    big_file(tmp_path / "big.csv")
    database = tmp_path / "data" / "kiosk.sqlite3"

    def booked() -> int:
        with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
            return int(db.execute("SELECT count(*) FROM bookings").fetchone()[0])

    importer = subprocess.Popen(
        [sys.executable, "-m", "cli", "bookings", "import", str(tmp_path / "big.csv")],
        env={**env, **ADMIN}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while booked() == 0:  # the rows are checked first, without any lock
            assert importer.poll() is None, importer.communicate()[1]
            assert time.monotonic() < deadline, "the import wrote nothing in 2 minutes"
            time.sleep(0.1)
        waits = []
        for _ in range(3):
            started = time.monotonic()
            ticket = run("issue", "job-register", env=env)  # fails the test on "database is locked"
            waits.append(time.monotonic() - started)
            assert ticket.stdout.startswith("Ticket E-"), ticket.stdout
            assert importer.poll() is None, "the import ended: the ticket was not given during it"
        written = booked()
        print(f"kiosk issue while the import wrote ({written} of {ROWS} rows): "
              + ", ".join(f"{w:.2f} s" for w in waits) + " (the process's start included)")  # fmt: skip
        assert 0 < written < ROWS
    finally:
        importer.terminate()
        importer.communicate(timeout=30)
