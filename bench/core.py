"""`kiosk bench` and `python -m bench.core`: speed figures on a scratch SQLite file and, when a server
is at hand, a scratch PostgreSQL database: issue latency, issue throughput with 8 processes, call-next
latency with 10,000 waiting, printing, the terminals' screens, and the cold starts of `kiosk --help`,
`kiosk issue` and the libraries it imports. It prints figures beside their goals and never fails on a
slow figure. Nothing is left behind: temporary folders, and PostgreSQL databases dropped at the end.

Usage: python -m bench.core [--quick] [--json] [--pg URL|none] (the options of `kiosk bench`)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench import compare
from bench.booked import booked_call_next
from bench.terminals import admin_figures, installed_env, measure_display, measure_lobby
from cli import main, render
from harness import loadgen
from kiosk.config import Settings
from kiosk.errors import KioskError
from kiosk.runtime import initialise, open_service

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
SKIP_PG = ("", "none")
# Services of four departments for the issue figures; pensions is kept for the call-next figure.
ISSUE_SERVICES = ["info-general", "housing-subsidy", "job-register", "care-at-home"]
CALL_SERVICE = "pension-new"
CALL_WINDOW = "6"
GOALS = {"issue_p50_ms": 5.0, "call_next_p50_ms": 5.0, "pg_issue_throughput_per_s": 200.0}
COLD_RUNS = 5
# What `kiosk issue` imports that is not the kiosk's: the storage, settings and ticket drawing.
LIBRARIES = (
    "sqlalchemy.orm",
    "sqlalchemy.dialects.sqlite",
    "pydantic",
    "PIL.ImageDraw",
    "PIL.ImageFont",
    "qrcode",
)


@dataclass(frozen=True)
class Sizes:
    sequential: int
    processes: int
    per_process: int
    waiting: int
    cycles: int


FULL = Sizes(sequential=500, processes=8, per_process=250, waiting=10_000, cycles=200)
QUICK = Sizes(sequential=100, processes=8, per_process=40, waiting=10_000, cycles=50)
# The test suite's run (`--quick` with KIOSK_BENCH_SMOKE=1): every figure, at a fraction of the sizes.
SMOKE = Sizes(sequential=20, processes=4, per_process=10, waiting=500, cycles=10)
SMOKE_ENV = "KIOSK_BENCH_SMOKE"


def _progress(text: str) -> None:
    print(f"bench: {text}", file=sys.stderr, flush=True)


def _ms(seconds: list[float]) -> tuple[float, float]:
    """p50 and p95 in milliseconds."""
    p95 = statistics.quantiles(seconds, n=100, method="inclusive")[94] if len(seconds) > 1 else seconds[0]
    return round(statistics.median(seconds) * 1000, 3), round(p95 * 1000, 3)


def _timed(action: Callable[[], object]) -> float:
    began = time.perf_counter()
    action()
    return time.perf_counter() - began


def measure(name: str, url: str, data_dir: Path, sizes: Sizes) -> dict[str, Any]:
    """All database figures on one empty database."""
    settings = Settings(data_dir=data_dir, database_url=url, open_around_the_clock=True)
    initialise(settings)
    service = open_service(settings)
    try:
        for i in range(5):  # warm-up: connection, statements, catalogue
            service.issue(ISSUE_SERVICES[i % len(ISSUE_SERVICES)], source="bench")

        _progress(f"{name}: issuing {sizes.sequential} tickets one by one")
        sequential = []
        for i in range(sizes.sequential):
            began = time.perf_counter()
            service.issue(ISSUE_SERVICES[i % len(ISSUE_SERVICES)], source="bench")
            sequential.append(time.perf_counter() - began)
        issue_p50, issue_p95 = _ms(sequential)

        total = sizes.processes * sizes.per_process
        _progress(f"{name}: {sizes.processes} processes issuing {sizes.per_process} tickets each")
        jobs = [
            (settings.model_dump(), sizes.per_process, ISSUE_SERVICES[p % 4 :] + ISSUE_SERVICES[: p % 4])
            for p in range(sizes.processes)
        ]
        results, elapsed = loadgen.run_together(loadgen.issue_many, jobs)
        concurrent_p50, concurrent_p95 = _ms([row[3] for rows in results for row in rows])

        _progress(f"{name}: filling {sizes.waiting} waiting tickets, then {sizes.cycles} call-next cycles")
        fill = _timed(lambda: loadgen.add_waiting(service, CALL_SERVICE, sizes.waiting, source="bench"))
        calls = []
        for _ in range(sizes.cycles):
            began = time.perf_counter()
            ticket = service.call_next(CALL_WINDOW, staff="bench")
            calls.append(time.perf_counter() - began)
            service.start(ticket.id, window=CALL_WINDOW, staff="bench")
            service.finish(ticket.id, window=CALL_WINDOW, staff="bench")
        call_p50, call_p95 = _ms(calls)
        return {
            "issue_count": sizes.sequential,
            "issue_p50_ms": issue_p50,
            "issue_p95_ms": issue_p95,
            "concurrent_processes": sizes.processes,
            "concurrent_tickets": total,
            "concurrent_seconds": round(elapsed, 3),
            "issue_throughput_per_s": round(total / elapsed, 1),
            "concurrent_issue_p50_ms": concurrent_p50,
            "concurrent_issue_p95_ms": concurrent_p95,
            "waiting": sizes.waiting,
            "fill_seconds": round(fill, 3),
            "call_next_count": sizes.cycles,
            "call_next_p50_ms": call_p50,
            "call_next_p95_ms": call_p95,
        }
    finally:
        service.db.dispose()


def cold_start(runs: int = COLD_RUNS, *args: str, env: dict[str, str] | None = None) -> float:
    """Median milliseconds of `python -m cli ARGS` (`--help` by default) in a fresh interpreter,
    from its start to its result, as installed (`installed_env`). A first run, which writes the
    bytecode and compiles the translations into the cache, is left out."""
    return _median_ms([sys.executable, "-m", "cli", *(args or ("--help",))], installed_env(env), runs)


def cold_libraries(runs: int = COLD_RUNS) -> float:
    """Median milliseconds of a fresh interpreter that only imports the libraries `kiosk issue`
    stands on (`LIBRARIES`), its collector held as the `kiosk` command holds it: the floor under
    `cold_issue` whatever the kiosk's own code does, and where a slower library shows."""
    code = f"import gc; gc.disable(); import {', '.join(LIBRARIES)}"
    return _median_ms([sys.executable, "-c", code], installed_env(), runs)


