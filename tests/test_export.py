"""Per-hour figures, per-department SLA targets and the CSV export, on a known day worked out by hand.

The centre runs a copy of the shipped catalogue in which pensions has its own 5-minute SLA target
(`sla_minutes = 5`); every other department keeps the centre's 15 minutes. The day, in Kyiv (+02:00):

    09:50 A P-001 pension-new issued             10:30 C called at 7 (waited 30:00)
    09:55 B E-001 job-register issued (uk, int.) 10:34 C no-show
    10:00 C P-002 pension-recalc issued; its     11:00 D I-001 quick transaction at the desk
          print fails, reprinted at 10:01        11:05 E P-003 pension-new issued (veteran)
    10:02 A called at 6 (waited 12:00)           11:09 E called at 6 (waited 4:00)
    10:03 A started                              11:10 E started
    10:05 B called at 9 (waited 10:00)           11:22 E transferred to employment (served 12:00)
    10:06 B started                              11:40 E called at 10 (waited 18:00 in employment)
    10:10 A finished (served 7:00)               11:41 E started; 11:50 E finished (served 9:00)
    10:20 B finished (served 14:00)              12:10 F P-004 pension-certificate issued; print fails

and the figures are taken at 12:20, when F has waited 10 minutes.
"""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from kiosk.clock import FixedClock
from kiosk.config import Settings
from kiosk.domain.hourly import HourStats, hourly
from kiosk.domain.stats import day_stats
from kiosk.domain.tickets import EventView
from kiosk.presentation.export import TICKET_COLUMNS, export_day
from kiosk.presentation.figures import STATS_COLUMNS, stats_json
from kiosk.presentation.rating_figures import SUMMARY_COLUMNS, summary_rows
from kiosk.service import QueueService
from tests.conftest import KYIV, MONDAY_10, make_settings
from tests.test_cli import CATALOGUE, clean_env, run, run_json, write_config

DAY = MONDAY_10.date()


def at(hh_mm: str) -> datetime:
    hour, minute = hh_mm.split(":")
    return datetime(2026, 11, 23, int(hour), int(minute), tzinfo=KYIV)


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    """The centre's settings with a catalogue copy in which pensions has a 5-minute SLA target."""
    text = CATALOGUE.read_text(encoding="utf-8")
    marker = 'code = "pensions"\n'
    assert text.count(marker) == 1
    catalogue = tmp_path / "catalogue.toml"
    catalogue.write_text(text.replace(marker, marker + "sla_minutes = 5\n"), encoding="utf-8")
    return make_settings(tmp_path, db_url, catalogue=catalogue)


@pytest.fixture
def day(service: QueueService, clock: FixedClock) -> dict[str, int]:
    """Play the day of the module docstring; returns the ticket ids by letter. The clock ends at 12:20."""

    def step(hh_mm: str) -> None:
        clock.set(at(hh_mm))

    step("09:50")
    a = service.issue("pension-new").ticket
    step("09:55")
    b = service.issue("job-register", language="uk", interpreter=True).ticket
    step("10:00")
    c = service.issue("pension-recalc").ticket
    service.record_notice("print_failed", c.id, {"reason": "paper_out", "reprint": False})
    step("10:01")
    service.record_notice("reprinted", c.id, {"printer": "test"}, staff="iryna")
    step("10:02")
    assert service.call_next("6").id == a.id
    step("10:03")
    service.start(a.code)
    step("10:05")
    assert service.call_next("9").id == b.id
    step("10:06")
    service.start(b.code)
    step("10:10")
    service.finish(a.code)
    step("10:20")
    service.finish(b.code)
    step("10:30")
    assert service.call_next("7").id == c.id
    step("10:34")
    service.no_show(c.code)
    step("11:00")
    d = service.quick_transaction("info-general", staff="iryna")
    step("11:05")
    e = service.issue("pension-new", priority="veteran").ticket
    step("11:09")
    assert service.call_next("6").id == e.id
    step("11:10")
    service.start(e.code)
    step("11:22")
    service.transfer(e.code, "employment")
    step("11:40")
    assert service.call_next("10").id == e.id
    step("11:41")
    service.start(e.code)
    step("11:50")
    service.finish(e.code)
    step("12:10")
    f = service.issue("pension-certificate").ticket
    service.record_notice("print_failed", f.id, {"reason": "offline", "reprint": False})
    step("12:20")
    return {"A": a.id, "B": b.id, "C": c.id, "D": d.id, "E": e.id, "F": f.id}


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as file:
        reader = csv.DictReader(file)
        return list(reader.fieldnames or []), list(reader)


