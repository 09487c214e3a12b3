"""End-to-end tests of the `kiosk` command line, run as a real subprocess (`python -m cli ...`).

Every test gets a clean environment: no inherited `KIOSK_*` variable, a settings file in its own
`tmp_path` whose `data_dir` points there too, and `KIOSK_NOW` pinning the clock to Monday
2026-11-23 10:00 in Kyiv (+02:00), when every department of the shipped catalogue is open. The
database is initialised once per module and copied into each test that needs one, so that a test
pays for its own commands only. The tests assert on what a person or a script actually sees: stdout,
stderr and the exit code; an expected failure must be a short `kiosk: ...` message, never a traceback.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import wave
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import needs_tool

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "data" / "catalogue.toml"

DAY = "2026-11-23"  # a Monday
MONDAY_10 = f"{DAY}T10:00:00+02:00"
SUNDAY_10 = "2026-11-22T10:00:00+02:00"

DEPARTMENTS = [
    "info",
    "social-policy",
    "pensions",
    "employment",
    "home-care",
    "family",
    "homeless",
    "insurance",
    "psychology",
]
STATS_COLUMNS = [
    "department",
    "issued",
    "waiting_now",
    "served",
    "no_shows",
    "no_show_rate",
    "wait_mean_min",
    "wait_median_min",
    "wait_p90_min",
    "wait_max_min",
    "service_mean_min",
    "service_median_min",
    "service_p90_min",
    "service_max_min",
    "over_sla_share",
    "walk_in_wait_mean_min",
    "booked_wait_mean_min",
    "booked_seen_within_5_min_share",
    "bookings",
    "booking_no_shows",
    "booking_no_show_rate",
    "quoted",
    "quote_error_min",
    "quoted_within_5_min_share",
    # the visitors' ratings (kiosk.presentation.rating_figures)
    "rating_count",
    "rating_mean",
    "rating_share_4_5",
    "rating_reason_staff_helpful",
    "rating_reason_clear_explanation",
    "rating_reason_quick_service",
    "rating_reason_waited_too_long",
    "rating_reason_could_not_find_window",
    "rating_reason_problem_not_solved",
    "rating_reason_too_many_documents",
    "rating_reason_hall_crowded",
]
UNREACHABLE_PG = "postgresql://postgres@127.0.0.1:1/x"
ADMIN_PIN, CLERK_PIN = "482913", "5555"
ADMIN = {"KIOSK_STAFF": "Olena", "KIOSK_PIN": ADMIN_PIN}


# Helpers ------------------------------------------------------------------------------------


def at(hh_mm: str, day: str = DAY) -> str:
    """A moment in Kyiv in November (UTC+2), as KIOSK_NOW wants it."""
    return f"{day}T{hh_mm}:00+02:00"


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """os.environ without any KIOSK_* variable, the clock pinned, and the user's data dir out of reach."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("KIOSK_")}
    env["XDG_DATA_HOME"] = str(tmp_path / "xdg")  # a forgotten data_dir must not touch the real one
    env["KIOSK_NOW"] = MONDAY_10
    env.update(extra)
    return env


def write_config(folder: Path, body: str = "", name: str = "kiosk.toml") -> Path:
    """A settings file whose (relative) data_dir is `folder/data`."""
    path = folder / name
    path.write_text('centre_name = "Test centre"\ndata_dir = "data"\n' + body, encoding="utf-8")
    return path


def when(env: dict[str, str], moment: str) -> dict[str, str]:
    """The same environment with the clock moved to `moment`."""
    return {**env, "KIOSK_NOW": moment}


def run(
    *args: str, env: dict[str, str], check: bool = True, input: str | None = None, umask: int = -1
) -> subprocess.CompletedProcess[str]:
    """Run `python -m cli ARGS` (with `umask`, if given); with check, a non-zero exit fails the test
    showing both streams."""
    result = subprocess.run(
        [sys.executable, "-m", "cli", *args],
        env=env,
        input=input,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        umask=umask,
    )
    if check and result.returncode != 0:
        pytest.fail(
            f"kiosk {' '.join(args)} exited {result.returncode}\n"
            f"--- stdout\n{result.stdout}--- stderr\n{result.stderr}"
        )
    return result


def run_json(*args: str, env: dict[str, str]) -> Any:
    return json.loads(run(*args, "--json", env=env).stdout)


def fail(*args: str, env: dict[str, str], code: int | None = None, max_lines: int = 2) -> str:
    """Run a command that must be refused cleanly; return its stderr."""
    result = run(*args, env=env, check=False)
    stderr = result.stderr
    assert result.returncode != 0, f"kiosk {' '.join(args)} should fail:\n{result.stdout}"
    if code is not None:
        assert result.returncode == code, stderr
    assert "Traceback" not in stderr, stderr
    assert stderr.startswith("kiosk"), stderr
    assert 1 <= len(stderr.strip().splitlines()) <= max_lines, stderr
    assert result.stdout == "", result.stdout
    return stderr


def issue(service: str, env: dict[str, str], *options: str) -> dict[str, Any]:
    data: dict[str, Any] = run_json("issue", service, *options, env=env)
    return data


# Fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def initialised_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One `kiosk init` for the module: a data folder (SQLite file, QR secret) to copy from."""
    base = tmp_path_factory.mktemp("initialised")
    env = clean_env(base, KIOSK_CONFIG=str(write_config(base)))
    run("init", env=env)
    run("staff", "add", "Olena", "--role", "admin", "--pin-stdin", env=env, input=f"{ADMIN_PIN}\n")
    run("staff", "add", "Ivan", "--pin-stdin", env={**env, **ADMIN}, input=f"{CLERK_PIN}\n")
    return base / "data"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A clean environment with a settings file in tmp_path; the database is not initialised."""
    return clean_env(tmp_path, KIOSK_CONFIG=str(write_config(tmp_path)))


@pytest.fixture
def ready(tmp_path: Path, env: dict[str, str], initialised_data: Path) -> dict[str, str]:
    """Like `env`, over a fresh copy of an initialised database with no tickets yet, and the
    administrator Olena signed in through $KIOSK_STAFF and $KIOSK_PIN."""
    shutil.copytree(initialised_data, tmp_path / "data")
    return {**env, **ADMIN}


# init and catalogue -------------------------------------------------------------------------


def test_init_creates_everything_then_is_idempotent(tmp_path: Path, env: dict[str, str]) -> None:
    first = run("init", env=env).stdout
    data = tmp_path / "data"
    assert f"database sqlite:///{data / 'kiosk.sqlite3'}: schema at revision" in first
    assert "(was None)" in first
    assert f"catalogue {CATALOGUE}: loaded (version 1)" in first
    assert f"QR secret {data / 'qr-secret'}: created" in first
    assert (data / "kiosk.sqlite3").is_file()  # data_dir is taken relative to the settings file
    assert (data / "qr-secret").is_file()
    assert not (tmp_path / "xdg").exists()

    second = run("init", env=env).stdout
    assert f"catalogue {CATALOGUE}: unchanged (version 1)" in second
    assert "QR secret" in second
    assert "kept" in second
    assert "(was None)" not in second

    report = run_json("init", env=env)
    assert report["catalogue_loaded"] is False
    assert report["secret_created"] is False
    assert report["catalogue_id"] == 1
    assert report["revision"] is not None
    assert report["revision"] == report["revision_before"]


def test_catalogue_json_and_text(ready: dict[str, str]) -> None:
    catalogue = run_json("catalogue", env=ready)
    departments = catalogue["departments"]
    assert [d["code"] for d in departments] == DEPARTMENTS
    for d in departments:
        assert d["windows"], d["code"]
        assert d["services"], d["code"]
        assert all(s["code"] and s["name"] and s["hint"] for s in d["services"])
    pensions = departments[DEPARTMENTS.index("pensions")]
    assert pensions["prefix"] == "P"
    assert pensions["name"] == "Pensions"
    assert pensions["windows"] == ["6", "7", "8"]
    assert pensions["hours"] == ["08:00-14:00", "14:00-20:00"]
    assert pensions["last_ticket"] == "19:30"
    assert [s["code"] for s in pensions["services"]] == [
        "pension-new",
        "pension-recalc",
        "pension-certificate",
    ]
    assert len({d["prefix"] for d in departments}) == 9
    assert catalogue["windows"]["6"] == ["pensions"]
    assert len(catalogue["windows"]) == 20
    assert {p["code"] for p in catalogue["priorities"]} >= {"veteran", "disability", "aged-80"}
    services = {s["code"] for d in departments for s in d["services"]}
    assert catalogue["menu"]
    assert {code for m in catalogue["menu"] for code in m["services"]} == services

    ukrainian = run_json("catalogue", "--lang", "uk", env=ready)
    assert ukrainian["departments"][DEPARTMENTS.index("pensions")]["name"] == "Пенсії"

    text = run("catalogue", env=ready).stdout
    for d in departments:
        assert d["code"] in text
        assert d["name"] in text
    assert "windows 6, 7, 8; mon, tue, wed, thu, fri 08:00-14:00, 14:00-20:00; last ticket 19:30" in text
    assert "now open" in text
    assert "pension-new" in text
    assert "priority rights:" in text
    assert "kiosk menu:" in text


# Issuing and scanning -----------------------------------------------------------------------


def test_issue_json_numbers_and_scan(ready: dict[str, str]) -> None:
    first = issue("pension-new", ready, "--lang", "uk")
    assert {
        "id",
        "number",
        "department",
        "service",
        "windows",
        "language",
        "priority",
        "day",
        "issued_at",
        "ahead",
        "qr",
    } <= first.keys()
    assert re.fullmatch(r"P-\d{3}", first["number"])
    assert first["number"] == "P-001"
    assert first["department"] == "pensions"
    assert first["service"] == "pension-new"
    assert first["windows"] == ["6", "7", "8"]
    assert first["language"] == "uk"
    assert first["priority"] is None
    assert first["state"] == "waiting"
    assert first["day"] == DAY
    assert first["issued_at"] == MONDAY_10
    assert first["ahead"] == 0
    assert first["qr"].startswith("K1:")
    assert ":P-001:PENSIONS:" in first["qr"]

    # The clock given in UTC: times are still shown in the centre's zone (Kyiv, +02:00 in November).
    second = issue("pension-new", when(ready, f"{DAY}T08:05:00+00:00"), "--lang", "uk")
    assert second["number"] == "P-002"
    assert second["id"] != first["id"]
    assert second["ahead"] == 1
    assert second["issued_at"] == f"{DAY}T10:05:00+02:00"

    text = run("issue", "pension-recalc", env=when(ready, at("10:06"))).stdout
    assert text.splitlines()[:2] == [
        "Ticket P-003: pension-recalc (pensions), windows 6, 7, 8",
        "2 ahead, about 8 min",
    ]

    assert run("scan", first["qr"], env=ready).stdout == "P-001 scanned: valid ticket (pensions, waiting)\n"
    scanned = run_json("scan", first["qr"].lower(), env=ready)  # some scanners type lower case
    assert (scanned["id"], scanned["number"], scanned["state"]) == (first["id"], "P-001", "waiting")

    qr = first["qr"]
    forged = qr[:-3] + ("B" if qr[-3] == "A" else "A") + qr[-2:]
    assert forged != qr
    assert "forged or damaged" in fail("scan", forged, env=ready)
    assert "not a ticket code" in fail("scan", "hello", env=ready)
    tomorrow = when(ready, at("10:00", "2026-11-24"))
    assert "from 23.11.2026, not from today" in fail("scan", qr, env=tomorrow)


def test_calls_to_a_wrong_window_a_past_day_or_of_a_ticket_that_is_over(ready: dict[str, str]) -> None:
    first = issue("pension-new", ready)
    issue("pension-new", ready)
    clerk = {**ready, "KIOSK_STAFF": "Ivan", "KIOSK_PIN": CLERK_PIN}
    assert "P-001 (pensions) is served at window 6, 7, 8, not at window 9" in fail(
        "call", "P-001", "-w", "9", env=clerk, code=1
    )
    override = ("call", "P-001", "-w", "9", "--override", "interpreter at 9")
    assert "this needs an administrator" in fail(*override, env=clerk, code=1)
    assert "say why" in fail("call", "P-001", "-w", "9", "--override", " ", env=ready, code=1)
    assert "--override sends a named TICKET" in fail("call", "-w", "9", "--override", "x", env=ready)
    assert [t["state"] for t in run_json("queue", env=ready)] == ["waiting", "waiting"], "nothing changed"
    assert run(*override, env=ready).stdout == "P-001 called at window 9 (pensions, called)\n"
    called = run_json("show", "P-001", env=ready)["history"][-1]
    assert (called["staff"], called["data"]["override"]) == ("Olena", "interpreter at 9")

    run("start", "-w", "9", env=clerk)
    run("finish", "-w", "9", env=clerk)
    assert fail("scan", first["qr"], env=ready, code=1) == "kiosk: P-001 is served already\n"

    tomorrow = when(clerk, at("10:00", "2026-11-24"))
    assert "P-002 is from 23.11.2026, not from today" in fail("call", "2", "-w", "6", env=tomorrow, code=1)
    assert run_json("show", "2", env=tomorrow)["state"] == "closed", "the rollover closed it"


def test_priority_ticket_is_called_first(ready: dict[str, str]) -> None:
    plain = issue("pension-new", ready)
    veteran = issue("pension-new", when(ready, at("10:01")), "--priority", "veteran")
    assert (plain["number"], plain["priority"]) == ("P-001", None)
    assert (veteran["number"], veteran["priority"]) == ("P-002", "veteran")
    assert veteran["ahead"] == 0  # goes in front of the earlier plain ticket

    called = run_json("call", "--window", "6", env=when(ready, at("10:02")))
    assert (called["number"], called["state"], called["window"]) == ("P-002", "called", "6")
    assert run("call", "-w", "7", env=ready).stdout == "P-001 called at window 7 (pensions, called)\n"

    assert run_json("close-day", env=ready) == {"closed": 2}


def test_unknown_priority_category_is_refused(ready: dict[str, str]) -> None:
    stderr = fail("issue", "pension-new", "--priority", "nonsense", env=ready)
    assert "unknown priority category 'nonsense'" in stderr
    assert "veteran" in stderr
    assert run_json("queue", env=ready) == []


def test_priority_right_once_per_day_per_service(ready: dict[str, str]) -> None:
    right = ("--priority", "veteran", "--document", "AB123")
    assert issue("pension-new", ready, *right)["number"] == "P-001"
    stderr = fail("issue", "pension-new", *right, env=when(ready, at("10:30")))
    assert "once a day" in stderr
    assert "War veteran" in stderr
    # the document reference is normalised before it is hashed
    assert "once a day" in fail(
        "issue", "pension-new", "--priority", "veteran", "--document", "ab 123", env=ready
    )
    # another service, or another person's document, is fine
    assert issue("pension-recalc", ready, *right)["number"] == "P-002"
    assert issue("pension-new", ready, "--priority", "veteran", "--document", "CD456")["number"] == "P-003"
    # and the document reference itself is never stored
    sqlite = (Path(ready["KIOSK_CONFIG"]).parent / "data" / "kiosk.sqlite3").read_bytes()
    assert b"AB123" not in sqlite
    assert b"CD456" not in sqlite


def test_close_day_purges_old_notes_and_keeps_new_ones(ready: dict[str, str]) -> None:
    """Transfer notes older than note_days (30) lose their text at `kiosk close-day`; newer ones stay."""
    import sqlite3

    for day, note in (("2026-10-01", "old: needs help with stairs"), ("2026-11-20", "new: brings a carer")):
        number = issue("pension-new", when(ready, at("10:00", day)))["number"]
        run("transfer", number, "--to", "employment", "--note", note, env=when(ready, at("10:05", day)))
    database = Path(ready["KIOSK_CONFIG"]).parent / "data" / "kiosk.sqlite3"

    def notes() -> list[tuple[str, str | None, bool]]:
        with contextlib.closing(sqlite3.connect(database)) as conn:
            rows = conn.execute(
                "SELECT day, data FROM events WHERE kind = 'transferred' ORDER BY id"
            ).fetchall()
        return [
            (day, json.loads(data).get("note"), bool(json.loads(data).get("note_purged")))
            for day, data in rows
        ]

    assert notes() == [
        ("2026-10-01", "old: needs help with stairs", False),
        ("2026-11-20", "new: brings a carer", False),
    ]
    run("close-day", env=ready)
    assert notes() == [("2026-10-01", None, True), ("2026-11-20", "new: brings a carer", False)]


# A whole day at the counters ----------------------------------------------------------------


@pytest.mark.slow
def test_full_cycle_queue_and_stats(ready: dict[str, str]) -> None:
    def cli(moment: str, *args: str) -> str:
        return run(*args, env=when(ready, at(moment))).stdout.strip()

    for moment, service in (
        ("10:00", "pension-new"),
        ("10:01", "pension-new"),
        ("10:02", "pension-new"),
        ("10:03", "pension-recalc"),
    ):
        cli(moment, "issue", service)

    assert cli("10:05", "call", "--window", "6") == "P-001 called at window 6 (pensions, called)"
    assert cli("10:06", "recall", "--window", "6") == "P-001 recalled at window 6 (pensions, called)"
    assert cli("10:07", "start", "--window", "6") == "P-001 being served at window 6 (pensions, serving)"
    assert cli("10:17", "finish", "--window", "6") == "P-001 finished at window 6 (pensions, done)"

    assert cli("10:20", "call", "-w", "6") == "P-002 called at window 6 (pensions, called)"
    assert cli("10:22", "no-show", "-w", "6") == "P-002 marked no-show at window 6 (pensions, no show)"

    assert cli("10:23", "call", "-w", "7").startswith("P-003 called at window 7")
    assert cli("10:24", "hold", "-w", "7") == "P-003 put on hold at window 7 (pensions, on hold)"
    assert cli("10:25", "return", "P-003") == "P-003 returned to the queue (pensions, waiting)"
    # back in the line at its old place: before P-004, issued later
    assert cli("10:26", "call", "-w", "8").startswith("P-003 called at window 8")
    assert cli("10:27", "start", "P-003") == "P-003 being served at window 8 (pensions, serving)"
    assert cli("10:37", "finish", "P-003") == "P-003 finished at window 8 (pensions, done)"

    transferred = cli("10:40", "transfer", "P-004", "--to", "employment", "--note", "needs the job centre")
    assert transferred == "P-004 transferred to employment (employment, waiting)"
    shown = run_json("show", "P-004", env=ready)
    assert shown["number"] == "P-004"  # keeps its number
    assert (shown["origin"], shown["department"], shown["service"]) == (
        "pensions",
        "employment",
        "job-register",
    )
    assert shown["windows"] == ["9", "10"]
    assert shown["qr"].startswith("K1:")
    kinds = [e["kind"] for e in shown["history"]]
    assert (kinds[0], kinds[-1], kinds.count("transferred")) == ("issued", "transferred", 1)
    moved = shown["history"][-1]
    assert moved["at"] == at("10:40")
    assert moved["data"] == {
        "from": "pensions",
        "to": "employment",
        "service": "job-register",
        "note": "needs the job centre",
    }
    assert "transferred" in run("show", "P-004", env=ready).stdout
    assert cli("10:45", "call", "-w", "9") == "P-004 called at window 9 (employment, called)"
    assert cli("10:46", "cancel", "P-004", "--reason", "left") == "P-004 cancelled (employment, cancelled)"

    later = when(ready, at("11:00"))
    tickets = run_json("queue", env=later)
    assert [(t["number"], t["department"], t["state"]) for t in tickets] == [
        ("P-001", "pensions", "done"),
        ("P-002", "pensions", "no_show"),
        ("P-003", "pensions", "done"),
        ("P-004", "employment", "cancelled"),
    ]
    assert [t["number"] for t in run_json("queue", "--department", "employment", env=later)] == ["P-004"]

    table = run("queue", env=later).stdout.splitlines()
    assert table[0].split() == [
        "number",
        "department",
        "service",
        "state",
        "window",
        "priority",
        "lang",
        "issued",
    ]
    assert table[1].split() == ["P-001", "pensions", "pension-new", "done", "6", "en", "10:00"]
    assert table[4].split() == ["P-004", "employment", "job-register", "cancelled", "en", "10:03"]
    assert len(table) == 5

    stats = run_json("stats", env=later)
    assert {"sla_minutes", "departments", "total"} <= stats.keys()
    assert stats["sla_minutes"] == 15
    by_code = {d["department"]: d for d in stats["departments"]}
    assert list(by_code) == DEPARTMENTS
    pensions = by_code["pensions"]
    for key in (
        "issued",
        "waiting_now",
        "served",
        "no_shows",
        "cancelled",
        "wait_seconds",
        "service_seconds",
    ):
        assert key in pensions
    assert (pensions["issued"], pensions["served"], pensions["no_shows"]) == (4, 2, 1)
    assert pensions["waiting_now"] == 0
    assert pensions["wait_seconds"]["max"] == 21 * 60  # P-003: issued 10:02, first called 10:23
    assert pensions["service_seconds"] == {"count": 2, "mean": 600, "median": 600, "p90": 600, "max": 600}
    assert pensions["no_show_rate"] == pytest.approx(1 / 3)
    assert by_code["employment"]["cancelled"] == 1
    assert by_code["employment"]["wait_seconds"]["max"] == 5 * 60  # transferred 10:40, called 10:45
    assert by_code["info"]["issued"] == 0
    total = stats["total"]
    assert total["department"] == "all"
    assert (total["issued"], total["served"], total["no_shows"], total["cancelled"]) == (4, 2, 1, 1)

    rows = list(csv.reader(io.StringIO(run("stats", "--csv", env=later).stdout)))
    assert rows[0] == STATS_COLUMNS
    assert [r[0] for r in rows[1:]] == [*DEPARTMENTS, "all"]
    assert all(len(r) == len(STATS_COLUMNS) for r in rows)
    csv_pensions = dict(zip(STATS_COLUMNS, rows[1 + DEPARTMENTS.index("pensions")], strict=True))
    assert csv_pensions["issued"] == "4"
    assert csv_pensions["no_show_rate"] == "33%"
    assert csv_pensions["wait_max_min"] == "21.0"
    assert csv_pensions["service_mean_min"] == "10.0"


def test_json_flag_before_or_after_the_command(ready: dict[str, str]) -> None:
    issued = json.loads(run("--json", "issue", "info-general", env=ready).stdout)
    assert issued["number"] == "I-001"
    before = json.loads(run("--json", "queue", env=ready).stdout)
    after = json.loads(run("queue", "--json", env=ready).stdout)
    assert before == after
    assert [t["number"] for t in before] == ["I-001"]
    assert run("queue", env=ready).stdout.startswith("number")


# Signing in for staff actions ----------------------------------------------------------------


def test_staff_actions_need_a_signed_in_member_with_the_right_role(ready: dict[str, str]) -> None:
    issue("pension-new", ready)
    issue("pension-new", ready)
    nobody = {k: v for k, v in ready.items() if k not in ("KIOSK_STAFF", "KIOSK_PIN")}
    for args in (["call", "-w", "6"], ["finish", "P-001"], ["cancel", "P-001"], ["close-day"]):
        assert "is a staff action: sign in with --staff NAME" in fail(*args, env=nobody, code=1)
    assert "no PIN given" in fail("call", "-w", "6", "--staff", "Ivan", env=nobody)  # no terminal
    wrong_pin = fail("call", "-w", "6", "--staff", "Ivan", env={**nobody, "KIOSK_PIN": "1111"})
    unknown_name = fail("call", "-w", "6", "--staff", "Eve", env={**nobody, "KIOSK_PIN": "1111"})
    assert wrong_pin == unknown_name == "kiosk: wrong name or PIN\n", "names cannot be probed"
    assert [t["state"] for t in run_json("queue", env=nobody)] == ["waiting", "waiting"], "nothing changed"

    clerk = {**nobody, "KIOSK_STAFF": "Ivan", "KIOSK_PIN": CLERK_PIN}
    assert run("call", "-w", "6", env=clerk).stdout.startswith("P-001 called at window 6")
    assert "this needs an administrator" in fail("cancel", "P-002", env=clerk)
    assert "this needs an administrator" in fail("close-day", env=clerk)
    assert "this needs an administrator" in fail("staff", "disable", "Olena", env=clerk)
    assert run("cancel", "P-002", "--reason", "left", env=ready).stdout.startswith("P-002 cancelled")
    history = run_json("show", "P-001", env=nobody)["history"]
    assert history[-1]["kind"] == "called" and history[-1]["staff"] == "Ivan", "the member, not a claim"


def test_a_named_member_is_checked_even_where_no_sign_in_is_needed(ready: dict[str, str]) -> None:
    nobody = {k: v for k, v in ready.items() if k not in ("KIOSK_STAFF", "KIOSK_PIN")}
    assert issue("pension-new", nobody)["number"] == "P-001"  # visitors need no PIN
    assert "wrong name or PIN" in fail(
        "issue", "pension-new", "--staff", "Olena", env={**nobody, "KIOSK_PIN": "0"}
    )
    assert len(run_json("queue", env=nobody)) == 1


def test_five_wrong_pins_lock_the_member(ready: dict[str, str]) -> None:
    issue("pension-new", ready)
    wrong = {**ready, "KIOSK_STAFF": "Ivan", "KIOSK_PIN": "0000"}
    for _ in range(4):
        assert "wrong name or PIN" in fail("call", "-w", "6", env=wrong)
    assert "too many wrong PINs: try again in 5 min" in fail("call", "-w", "6", env=wrong)
    right = {**wrong, "KIOSK_PIN": CLERK_PIN}
    assert "too many wrong PINs: try again in 5 min" in fail("call", "-w", "6", env=right)


def test_the_first_administrator_needs_no_sign_in_the_next_ones_do(
    tmp_path: Path, env: dict[str, str]
) -> None:
    run("init", env=env)
    run("staff", "add", "Olena", "--role", "admin", "--pin-stdin", env=env, input="482913\n")
    refused = fail("staff", "add", "Eve", "--role", "admin", "--pin-stdin", env=env)
    assert "is a staff action: sign in" in refused
    admin = {**env, **ADMIN}
    run("staff", "add", "Maria", "--pin-stdin", env=admin, input="246810\n")
    names = [m["name"] for m in run_json("staff", "list", env=env)]
    assert names == ["Maria", "Olena"]


# Choosing the database ----------------------------------------------------------------------


def test_db_flag_and_environment_select_the_database(tmp_path: Path, ready: dict[str, str]) -> None:
    issue("pension-new", ready)
    other = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    via_env = {**ready, "KIOSK_DATABASE_URL": other}

    assert "unchanged" not in run("init", env=via_env).stdout
    assert (tmp_path / "other.sqlite3").is_file()
    assert issue("info-general", via_env)["number"] == "I-001"
    assert issue("info-general", ready, "--db", other)["number"] == "I-002"

    assert [t["number"] for t in run_json("queue", env=ready)] == ["P-001"]
    assert [t["number"] for t in run_json("queue", env=via_env)] == ["I-001", "I-002"]
    assert [t["number"] for t in run_json("--db", other, "queue", env=ready)] == ["I-001", "I-002"]
    # the flag wins over the environment
    default = f"sqlite:///{tmp_path / 'data' / 'kiosk.sqlite3'}"
    assert [t["number"] for t in run_json("queue", "--db", default, env=via_env)] == ["P-001"]
    # and --config wins over KIOSK_CONFIG
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    config = write_config(elsewhere)
    assert "(was None)" in run("--config", str(config), "init", env=ready).stdout
    assert (elsewhere / "data" / "kiosk.sqlite3").is_file()
    assert run_json("queue", "--config", str(config), env=ready) == []


@pytest.mark.postgres
@pytest.mark.slow
def test_postgresql_database(tmp_path: Path, env: dict[str, str], pg_url: str) -> None:
    shown = make_url(pg_url).set(drivername="postgresql+psycopg").render_as_string(hide_password=True)
    first = run("--db", pg_url, "init", env=env).stdout
    assert f"{shown}: schema at revision" in first
    assert ": loaded (version 1)" in first

    pg = {**env, "KIOSK_DATABASE_URL": pg_url}
    run("staff", "add", "Olena", "--role", "admin", "--pin-stdin", env=pg, input=f"{ADMIN_PIN}\n")
    pg.update(ADMIN)
    first_ticket = issue("pension-new", pg, "--lang", "uk")
    assert (first_ticket["number"], first_ticket["ahead"]) == ("P-001", 0)
    assert issue("pension-new", pg, "--priority", "veteran", "--document", "AB1")["number"] == "P-002"
    assert "once a day" in fail("issue", "pension-new", "--priority", "veteran", "--document", "AB1", env=pg)
    assert run("call", "-w", "6", env=pg).stdout.startswith("P-002 called at window 6")
    assert run_json("scan", first_ticket["qr"], env=pg)["number"] == "P-001"
    assert [(t["number"], t["state"]) for t in run_json("queue", env=pg)] == [
        ("P-001", "waiting"),
        ("P-002", "called"),
    ]
    assert run_json("stats", env=pg)["total"]["issued"] == 2
    assert not (tmp_path / "data" / "kiosk.sqlite3").exists()  # nothing went to SQLite


# Bad input: a short message, a non-zero exit, never a traceback ------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["issue", "no-such-service"], "unknown service 'no-such-service'"),
        (["issue", "pension-new", "--lang", "xx"], "language 'xx' is not offered"),
        (["call", "--window", "99"], "unknown window '99'"),
        (["call", "--window", "1"], "nobody is waiting for window 1"),
        (["finish"], "`kiosk finish` needs a TICKET or --window W"),
        (["start", "--window", "6"], "window 6 has no called or served ticket"),
        (["show", "P-999"], "no ticket P-999 today"),
        (["cancel", "xyz"], "'xyz' is not a ticket number"),
        (["transfer", "P-001", "--to", "nowhere"], "unknown department 'nowhere'"),
        (["queue", "--day", "2026-02-30"], "--day '2026-02-30': expected a date like 2026-11-24"),
        (["stats", "--day", "yesterday"], "--day 'yesterday': expected a date like"),
    ],
)
def test_bad_input_is_refused(ready: dict[str, str], args: list[str], expected: str) -> None:
    assert expected in fail(*args, env=ready, code=1)


def test_invalid_transition_and_busy_window(ready: dict[str, str]) -> None:
    issue("pension-new", ready)
    issue("pension-new", ready)
    assert "P-001 is waiting: cannot mark it finished" in fail("finish", "P-001", env=ready, code=1)
    run("call", "-w", "6", env=ready)
    assert "window 6 has called P-001 already" in fail("call", "-w", "6", env=ready)
    assert "window 6 is busy with P-001" in fail("call", "P-002", "-w", "6", env=ready)
    assert "P-001 is called: cannot mark it finished" in fail("finish", "-w", "6", env=ready)
    assert [t["state"] for t in run_json("queue", env=ready)] == ["called", "waiting"]


def test_closed_department_names_its_hours(ready: dict[str, str]) -> None:
    hours = "hours 08:00-14:00, 14:00-20:00, last ticket 19:30"
    sunday = fail("issue", "pension-new", env=when(ready, SUNDAY_10), code=1)
    assert "Pensions is closed today" in sunday
    assert hours in sunday
    early = fail("issue", "pension-new", env=when(ready, at("07:59")))
    assert "has not opened yet" in early
    assert hours in early
    late = fail("issue", "pension-new", env=when(ready, at("19:40")))
    assert "no more tickets today" in late
    assert hours in late
    assert "last ticket" in fail("issue", "pension-new", env=when(ready, at("19:30")))

    # one minute before the cut-off is fine, and the refusals used up no number
    assert issue("pension-new", when(ready, at("19:29")))["number"] == "P-001"
    # the information desk gives tickets until 19:45
    assert issue("info-general", when(ready, at("19:40")))["number"] == "I-001"


def test_the_front_desk_changes_today_from_the_shell(ready: dict[str, str]) -> None:
    clerk = {**ready, "KIOSK_STAFF": "Ivan", "KIOSK_PIN": CLERK_PIN}
    assert "needs an administrator" in fail("department", "pensions", "--close", env=clerk, code=1)

    moved = run_json("department", "pensions", "--last-ticket", "10:30", env=ready)
    assert moved == {
        "department": "pensions",
        "closed_today": False,
        "last_ticket": "10:30",
        "open_now": True,
    }
    assert "last ticket 10:30" in fail("issue", "pension-new", env=when(ready, at("10:31")))
    assert (
        "last ticket 10:30; now closed (after cutoff)"
        in run("catalogue", env=when(ready, at("10:31"))).stdout
    )
    back = run("department", "pensions", "--usual-last-ticket", env=ready).stdout
    assert back.strip() == "pensions: open today, last ticket 19:30"
    assert "outside the hours" in fail("department", "pensions", "--last-ticket", "21:00", env=ready)
    assert "expected a time like 17:30" in fail("department", "pensions", "--last-ticket", "late", env=ready)

    assert "closed for today" in run("department", "pensions", "--close", env=ready).stdout
    assert "is closed today" in fail("issue", "pension-new", env=ready)
    run("department", "pensions", "--reopen", env=ready)
    assert issue("pension-new", ready)["number"] == "P-001"

    paused = run("window", "6", "--pause", "--reason", "break", env=clerk).stdout
    assert paused.strip() == "window 6 paused (break)"
    assert "break" in fail("call", "-w", "6", env=clerk)
    run("window", "6", "--resume", env=clerk)
    assert run_json("call", "-w", "6", env=clerk)["number"] == "P-001"
    assert "unknown window" in fail("window", "66", "--pause", "--reason", "break", env=clerk)


def test_kiosk_now_without_offset_is_refused(ready: dict[str, str]) -> None:
    stderr = fail("queue", env=when(ready, "2026-11-23T10:00:00"), code=1)
    assert "KIOSK_NOW" in stderr
    assert "UTC offset" in stderr


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("paper_width = \n", ["not valid TOML", "line 3"]),
        ('paper_width = "wide"\n', ["paper_width:", "integer", "'wide'"]),
        ('colour = "red"\n', ["colour: unknown key"]),
        ('timezone = "Mars/Olympus"\n', ["timezone:", "IANA time zone", "Mars/Olympus"]),
        ('languages = ["en", "xx"]\n', ["languages[2]:"]),
    ],
    ids=["syntax", "wrong-type", "unknown-key", "bad-timezone", "bad-language"],
)
def test_malformed_config_names_file_and_key(tmp_path: Path, body: str, expected: list[str]) -> None:
    config = write_config(tmp_path, body, name="broken.toml")
    stderr = fail("queue", env=clean_env(tmp_path, KIOSK_CONFIG=str(config)), code=2)
    assert stderr.startswith(f"kiosk: {config}: 1 problem(s)\n")
    for text in expected:
        assert text in stderr


def test_missing_config_file(tmp_path: Path, env: dict[str, str]) -> None:
    missing = tmp_path / "missing.toml"
    assert f"{missing}: 1 problem(s)" in fail("--config", str(missing), "init", env=env, code=2)
    assert "file not found" in fail("init", env={**env, "KIOSK_CONFIG": str(missing)})


def _broken_catalogue(kind: str) -> str:
    text = CATALOGUE.read_text(encoding="utf-8")
    if kind == "duplicate-prefix":
        broken = text.replace('prefix = "S"', 'prefix = "I"', 1)
    elif kind == "unknown-menu-service":
        broken = text.replace('services = ["housing-subsidy",', 'services = ["no-such-service",', 1)
    elif kind == "escape-in-a-name":
        broken = text.replace(
            'name = { en = "Information desk"', 'name = { en = "Information \\u001b[31mdesk"', 1
        )
    else:
        line = next(x for x in text.splitlines() if x.startswith('name = { en = "Information desk"'))
        broken = text.replace(line, re.sub(r'uk = "[^"]*", ', "", line), 1)
    assert broken != text
    return broken


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("duplicate-prefix", "department[2].prefix: prefix 'I' is used twice"),
        ("unknown-menu-service", "menu[1].services[1]: unknown service 'no-such-service'"),
        ("missing-translation", "department[1].name.uk: required key is missing"),
        ("escape-in-a-name", "department[1].name.en: control or format characters are not allowed"),
    ],
)
def test_malformed_catalogue_names_file_and_key(tmp_path: Path, kind: str, expected: str) -> None:
    broken = tmp_path / "catalogue.toml"
    broken.write_text(_broken_catalogue(kind), encoding="utf-8")
    config = write_config(tmp_path, 'catalogue = "catalogue.toml"\n')
    stderr = fail("init", env=clean_env(tmp_path, KIOSK_CONFIG=str(config)), code=2, max_lines=4)
    assert stderr.startswith(f"kiosk: {broken}: ")
    assert expected in stderr
    assert not (tmp_path / "data" / "kiosk.sqlite3").exists()  # refused before touching the database


@pytest.mark.parametrize(
    "args",
    [["queue"], ["catalogue"], ["issue", "pension-new"], ["scan", "K1:x"]],
)
def test_commands_before_init_say_run_init(env: dict[str, str], args: list[str]) -> None:
    stderr = fail(*args, env=env, code=3)
    assert "the database is not ready (an empty database): run `kiosk init`" in stderr


def test_missing_qr_secret_says_run_init(tmp_path: Path, ready: dict[str, str]) -> None:
    (tmp_path / "data" / "qr-secret").unlink()
    stderr = fail("issue", "pension-new", env=ready)
    assert "qr-secret is missing: run `kiosk init`" in stderr
    assert "created" in run("init", env=ready).stdout
    assert issue("pension-new", ready)["number"] == "P-001"


@pytest.mark.parametrize(
    "args", [["--db", UNREACHABLE_PG, "init"], ["queue", "--db", UNREACHABLE_PG]], ids=["init", "queue"]
)
def test_unreachable_postgresql_is_a_clear_message(env: dict[str, str], args: list[str]) -> None:
    stderr = fail(*args, env=env, code=3, max_lines=3)
    assert "database" in stderr


def test_bad_kiosk_now_names_the_variable(ready: dict[str, str]) -> None:
    stderr = fail("queue", env={**ready, "KIOSK_NOW": "garbage"})
    assert "KIOSK_NOW='garbage' is not an ISO 8601 moment" in stderr


def test_queue_of_unknown_department_is_refused(ready: dict[str, str]) -> None:
    assert "unknown department 'nowhere'" in fail("queue", "--department", "nowhere", env=ready)


# The demo -----------------------------------------------------------------------------------


def test_demo_prepares_a_centre_open_around_the_clock(tmp_path: Path) -> None:
    data = tmp_path / "demo"
    # 03:00 on a Sunday: a real centre is closed, the demo centre is open around the clock.
    env = clean_env(tmp_path, KIOSK_DATA_DIR=str(data), KIOSK_NOW="2026-11-22T03:00:00+02:00")
    assert "KIOSK_CONFIG" not in env
    out = run("demo", "--no-kiosk", env=env).stdout
    assert "catalogue" in out and "loaded" in out
    assert "Demo staff: 'Demo admin', PIN 1234" in out
    assert (data / "kiosk.sqlite3").is_file()
    assert (data / "qr-secret").is_file()
    assert not (tmp_path / "xdg").exists()
    demo_config = str(Path(__file__).parents[1] / "data" / "demo.toml")
    ticket = json.loads(run("--config", demo_config, "issue", "pension-new", "--json", env=env).stdout)
    assert ticket["number"] == "P-001" and ticket["print"]["status"] == "printed"
    staff = json.loads(run("--config", demo_config, "staff", "list", "--json", env=env).stdout)
    assert [(m["name"], m["role"]) for m in staff] == [("Demo admin", "admin")]
    assert "Demo staff" in run("demo", "--no-kiosk", env=env).stdout  # again: the admin is not doubled


def test_lobby_web_serves_the_kiosk_to_a_browser(ready: dict[str, str]) -> None:
    import socket
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "cli", "lobby", "--web", "--port", str(port), "--font-size", "24"],
        env=ready, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        page = ""
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/?fontsize=24", timeout=2) as reply:
                    page = reply.read().decode()
                break
            except OSError:
                time.sleep(0.1)
        assert f"ws://127.0.0.1:{port}/ws" in page and 'data-font-size="24"' in page
    finally:
        server.terminate()
        server.communicate(timeout=10)  # reaped, and its pipes read and closed


# announce -----------------------------------------------------------------------------------


def test_announce_prints_what_the_hall_hears(tmp_path: Path, ready: dict[str, str]) -> None:
    """Centre languages (uk, en), then the ticket's own (vi); the window it is at, else its first."""
    issue("pension-new", ready, "--lang", "vi", "--no-print")
    expected = "uk\tТалон ер 1, вікно 6\nen\tTicket P 1, window 6\nvi\tPhiếu số P 1, mời đến quầy 6\n"
    assert run("announce", "P-001", env=ready).stdout == expected, "not called yet: its first window"
    run("call", "P-001", "--window", "7", env=ready)
    assert run("announce", "P-001", env=ready).stdout == expected.replace("6", "7")
    data = run_json("announce", "P-001", "--window", "8", env=ready)
    assert data["ticket"] == "P-001" and data["window"] == "8" and data["clashes"] == []
    assert [a["language"] for a in data["announcements"]] == ["uk", "en", "vi"]
    assert data["announcements"][0]["text"] == "Талон ер 1, вікно 8"
    assert "unknown window '99'" in fail("announce", "P-001", "--window", "99", env=ready)
    assert "P-404" in fail("announce", "P-404", env=ready)