def _median_ms(command: list[str], env: dict[str, str], runs: int) -> float:
    """Median milliseconds of `runs` runs of `command`, after one left out (it may write bytecode)."""
    times = [_run_seconds(command, env) for _ in range(runs + 1)]
    return round(statistics.median(times[1:]) * 1000, 1)


def _run_seconds(command: list[str], env: dict[str, str]) -> float:
    """Seconds from starting `command` to its end. Waited for without a timeout, which would make
    `wait` poll every 50 ms and round each run up to the next poll; a run past a minute is killed."""
    began = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, env=env)
    killer = threading.Timer(60, child.kill)
    killer.start()
    try:
        code = child.wait()
    finally:
        killer.cancel()
    ended = time.perf_counter()
    if code:
        raise subprocess.CalledProcessError(code, command)
    return ended - began


def cold_issue(data_dir: Path, runs: int = COLD_RUNS) -> float:
    """Median milliseconds of `kiosk issue` in a fresh interpreter: a ticket saved and printed to
    the preview printer, as a script that issues through the CLI does."""
    config = data_dir / "bench.toml"
    config.write_text('centre_name = "Bench centre"\nopen_around_the_clock = true\nspeech = false\n')
    env = {**os.environ, "KIOSK_CONFIG": str(config), "KIOSK_DATA_DIR": str(data_dir)}
    init = [sys.executable, "-m", "cli", "init"]
    subprocess.run(init, check=True, env=env, capture_output=True, timeout=60)
    return cold_start(runs, "issue", "pension-new", "--lang", "uk", env=env)


