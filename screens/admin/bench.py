"""Measure the front desk with a busy day: opening it over 5,000 tickets, and one change from
another terminal applied to its row."""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any

from kiosk import loadgen
from kiosk.config import Settings
from kiosk.runtime import open_service, open_staff


def admin_figures(settings: Settings, tickets: int = 5000, changes: int = 20) -> dict[str, Any]:
    from screens.admin.app import AdminScreen, create_app
    from screens.admin.queue import QueueTable

    service = open_service(settings)
    loadgen.add_waiting(service, "pension-new", tickets)
    member = open_staff(service).add("Bench admin", "admin", "13579")
    app = create_app(settings, service)
    figures: dict[str, Any] = {"tickets": tickets}

    async def run() -> None:
        async with app.run_test(size=(160, 50)) as pilot:
            started = time.perf_counter()
            app.signed_in(member)
            while not isinstance(app.screen, AdminScreen) or not app.screen.query(QueueTable):
                await pilot.pause(0.01)
            queue = app.screen.query_one(QueueTable)
            while queue.table.row_count < tickets:
                await pilot.pause(0.01)
            figures["open_seconds"] = time.perf_counter() - started
            applied = []
            for _ in range(changes):
                ticket = service.call_next("6")
                service.start(window="6")
                service.finish(window="6")
                changed = [service.ticket(ticket.id)]
                began = time.perf_counter()
                queue.apply(changed)
                applied.append(time.perf_counter() - began)
                await pilot.pause(0.01)
            figures["apply_change_ms_p50"] = statistics.median(applied) * 1000
            figures["apply_change_ms_max"] = max(applied) * 1000

    asyncio.run(run())
    service.db.dispose()
    return figures