def test_announce_notes_prefixes_said_alike(tmp_path: Path) -> None:
    """A centre whose insurance prefix is C: its C-001 sounds like S-001 to a Ukrainian reader."""
    (tmp_path / "catalogue.toml").write_text(
        CATALOGUE.read_text(encoding="utf-8").replace('prefix = "K"', 'prefix = "C"', 1), encoding="utf-8"
    )
    env = clean_env(tmp_path, KIOSK_CONFIG=str(write_config(tmp_path, 'catalogue = "catalogue.toml"\n')))
    run("init", env=env)
    issue("sick-maternity-pay", env, "--lang", "en", "--no-print")
    result = run("announce", "C-001", env=env)
    assert result.stdout.splitlines() == ["uk\tТалон ес 1, вікно 17", "en\tTicket C 1, window 17"]
    assert result.stderr == (
        "note: in uk, S and C are said alike ('ес'); give one of their departments a `spoken` entry in "
        "the catalogue\n"
    )


@needs_tool("espeak-ng")
def test_announce_plays_to_wav_files(tmp_path: Path, ready: dict[str, str]) -> None:
    issue("pension-new", ready, "--lang", "ru", "--no-print")
    folder = tmp_path / "hall"
    run("announce", "P-001", "--wav", str(folder), env=ready)
    files = sorted(folder.glob("*.wav"))
    assert [f.name for f in files] == ["0001-chime.wav", "0002-uk.wav", "0003-en.wav", "0004-ru.wav"]
    for path in files:
        with wave.open(str(path)) as audio:
            assert audio.getnframes() / audio.getframerate() > 0.5, path.name
    (tmp_path / "file").write_text("x")
    assert "--wav" in fail("announce", "P-001", "--wav", str(tmp_path / "file"), env=ready)


