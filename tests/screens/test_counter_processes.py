"""Two counter processes (the real counter app, headless) pressing Call next at the same moment on
PostgreSQL: no ticket is called to two windows, and every ticket is served once."""

from __future__ import annotations

import asyncio
import multiprocessing
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from kiosk.clock import FixedClock
from kiosk.config import Settings
from kiosk.runtime import initialise, open_service, open_staff
from kiosk.storage.models import Event
from tests.conftest import MONDAY_10, make_settings

# Real processes and timing: run in turn with the others of the group, on one worker (pyproject).
pytestmark = pytest.mark.xdist_group("processes")

TICKETS = 40


def counter_process(settings_values: dict[str, Any], window: str, barrier: Any, results: Any) -> None:
    """One staff window: sign in, then F1 (call), F3 (start), F4 (finish) until nobody waits."""
    from textual.widgets import Label

    from screens.counter.app import create_app
    from screens.counter.window import CounterScreen

    async def run() -> int:
        settings = Settings(**settings_values)
        service = open_service(settings, FixedClock(MONDAY_10))
        app = create_app(settings, window, service, lang="en")
        served = 0
        async with app.run_test(size=(120, 40)) as pilot:
            app.signed_in(app.staff.sign_in("Ivan", "5555"))
            while not isinstance(app.screen, CounterScreen) or not app.screen.query("#status"):
                await pilot.pause(0.01)
            screen = app.screen

            async def press(key: str) -> str:
                label = screen.query_one("#status", Label)
                label.update("")
                await pilot.press(key)
                while not str(label.content):
                    await pilot.pause(0.005)
                return str(label.content)

            barrier.wait()
            while True:
                said = await press("f1")
                if "nobody is waiting" in said:
                    break
                if not said.startswith("Called"):
                    continue  # lost a race for one ticket: call again
                await press("f3")
                await press("f4")
                served += 1
        service.db.dispose()
        return served

    results.put((window, asyncio.run(run())))


@pytest.mark.postgres
@pytest.mark.slow
def test_two_counter_processes_never_share_a_ticket(pg_url: str, tmp_path: Path) -> None:
    settings = make_settings(tmp_path, pg_url)
    clock = FixedClock(MONDAY_10)
    initialise(settings, clock)
    service = open_service(settings, clock)
    try:
        open_staff(service).add("Ivan", "staff", "5555")
        ids = [service.issue("pension-new").ticket.id for _ in range(TICKETS)]

        context = multiprocessing.get_context("spawn")
        barrier = context.Barrier(2)
        results = context.Queue()
        values = settings.model_dump(mode="json")
        workers = [
            context.Process(target=counter_process, args=(values, w, barrier, results)) for w in ("6", "7")
        ]
        for worker in workers:
            worker.start()
        served = dict(results.get(timeout=240) for _ in workers)
        for worker in workers:
            worker.join(timeout=60)
            assert worker.exitcode == 0

        assert served["6"] + served["7"] == TICKETS and served["6"] > 0 and served["7"] > 0
        with service.db.read() as s:
            calls = dict(
                s.execute(
                    select(Event.ticket_id, func.count())
                    .where(Event.kind == "called")
                    .group_by(Event.ticket_id)
                ).all()
            )
            windows = dict(
                s.execute(select(Event.ticket_id, Event.window).where(Event.kind == "finished")).all()
            )
        assert calls == {i: 1 for i in ids}, "every ticket called exactly once"
        assert set(windows) == set(ids) and set(windows.values()) == {"6", "7"}
        assert all(service.ticket(i).state == "done" for i in ids)
    finally:
        service.db.dispose()  # else its pooled connections are collected open (a ResourceWarning)