# Per-department SLA ---------------------------------------------------------------------------


def test_each_department_is_judged_by_its_own_sla_target(service: QueueService, day: dict[str, int]) -> None:
    assert (service.sla_seconds("pensions"), service.sla_seconds("employment")) == (300, 900)
    stats = service.stats()
    rows = {d.department: d for d in stats.departments}
    pensions, employment = rows["pensions"], rows["employment"]

    assert stats.sla_seconds == 900  # the centre's default
    assert stats.sla_of("pensions") == 300 and stats.sla_of("info") == 900
    assert (pensions.sla_seconds, employment.sla_seconds, stats.total.sla_seconds) == (300, 900, None)
    # pensions, 5 min: A 12:00 and C 30:00 over, E 4:00 not, F still waiting 10:00 over
    assert (pensions.over_sla, pensions.sla_base) == (3, 4)
    # employment, 15 min: B 10:00 not over, E 18:00 over
    assert (employment.over_sla, employment.sla_base) == (1, 2)
    # all: each wait by its own department's target; with one 15-min target it would be 2 of 5
    assert (stats.total.over_sla, stats.total.sla_base) == (4, 6)

    data = stats_json(stats)
    assert data["sla_minutes"] == 15
    by_code = {d["department"]: d for d in data["departments"]}
    assert (by_code["pensions"]["sla_minutes"], by_code["info"]["sla_minutes"]) == (5, 15)
    assert data["total"]["sla_minutes"] is None


def test_day_stats_takes_one_target_or_a_mapping(service: QueueService, day: dict[str, int]) -> None:
    events = service.ticket_events()
    departments = ["pensions", "employment", "info"]
    until = service.now()

    single = day_stats(events, departments, 900, until)
    assert single.sla_seconds == 900 and single.total.sla_seconds == 900
    assert (single.total.over_sla, single.total.sla_base) == (2, 5)  # C and E's employment wait

    mapping = day_stats(events, departments, {"pensions": 300, "employment": 900, "info": 900}, until)
    assert mapping.sla_seconds == 900  # the most common target, when no default is given
    assert (mapping.total.over_sla, mapping.total.sla_base) == (4, 6)
    assert mapping.sla_by_department == {"pensions": 300, "employment": 900, "info": 900}

    # departments the mapping leaves out get the default
    partial = day_stats(events, departments, {"pensions": 300}, until, default_sla_seconds=1200)
    assert (partial.sla_seconds, partial.sla_of("employment")) == (1200, 1200)
    rows = {d.department: d for d in partial.departments}
    assert (rows["employment"].over_sla, rows["employment"].sla_base) == (0, 2)  # 18:00 <= 20:00


# Per hour -------------------------------------------------------------------------------------


def test_hourly_arrivals_and_waits_by_the_hour_of_the_call(
    service: QueueService, day: dict[str, int]
) -> None:
    assert service.hourly() == [
        HourStats(hour=9, arrivals=2, waits=0, wait_mean=None, wait_max=None),  # A, B
        # C arrives; A (12:00), B (10:00) and C (30:00) are called
        HourStats(hour=10, arrivals=1, waits=3, wait_mean=1040.0, wait_max=1800.0, walk_in_wait_mean=1040.0),
        # D (quick, no wait) and E arrive; E is called twice: 4:00 in pensions, 18:00 in employment
        HourStats(hour=11, arrivals=2, waits=2, wait_mean=660.0, wait_max=1080.0, walk_in_wait_mean=660.0),
        HourStats(hour=12, arrivals=1, waits=0, wait_mean=None, wait_max=None),  # F, still waiting
    ]
    assert service.hourly(DAY + timedelta(days=1)) == []


def test_hourly_uses_the_centres_local_hours(service: QueueService, day: dict[str, int]) -> None:
    events: list[EventView] = service.ticket_events()
    assert [h.hour for h in hourly(events, KYIV)] == [9, 10, 11, 12]
    assert [h.hour for h in hourly(events, ZoneInfo("UTC"))] == [7, 8, 9, 10]
    assert sum(h.arrivals for h in hourly(events, ZoneInfo("Asia/Tokyo"))) == 6


# Export ---------------------------------------------------------------------------------------