# Booked visits ------------------------------------------------------------------------------


def test_book_check_in_and_call_from_the_shell(ready: dict[str, str], tmp_path: Path) -> None:
    booked = run_json(
        "book", "pension-new", "--at", f"{DAY}T10:20", "--lang", "uk", "--name", "Olha", env=ready
    )
    assert {k: booked[k] for k in ("service", "department", "at", "language", "state")} == {
        "service": "pension-new", "department": "pensions", "at": f"{DAY}T10:20:00+02:00",
        "language": "uk", "state": "booked",
    }  # fmt: skip
    code = booked["code"]
    assert re.fullmatch(r"[ACEFHJKMNPRTUVWXY34679]{6}", code)
    text = run("book", "pension-new", "--at", f"{DAY}T10:20", env=ready).stdout
    assert re.fullmatch(
        rf"Booked [A-Z0-9]{{6}} \(number code \d{{3}} \d{{3}} \d{{3}}\): pension-new \(pensions\) "
        rf"at {DAY} 10:20, language en\n",
        text,
    )
    assert "is full" in fail("book", "pension-new", "--at", f"{DAY}T10:20", env=ready)
    assert "expected a local time like" in fail("book", "pension-new", "--at", "10:20", env=ready)
    slots = run_json("slots", "pension-new", env=ready)
    assert slots[0] == {"at": f"{DAY}T10:20:00+02:00", "capacity": 2, "free": 0}

    walk_in = issue("pension-recalc", when(ready, at("10:05")), "--no-print")
    early = fail("checkin", code, env=when(ready, at("10:04")))
    assert early == f"kiosk: booking {code} is for 23.11.2026 10:20: check in from 10:05\n"
    ticket = run_json("checkin", code.lower(), "--no-print", env=when(ready, at("10:12")))
    assert ticket.keys() == issue("pension-new", ready, "--no-print").keys(), "the same JSON as `kiosk issue`"
    assert ticket["booked_at"] == f"{DAY}T10:20:00+02:00" and ticket["language"] == "uk"
    assert "was checked in already" in fail("checkin", code, env=ready)
    called = run_json("call", "-w", "6", env=when(ready, at("10:20")))
    assert called["number"] == ticket["number"] != walk_in["number"], "the booked visitor before the walk-in"

    listed = run_json("bookings", env=ready)
    first = listed[0]
    assert (first["code"], first["state"], first["ticket"]) == (code, "checked_in", ticket["number"])
    other = listed[1]["code"]
    assert run("unbook", other, env=ready).stdout == f"booking {other} cancelled\n"
    assert "was cancelled" in fail("checkin", other, env=when(ready, at("10:15")))
    nobody = {k: v for k, v in ready.items() if k not in ("KIOSK_STAFF", "KIOSK_PIN")}
    assert "is a staff action" in fail("book", "pension-new", "--at", f"{DAY}T11:00", env=nobody)
    assert "is a staff action" in fail("bookings", env=nobody), "names and phones are for staff"


