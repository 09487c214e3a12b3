"""Load generation for the concurrency tests and `kiosk bench`: real processes (multiprocessing "spawn")
that issue and call tickets against one database at the same moment, and a filler of waiting tickets.
Everything goes through the queue service, as the terminals do.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import queue
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar, cast

from kiosk.config import Settings
from kiosk.errors import KioskError, QueueEmpty
from kiosk.runtime import open_service
from kiosk.service import QueueService

START_TIMEOUT = 120.0  # seconds a process waits for the others to be ready (spawn imports are slow)
RUN_TIMEOUT = 600.0  # seconds the parent waits for all results

T = TypeVar("T")

# (ticket id, origin department, number, seconds the issue took)
IssuedRow = tuple[int, str, int, float]


class StartSignal(Protocol):
    """A multiprocessing Barrier or Event: `wait()` returns when every process may start."""

    def wait(self, timeout: float | None = None) -> object: ...


class LoadError(KioskError):
    """A load process failed; the message carries its traceback."""


def _wait_for_start(start_event: StartSignal) -> None:
    if start_event.wait(START_TIMEOUT) is False:  # an Event that was never set
        raise LoadError(f"the start signal did not come within {START_TIMEOUT:.0f} s")


def issue_many(
    settings_kwargs: dict[str, Any], count: int, services: Sequence[str], start_event: StartSignal
) -> list[IssuedRow]:
    """Issue `count` tickets cycling over `services` once all processes are ready; runs in a child."""
    service = open_service(Settings(**settings_kwargs))
    try:
        rows: list[IssuedRow] = []
        _wait_for_start(start_event)
        for i in range(count):
            began = time.perf_counter()
            ticket = service.issue(services[i % len(services)], source="loadgen").ticket
            rows.append((ticket.id, ticket.origin, ticket.number, time.perf_counter() - began))
        return rows
    finally:
        service.db.dispose()


def call_many(
    settings_kwargs: dict[str, Any], window: str, count: int, start_event: StartSignal
) -> list[int]:
    """At `window`, call next, start and finish up to `count` tickets, stopping at QueueEmpty; returns
    the ids of the tickets this window called, in order. Runs in a child process."""
    service = open_service(Settings(**settings_kwargs))
    try:
        called: list[int] = []
        staff = f"loadgen-{window}"
        _wait_for_start(start_event)
        for _ in range(count):
            try:
                ticket = service.call_next(window, staff=staff)
            except QueueEmpty:
                break
            called.append(ticket.id)
            service.start(ticket.id, window=window, staff=staff)
            service.finish(ticket.id, window=window, staff=staff)
        return called
    finally:
        service.db.dispose()


def book_many(
    settings_kwargs: dict[str, Any],
    now: str,
    service_code: str,
    slots: Sequence[str],
    start_event: StartSignal,
) -> list[tuple[str, str]]:
    """At the fixed moment `now` (ISO 8601), book each of `slots` (local 'YYYY-MM-DDTHH:MM') once;
    returns (slot, code) for a booking made, (slot, "") for one refused as full. Runs in a child."""
    from datetime import datetime

    from kiosk.clock import FixedClock
    from kiosk.errors import SlotUnavailable

    service = open_service(Settings(**settings_kwargs), FixedClock(datetime.fromisoformat(now)))
    try:
        got: list[tuple[str, str]] = []
        _wait_for_start(start_event)
        for slot in slots:
            try:
                got.append(
                    (slot, service.book(service_code, datetime.fromisoformat(slot), source="loadgen").code)
                )
            except SlotUnavailable as exc:
                if exc.reason != "full":
                    raise
                got.append((slot, ""))
        return got
    finally:
        service.db.dispose()


def check_in_many(
    settings_kwargs: dict[str, Any], now: str, codes: Sequence[str], start_event: StartSignal
) -> list[tuple[str, int | None, str]]:
    """At the fixed moment `now`, check in each of `codes` once, as a kiosk does; returns (code,
    ticket id, "") for a ticket given, (code, None, reason) for a refusal. Runs in a child."""
    from datetime import datetime

    from kiosk.clock import FixedClock
    from kiosk.errors import BookingRefused

    service = open_service(Settings(**settings_kwargs), FixedClock(datetime.fromisoformat(now)))
    try:
        got: list[tuple[str, int | None, str]] = []
        _wait_for_start(start_event)
        for code in codes:
            try:
                got.append((code, service.check_in(code, source="loadgen").ticket.id, ""))
            except BookingRefused as exc:
                got.append((code, None, exc.reason))
        return got
    finally:
        service.db.dispose()


# What the processes of `run_together` import before they are forked from the fork server.
PRELOAD = ["kiosk.runtime", "kiosk.service", "harness.loadgen"]


def _child(
    index: int,
    func: Callable[..., Any],
    args: tuple[Any, ...],
    start: threading.Barrier,
    results: multiprocessing.Queue[tuple[int, bool, Any]],
) -> None:
    try:
        value = func(*args, start)
    except BaseException:
        start.abort()  # nobody waits forever for a process that is gone
        results.put((index, False, traceback.format_exc()))
    else:
        results.put((index, True, value))


def run_together(
    func: Callable[..., T],
    jobs: Sequence[tuple[Any, ...]],
    timeout: float = RUN_TIMEOUT,
    on_start: Callable[[], object] | None = None,
) -> tuple[list[T], float]:
    """Run `func(*job, start_event)` in one new process per job, all released by one barrier
    (`on_start` is called in this process at that moment).

    Returns the results in job order and the seconds from the release until the last result came.
    A failing process raises LoadError with its traceback.
    """
    ctx = multiprocessing.get_context("forkserver")  # fresh processes, forked from one that imported
    ctx.set_forkserver_preload(PRELOAD)  # the kiosk once: a second of imports less for each
    start = ctx.Barrier(len(jobs) + 1)
    results: multiprocessing.Queue[tuple[int, bool, Any]] = ctx.Queue()
    processes = [
        ctx.Process(target=_child, args=(i, func, job, start, results), daemon=True)
        for i, job in enumerate(jobs)
    ]
    for process in processes:
        process.start()
    values: dict[int, T] = {}
    failures: list[str] = []
    try:
        with contextlib.suppress(threading.BrokenBarrierError):  # each process reports why it stopped
            start.wait(START_TIMEOUT)
        began = time.perf_counter()
        if on_start is not None:
            on_start()
        deadline = began + timeout
        while len(values) + len(failures) < len(jobs):  # every process sends exactly one message
            try:
                index, ok, value = results.get(timeout=1.0)
            except queue.Empty:
                gone = not any(process.is_alive() for process in processes)
                if gone or time.perf_counter() > deadline:
                    missing = len(jobs) - len(values) - len(failures)
                    why = "died without a word" if gone else f"gave no result in {timeout:.0f} s"
                    failures.append(f"{missing} process(es) {why}")
                    break
                continue
            if ok:
                values[index] = cast(T, value)
            else:
                failures.append(f"process {index} failed:\n{value}")
        elapsed = time.perf_counter() - began
    finally:
        for process in processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
                process.join()
    if failures:
        # Leave out the processes that only stopped because another one broke the start barrier.
        real = [f for f in failures if "BrokenBarrierError" not in f] or failures
        raise LoadError("\n".join(real))
    return [values[i] for i in range(len(jobs))], elapsed


def add_waiting(service: QueueService, service_code: str, count: int, source: str = "loadgen") -> list[int]:
    """Issue `count` waiting tickets for a service one by one, through `QueueService.issue` as a kiosk
    does (about 1.5 ms each on SQLite: 10,000 in about 15 s). Returns the new ticket ids in order."""
    return [service.issue(service_code, source=source).ticket.id for _ in range(count)]
