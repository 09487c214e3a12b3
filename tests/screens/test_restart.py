"""kill -9 of the counter, the front desk and the hall display, each a real process, then started
again as a supervisor would: each comes back where it was (the member signed in at the counter
with the ticket it called, the desk on its tab, the display with its latest calls). A clean quit
or a sign-out leaves nothing to resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kiosk.runtime import initialise, open_service, open_staff
from kiosk.security.sessions import SessionFile
from tests.conftest import make_settings

# Real processes: run in turn with the others of the group, on one worker (pyproject).
pytestmark = pytest.mark.xdist_group("processes")

ROOT = Path(__file__).resolve().parents[2]


def run(terminal: str, phase: str, values: str) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    """The terminal's process and the first line it reported."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.restart", terminal, phase, values],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line, f"{terminal} ({phase}) said nothing"
    return process, json.loads(line)


def kill_and_restart(terminal: str, values: str) -> tuple[dict[str, Any], dict[str, Any]]:
    working, before = run(terminal, "work", values)
    os.kill(working.pid, signal.SIGKILL)
    assert working.wait(timeout=30) == -signal.SIGKILL
    assert working.stdout is not None
    working.stdout.close()
    again, after = run(terminal, "after", values)
    assert again.wait(timeout=60) == 0
    assert again.stdout is not None
    again.stdout.close()
    return before, after


def test_killed_terminals_come_back_where_they_were(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, open_around_the_clock=True, speech=False)
    initialise(settings)
    service = open_service(settings)
    try:
        staff = open_staff(service)
        staff.add("Ivan", "staff", "5555")
        staff.add("Olena", "admin", "2468")
        for _ in range(3):
            service.issue("pension-new")
        service.call_next("7")  # P-001 at window 7: the display's latest calls
    finally:
        service.db.dispose()
    values = json.dumps(settings.model_dump(mode="json"))

    before, after = kill_and_restart("counter", values)
    assert before == {"called": "P-002"}
    assert after == {"screen": "CounterScreen", "member": "Ivan", "ticket": "P-002"}

    before, after = kill_and_restart("desk", values)
    assert before == {"tab": "tab-bookings"}
    assert after == {"screen": "AdminScreen", "member": "Olena", "tab": "tab-bookings"}

    before, after = kill_and_restart("display", values)
    assert after == before
    assert (after["now"], after["window"]) == ("P-002", "6")  # the counter's call, large
    assert "P-001" in after["history"] and "7" in after["history"]

    service = open_service(settings)
    try:
        resumed = [e for e in service.events_since(0) if e.kind == "signed_in" and e.data.get("resumed")]
    finally:
        service.db.dispose()
    assert [e.staff for e in resumed] == ["Ivan", "Olena"], "each resume is in the audit log"


def test_a_session_is_resumed_only_after_its_process_died_and_within_its_minutes(tmp_path: Path) -> None:
    session = SessionFile(tmp_path, "counter-6")
    session.save("Ivan")
    assert session.resumable(10) is None, "this process still has it"
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    data = json.loads(session.path.read_text())
    session.path.write_text(json.dumps({**data, "pid": int(gone.stdout)}))
    kept = session.resumable(10)
    assert kept is not None and kept.member == "Ivan"
    assert session.resumable(0) is None, "resume_minutes = 0: always the PIN"
    session.path.write_text(json.dumps({**data, "pid": int(gone.stdout), "saved": data["saved"] - 11 * 60}))
    assert session.resumable(10) is None, "too old"
    session.path.write_text("{not json")
    assert session.resumable(10) is None
    assert oct(session.path.parent.stat().st_mode & 0o777) == "0o700"
    session.clear()
    assert not session.path.exists()