def test_bookings_import_is_all_or_nothing(ready: dict[str, str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "service,at,name,phone\n"
        "pension-new,2026-11-23T11:00,Olha,050 123 45 67\n"
        "pension-new,2026-11-23T11:05,,\n"
        "pension-new,2026-11-23T11:20,,call me\n",
        encoding="utf-8",
    )
    refused = fail("bookings", "import", str(bad), env=ready, max_lines=3)
    assert refused.splitlines() == [
        f"kiosk: {bad}: 2 bad row(s), nothing imported",
        "  line 3: no slot of pension-new starts at 11:05; slots start at 08:00, 08:20, 08:40, 09:00, "
        "09:20, 09:40, ...",
        "  line 4: phone 'call me': expected digits, spaces, + - ( ), at most 32",
    ]
    assert run_json("bookings", env=ready) == []
    good = tmp_path / "good.csv"
    good.write_text("\ufeffservice,at,language\npension-new,2026-11-23T11:00,ro\n", encoding="utf-8")
    clerk = {**ready, "KIOSK_STAFF": "Ivan", "KIOSK_PIN": CLERK_PIN}
    assert "this needs an administrator" in fail("bookings", "import", str(good), env=clerk)
    imported = run_json("bookings", "import", str(good), env=ready)
    assert [(b["service"], b["language"], b["source"]) for b in imported] == [("pension-new", "ro", "import")]