TICKETS = {
    "A": {
        "number": "P-001", "department": "pensions", "origin": "pensions", "service": "pension-new",
        "language": "en", "priority": "", "interpreter": "no", "state": "done", "window": "6",
        "issued_at": "2026-11-23T09:50:00+02:00", "first_called_at": "2026-11-23T10:02:00+02:00",
        "started_at": "2026-11-23T10:03:00+02:00", "finished_at": "2026-11-23T10:10:00+02:00",
        "wait_seconds": "720", "service_seconds": "420", "print_failed": "no", "booked_at": "",
    },
    "B": {
        "number": "E-001", "department": "employment", "origin": "employment", "service": "job-register",
        "language": "uk", "priority": "", "interpreter": "yes", "state": "done", "window": "9",
        "issued_at": "2026-11-23T09:55:00+02:00", "first_called_at": "2026-11-23T10:05:00+02:00",
        "started_at": "2026-11-23T10:06:00+02:00", "finished_at": "2026-11-23T10:20:00+02:00",
        "wait_seconds": "600", "service_seconds": "840", "print_failed": "no", "booked_at": "",
    },
    "C": {  # its failed print was reprinted; a no-show keeps the window that called it
        "number": "P-002", "department": "pensions", "origin": "pensions", "service": "pension-recalc",
        "language": "en", "priority": "", "interpreter": "no", "state": "no_show", "window": "7",
        "issued_at": "2026-11-23T10:00:00+02:00", "first_called_at": "2026-11-23T10:30:00+02:00",
        "started_at": "", "finished_at": "", "wait_seconds": "1800", "service_seconds": "",
        "print_failed": "no", "booked_at": "",
    },
    "D": {  # the quick transaction: served at the desk at once, no wait counted
        "number": "I-001", "department": "info", "origin": "info", "service": "info-general",
        "language": "en", "priority": "", "interpreter": "no", "state": "done", "window": "",
        "issued_at": "2026-11-23T11:00:00+02:00", "first_called_at": "",
        "started_at": "2026-11-23T11:00:00+02:00", "finished_at": "2026-11-23T11:00:00+02:00",
        "wait_seconds": "", "service_seconds": "0", "print_failed": "no", "booked_at": "",
    },
    "E": {  # transferred: waits 4:00 + 18:00, served 12:00 + 9:00, first call and first start
        "number": "P-003", "department": "employment", "origin": "pensions", "service": "job-register",
        "language": "en", "priority": "veteran", "interpreter": "no", "state": "done", "window": "10",
        "issued_at": "2026-11-23T11:05:00+02:00", "first_called_at": "2026-11-23T11:09:00+02:00",
        "started_at": "2026-11-23T11:10:00+02:00", "finished_at": "2026-11-23T11:50:00+02:00",
        "wait_seconds": "1320", "service_seconds": "1260", "print_failed": "no", "booked_at": "",
    },
    "F": {  # still waiting at 12:20: its wait so far, as the statistics count it today
        "number": "P-004", "department": "pensions", "origin": "pensions", "service": "pension-certificate",
        "language": "en", "priority": "", "interpreter": "no", "state": "waiting", "window": "",
        "issued_at": "2026-11-23T12:10:00+02:00", "first_called_at": "", "started_at": "",
        "finished_at": "", "wait_seconds": "600", "service_seconds": "", "print_failed": "yes",
        "booked_at": "",
    },
}  # fmt: skip

SUMMARY = {  # STATS_COLUMNS after "department", separated by "|"
    # waits 12:00, 30:00, 4:00; services 7:00, 12:00; F waiting; over 5 min: A, C, F of 4
    # quotes at issue (12 min a visitor, 3 windows): A 0 (waited 12), C 4 (30), E 0 (4): 1 of 3 within 5
    "pensions": "4|1|1|1|50%|15.3|12.0|30.0|30.0|9.5|9.5|12.0|12.0|75%|15.3|||0|0||3|14.0|33%",
    # waits 10:00, 18:00; services 14:00, 9:00; over 15 min: E of 2
    "employment": "1|0|2|0|0%|14.0|14.0|18.0|18.0|11.5|11.5|14.0|14.0|50%|14.0|||0|0||1|10.0|0%",
    # the quick transaction: served in no time, no wait
    "info": "1|0|1|0|0%|||||0.0|0.0|0.0|0.0|||||0|0||0||",  # D served at once, never called
    "psychology": "0|0|0|0||||||||||||||0|0||0||",
    # waits 4:00 10:00 12:00 18:00 30:00; services 0 7:00 9:00 12:00 14:00; over 4 of 6
    # quotes: errors 12, 10, 26, 4: mean 13.0, 1 of 4 within 5 minutes
    "all": "6|1|4|1|20%|14.8|12.0|30.0|30.0|8.4|9.0|14.0|14.0|67%|14.8|||0|0||4|13.0|25%",
}