def _libpq(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _safe(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def pg_server(option: str | None) -> tuple[str | None, str]:
    """The PostgreSQL server to measure on, or None and why not.

    No option (and no KIOSK_BENCH_PG_URL): the default local server when it answers. "none" or an
    empty string: skip. A URL given explicitly must answer."""
    import psycopg

    if option is not None and option.strip().lower() in SKIP_PG:
        return None, "skipped (--pg none)"
    url = option.strip() if option is not None else DEFAULT_PG
    try:
        psycopg.connect(_libpq(url), connect_timeout=3).close()
    except psycopg.Error as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if option is not None:
            raise KioskError(f"--pg {_safe(url)}: cannot connect: {reason}") from None
        return None, f"skipped (no server at {_safe(url)}: {reason})"
    return url, f"on {_safe(url)}"


@contextmanager
def scratch_database(server: str) -> Iterator[str]:
    """A new database with a random name on `server`, dropped (WITH (FORCE)) afterwards."""
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    name = f"kiosk_bench_{secrets.token_hex(6)}"
    with psycopg.connect(_libpq(server), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(_libpq(server), autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def run(quick: bool, pg_option: str | None) -> dict[str, Any]:
    smoke = quick and os.environ.get(SMOKE_ENV) == "1"
    sizes = SMOKE if smoke else QUICK if quick else FULL
    report: dict[str, Any] = {
        "quick": quick,
        "sizes": asdict(sizes),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "machine": compare.machine(),
        "commit": compare.commit(),
        "goals": GOALS,
    }
    server, note = pg_server(pg_option)
    booked_line = min(2000, sizes.waiting) if quick else sizes.waiting  # walk-ins before the booked
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        report["sqlite"] = measure("sqlite", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", Path(tmp), sizes)
    _progress(f"sqlite: call-next with booked visitors and the guard on, {booked_line} waiting")
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'booked.sqlite3'}"
        report["sqlite"].update(booked_call_next(url, Path(tmp), booked_line, sizes.cycles))
    report["postgresql"] = None
    report["postgresql_note"] = note
    if server is not None:
        with scratch_database(server) as url, tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
            report["postgresql"] = measure("postgresql", url, Path(tmp), sizes)
        _progress(f"postgresql: call-next with booked visitors and the guard on, {booked_line} waiting")
        with scratch_database(server) as url, tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
            report["postgresql"].update(booked_call_next(url, Path(tmp), booked_line, sizes.cycles))
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        report["printing"] = measure_printing(Path(tmp), sizes.sequential)
    _progress("lobby kiosk: first frame, tap to print job")
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        report["lobby"] = measure_lobby(Path(tmp), 3 if smoke else 10 if quick else 50)
    _progress("lobby display: call to display across processes, idle CPU")
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        calls, idle = (2, 1.0) if smoke else (5, 3.0) if quick else (30, 10.0)
        report["display"] = measure_display(Path(tmp), calls, idle)
    desk_tickets = 500 if smoke else 5000
    _progress(f"front desk: open over {desk_tickets:,} tickets, apply one change")
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        settings = Settings(data_dir=Path(tmp), open_around_the_clock=True, speech=False)
        initialise(settings)
        report["admin"] = admin_figures(settings, desk_tickets, 2 if smoke else 5 if quick else 20)
    _progress(f"cold start: `kiosk --help`, `kiosk issue` and its libraries alone {COLD_RUNS} times")
    report["cold_start_help_ms"] = cold_start()
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        report["cold_issue_ms"] = cold_issue(Path(tmp))
    report["cold_libraries_ms"] = cold_libraries()
    return report


def measure_printing(data_dir: Path, count: int) -> dict[str, float]:
    """Render + encode of real tickets in every language (the printer's own second is not ours), and
    issue to ready print job: from the call to `issue()` (saving) to the job's bytes, made as the
    kiosk makes them (content, drawing, encoding), with the parts that never change drawn ahead as
    the lobby kiosk draws them after its first frame (and how long that took)."""
    from kiosk.domain.languages import LANGUAGES
    from printer.printing import TicketPrinter

    _progress(f"printing: issue, render + encode {count} tickets")
    settings = Settings(data_dir=data_dir, open_around_the_clock=True)
    initialise(settings)
    service = open_service(settings)
    printer = TicketPrinter(service)
    began = time.perf_counter()
    drawn = printer.draw_ahead().result()  # as the lobby kiosk does after its first frame
    ahead_seconds = time.perf_counter() - began
    codes = [s.code for d in service.catalogue.department for s in d.service]
    seconds: list[float] = []
    saving: list[float] = []
    to_job: list[float] = []
    sizes: list[int] = []
    try:
        for index in range(count):
            began = time.perf_counter()
            issued = service.issue(
                codes[index % len(codes)],
                language=LANGUAGES[index % len(LANGUAGES)],
                priority="veteran" if index % 5 == 0 else None,
                interpreter=index % 7 == 0,
                source="bench",
            )
            saved = time.perf_counter()
            content = printer.content_of(issued.ticket, issued.ahead, issued.wait_minutes, issued.qr)
            started = time.perf_counter()
            job = printer.prepare(issued.ticket, content)
            ready = time.perf_counter()
            seconds.append(ready - started)
            saving.append(saved - began)
            to_job.append(ready - began)
            sizes.append(len(job.data))
    finally:
        printer.close()
        service.db.dispose()
    p50, p95 = _ms(seconds)
    job_p50, job_p95 = _ms(to_job)
    return {
        "render_encode_p50_ms": p50,
        "render_encode_p95_ms": p95,
        "issue_to_job_p50_ms": job_p50,
        "issue_to_job_p95_ms": job_p95,
        "issue_to_job_saving_p50_ms": _ms(saving)[0],
        "job_bytes_median": float(statistics.median(sizes)),
        "job_bytes_max": float(max(sizes)),
        "share_of_one_second_print": p50 / 1000,
        "fixed_parts_drawn_ahead_s": round(ahead_seconds, 3),
        "fixed_parts_services_languages": drawn,
    }


def _verdict(value: float, goal: float, at_most: bool) -> str:
    return "met" if (value <= goal if at_most else value >= goal) else "MISSED"


def backend_rows(report: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """The figures measured on each database: the headers and one row a figure, with its goal and
    whether each database met it."""
    sizes = Sizes(**report["sizes"])
    backends = [b for b in ("sqlite", "postgresql") if report.get(b)]
    figures: list[tuple[str, str, str, str | None]] = [
        # (label, key, unit, goal text)
        (f"issue p50 (one by one, {sizes.sequential})", "issue_p50_ms", "ms", "<= 5 ms"),
        ("issue p95 (one by one)", "issue_p95_ms", "ms", None),
        (
            f"issue throughput ({sizes.processes} processes x {sizes.per_process})",
            "issue_throughput_per_s",
            "/s",
            ">= 200/s on PostgreSQL",
        ),
        (f"issue p50 under {sizes.processes} processes", "concurrent_issue_p50_ms", "ms", None),
        (f"issue p95 under {sizes.processes} processes", "concurrent_issue_p95_ms", "ms", None),
        (f"call-next p50 ({sizes.waiting:,} waiting)", "call_next_p50_ms", "ms", "<= 5 ms"),
        (f"call-next p95 ({sizes.cycles} calls)", "call_next_p95_ms", "ms", None),
        (f"filling {sizes.waiting:,} waiting (issued one by one)", "fill_seconds", "s", None),
        ("call-next p50, booked visitors in line, guard on", "booked_call_next_p50_ms", "ms", "2 / 3 ms"),
        ("call-next p95, booked visitors in line, guard on", "booked_call_next_p95_ms", "ms", None),
    ]
    both = ("sqlite", "postgresql")
    checks: dict[str, tuple[dict[str, float], bool]] = {  # the goal on each database, and "at most"
        "issue_p50_ms": (dict.fromkeys(both, GOALS["issue_p50_ms"]), True),
        "call_next_p50_ms": (dict.fromkeys(both, GOALS["call_next_p50_ms"]), True),
        "booked_call_next_p50_ms": ({"sqlite": 2.0, "postgresql": 3.0}, True),
        "issue_throughput_per_s": ({"postgresql": GOALS["pg_issue_throughput_per_s"]}, False),
    }
    rows: list[list[str]] = []
    for label, key, unit, goal in figures:
        row = [label]
        verdicts = []
        for backend in backends:
            value = float(report[backend][key])
            row.append(f"{value:,.1f} {unit}" if unit == "/s" else f"{value:.2f} {unit}")
            if key in checks and backend in checks[key][0]:
                targets, at_most = checks[key]
                verdicts.append(f"{backend} {_verdict(value, targets[backend], at_most)}")
        row.append(f"{goal} ({', '.join(verdicts)})" if goal and verdicts else goal or "")
        rows.append(row)
    return ["figure", *backends, "goal"], rows


def other_rows(report: dict[str, Any], columns: int) -> list[list[str]]:
    """The figures measured once (terminals, printing, cold starts) as rows of the same table, the
    value in the first database's column."""
    lobby, shown, desk, printing = report["lobby"], report["display"], report["admin"], report["printing"]
    figures = [
        (
            "cold start of `kiosk issue` to its printed ticket",
            f"{report['cold_issue_ms']:.0f} ms",
            "<= 400 ms",
        ),
        ("cold start of its libraries alone (`bench.core.LIBRARIES`)", _libraries_ms(report), ""),
        ("cold start of `kiosk --help`", f"{report['cold_start_help_ms']:.0f} ms", ""),
        ("lobby kiosk: first frame", f"{lobby['lobby_first_frame_s']:.2f} s", "<= 0.5 s"),
        (
            "lobby kiosk: tap to print job, p50 / p95",
            f"{lobby['tap_to_print_p50_ms']:.0f} / {lobby['tap_to_print_p95_ms']:.0f} ms",
            "p95 <= 50 ms",
        ),
        (
            "lobby display: call to display, p50 / p95",
            f"{shown['call_to_display_p50_s']:.2f} / {shown['call_to_display_p95_s']:.2f} s",
            "p95 <= 1 s",
        ),
        ("lobby display: CPU while idle", f"{shown['display_idle_cpu_percent']:.1f} % of a core", "< 2 %"),
        (
            f"front desk over {desk['tickets']:,} tickets: PIN to the day / open / apply one change",
            f"{desk['signin_to_day_seconds']:.2f} s / {desk['open_seconds']:.2f} s / "
            f"{desk['apply_change_ms_p50']:.1f} ms",
            "PIN to the day and open <= 0.5 s, change <= 100 ms",
        ),
        (
            "ticket render + encode, p50 / p95",
            f"{printing['render_encode_p50_ms']:.1f} / {printing['render_encode_p95_ms']:.1f} ms",
            "p50 <= 10, p95 <= 40 ms",
        ),
        (
            "issue to ready print job, p50 / p95 (saving p50)",
            f"{printing['issue_to_job_p50_ms']:.1f} / {printing['issue_to_job_p95_ms']:.1f} ms "
            f"({printing['issue_to_job_saving_p50_ms']:.1f} ms)",
            "p50 <= 4 ms",
        ),
    ]
    blanks = [""] * (columns - 3)
    return [[label, value, *blanks, goal] for label, value, goal in figures]


def _libraries_ms(report: dict[str, Any]) -> str:
    """The libraries' floor, or a dash for a run saved before it was measured (`--from`)."""
    value = report.get("cold_libraries_ms")
    return "-" if value is None else f"{value:.0f} ms"


def markdown_report(report: dict[str, Any]) -> str:
    """The run as the README's Markdown table (`kiosk bench --markdown`)."""
    headers, rows = backend_rows(report)
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    headers = [names.get(h, h) for h in headers]
    return compare.markdown(report, rows + other_rows(report, len(headers)), headers)


def text_report(report: dict[str, Any]) -> str:
    headers, rows = backend_rows(report)
    title = "quick run" if report["quick"] else "full run"
    lines = [
        f"kiosk bench ({title}; Python {report['python']}, {report['cpus']} CPUs)",
        f"PostgreSQL: {report['postgresql_note']}",
        "",
        render.table(headers, rows),
        "",
        f"cold start of `kiosk --help`: {report['cold_start_help_ms']:.0f} ms (median of {COLD_RUNS} runs)",
        f"cold start of `kiosk issue` to its printed ticket: {report['cold_issue_ms']:.0f} ms "
        f"(goal <= 400 ms, {_verdict(report['cold_issue_ms'] / 1000, 0.4, True)}); "
        f"its libraries alone: {_libraries_ms(report)}",
    ]
    lobby = report["lobby"]
    lines.append(
        f"lobby kiosk: first frame {lobby['lobby_first_frame_s']:.2f} s "
        f"(goal <= 0.5 s, {_verdict(lobby['lobby_first_frame_s'], 0.5, True)}); tap to print job "
        f"p50 {lobby['tap_to_print_p50_ms']:.0f} ms, p95 {lobby['tap_to_print_p95_ms']:.0f} ms "
        f"(goal p95 <= 50 ms, {_verdict(lobby['tap_to_print_p95_ms'], 50, True)}; {lobby['taps']} taps)"
    )
    shown = report["display"]
    lines.append(
        f"lobby display: call to display p50 {shown['call_to_display_p50_s']:.2f} s, p95 "
        f"{shown['call_to_display_p95_s']:.2f} s (goal p95 <= 1 s at a 0.5 s follow interval, "
        f"{_verdict(shown['call_to_display_p95_s'], 1.0, True)}; {shown['calls']} calls); idle CPU "
        f"{shown['display_idle_cpu_percent']:.1f} % of a core "
        f"(goal < 2 %, {_verdict(shown['display_idle_cpu_percent'], 2.0, True)})"
    )
    desk = report["admin"]
    lines.append(
        f"front desk with {desk['tickets']:,} tickets: opens in {desk['open_seconds']:.2f} s "
        f"(goal <= 0.5 s, {_verdict(desk['open_seconds'], 0.5, True)}), "
        f"{desk['signin_to_day_seconds']:.2f} s from the PIN typed to the day on screen "
        f"(goal <= 0.5 s, {_verdict(desk['signin_to_day_seconds'], 0.5, True)}); "
        f"one change applied in {desk['apply_change_ms_p50']:.1f} ms "
        f"(max {desk['apply_change_ms_max']:.1f} ms; goal <= 100 ms, "
        f"{_verdict(desk['apply_change_ms_max'], 100, True)})"
    )
    printing = report["printing"]
    lines += [
        f"ticket render + encode: p50 {printing['render_encode_p50_ms']:.1f} ms "
        f"(goal <= 10 ms, {_verdict(printing['render_encode_p50_ms'], 10, True)}), "
        f"p95 {printing['render_encode_p95_ms']:.1f} ms "
        f"(goal <= 40 ms, {_verdict(printing['render_encode_p95_ms'], 40, True)}); "
        f"job {printing['job_bytes_median'] / 1024:.1f} KiB median, "
        f"{printing['job_bytes_max'] / 1024:.1f} KiB max; "
        f"{printing['share_of_one_second_print'] * 100:.1f} % of a 1 s print (goal < 5 %)",
        f"issue to ready print job (SQLite): p50 {printing['issue_to_job_p50_ms']:.1f} ms "
        f"(goal <= 4 ms, {_verdict(printing['issue_to_job_p50_ms'], 4, True)}), "
        f"p95 {printing['issue_to_job_p95_ms']:.1f} ms; saving p50 "
        f"{printing['issue_to_job_saving_p50_ms']:.1f} ms",
    ]
    return "\n".join(lines)


def cmd_bench(args: argparse.Namespace) -> None:
    """Run the benchmark (or take a saved run, `--from`), then print it as text, JSON or Markdown, or
    beside another saved run (`--compare`)."""
    report = compare.load(Path(args.saved)) if args.saved else run(bool(args.quick), args.pg)
    if args.compare:
        print(compare.compare(compare.load(Path(args.compare)), report))
    elif args.markdown:
        print(markdown_report(report))
    elif args.json:
        print(json.dumps(report, indent=2))
    else:
        print(text_report(report))


if __name__ == "__main__":  # worker processes are spawned and import this file again
    sys.exit(main(["bench", *sys.argv[1:]]))