def test_export_writes_the_tickets_and_the_summary_of_the_day(
    service: QueueService, day: dict[str, int], tmp_path: Path
) -> None:
    folder = tmp_path / "out" / "exports"  # made when missing
    tickets, summary = export_day(service, None, folder)
    assert (tickets, summary) == (folder / "tickets-2026-11-23.csv", folder / "summary-2026-11-23.csv")
    assert sorted(p.name for p in folder.iterdir()) == ["summary-2026-11-23.csv", "tickets-2026-11-23.csv"]

    header, rows = read_csv(tickets)
    assert header == TICKET_COLUMNS
    ids = {ticket_id: letter for letter, ticket_id in day.items()}
    assert [ids[int(row["id"])] for row in rows] == ["A", "B", "C", "D", "E", "F"]
    for row in rows:
        letter = ids[int(row.pop("id"))]
        assert row == TICKETS[letter], letter

    header, rows = read_csv(summary)
    assert header == SUMMARY_COLUMNS  # the day's figures, then the ratings'
    assert [row["department"] for row in rows] == [
        *(d.code for d in service.catalogue.department),
        "all",
    ]
    by_code = {row["department"]: [row[c] for c in STATS_COLUMNS[1:]] for row in rows}
    for code, expected in SUMMARY.items():
        assert by_code[code] == expected.split("|"), code
    # the summary is exactly `kiosk stats --csv`
    summaries = summary_rows(service.stats(), service.ratings())
    assert rows == [dict(zip(SUMMARY_COLUMNS, r, strict=True)) for r in summaries]


def test_export_of_a_past_day_leaves_open_periods_out(
    service: QueueService, day: dict[str, int], clock: FixedClock, tmp_path: Path
) -> None:
    clock.set(at("09:00") + timedelta(days=1))
    tickets, summary = export_day(service, DAY, tmp_path)
    rows = {int(row["id"]): row for row in read_csv(tickets)[1]}
    assert (rows[day["F"]]["state"], rows[day["F"]]["wait_seconds"]) == ("waiting", "")
    assert rows[day["E"]]["wait_seconds"] == "1320"
    totals = read_csv(summary)[1][-1]
    assert (totals["department"], totals["waiting_now"], totals["over_sla_share"]) == ("all", "0", "60%")
    # a day without tickets gives the headers and zero rows
    tickets, summary = export_day(service, None, tmp_path)
    assert tickets.name == "tickets-2026-11-24.csv"
    assert read_csv(tickets) == (TICKET_COLUMNS, [])
    assert read_csv(summary)[1][-1]["issued"] == "0"


def test_export_again_replaces_the_files(service: QueueService, day: dict[str, int], tmp_path: Path) -> None:
    first, _ = export_day(service, None, tmp_path)
    service.cancel(day["F"], reason="left")
    again, _ = export_day(service, None, tmp_path)
    assert again == first
    assert read_csv(again)[1][-1]["state"] == "cancelled"
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".tmp") == []


# The command ----------------------------------------------------------------------------------


def test_export_command_prints_the_paths(tmp_path: Path) -> None:
    env = clean_env(tmp_path, KIOSK_CONFIG=str(write_config(tmp_path)))
    run("init", env=env)
    run("issue", "pension-new", "--lang", "uk", "--no-print", env=env)
    out: Any = run_json("export", env=env)
    exports = tmp_path / "data" / "exports"
    assert out == {
        "day": "2026-11-23",
        "tickets": str(exports / "tickets-2026-11-23.csv"),
        "summary": str(exports / "summary-2026-11-23.csv"),
    }
    header, rows = read_csv(Path(out["tickets"]))
    assert header == TICKET_COLUMNS and len(rows) == 1
    assert (rows[0]["number"], rows[0]["language"], rows[0]["issued_at"]) == (
        "P-001",
        "uk",
        "2026-11-23T10:00:00+02:00",
    )
    assert Path(out["summary"]).read_text(encoding="utf-8") == run("stats", "--csv", env=env).stdout

    text = run("export", "--day", "2026-11-20", "--dir", str(tmp_path / "elsewhere"), env=env).stdout
    assert text.splitlines() == [
        str(tmp_path / "elsewhere" / "tickets-2026-11-20.csv"),
        str(tmp_path / "elsewhere" / "summary-2026-11-20.csv"),
    ]
