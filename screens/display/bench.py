"""Measure the lobby display: from a call committed by another process to the display having it."""

from __future__ import annotations

import asyncio
import multiprocessing
import random
import time
from typing import Any

from kiosk.config import Settings
from kiosk.runtime import open_service


def _caller(settings_values: dict[str, Any], calls: int, results: Any) -> None:
    """Another terminal: call tickets at irregular moments, reporting when each call was committed."""
    settings = Settings(**settings_values)
    service = open_service(settings)
    for _ in range(calls):
        time.sleep(random.uniform(0.2, 0.7))
        ticket = service.call_next("6")
        results.put((ticket.code, time.time()))
        service.start(window="6")
        service.finish(window="6")
    service.db.dispose()


def call_to_display(settings: Settings, calls: int) -> list[float]:
    """Seconds from each call's commit (another process) to the display receiving it."""
    from screens.common.live import EventsArrived
    from screens.display.app import create_app

    service = open_service(settings)
    for _ in range(calls):
        service.issue("pension-new")
    app = create_app(settings.model_copy(update={"speech": False}), service)
    seen: dict[str, float] = {}

    def hook(message: object) -> None:
        if isinstance(message, EventsArrived):
            for event in message.events:
                if event.kind == "called":
                    seen.setdefault(str(event.data.get("code")), time.time())

    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    caller = context.Process(target=_caller, args=(settings.model_dump(mode="json"), calls, results))

    async def run() -> None:
        async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
            while app.follower is None:
                await pilot.pause(0.05)
            caller.start()
            while len(seen) < calls:
                await pilot.pause(0.05)

    asyncio.run(run())
    caller.join(timeout=30)
    committed = dict(results.get(timeout=5) for _ in range(calls))
    service.db.dispose()
    return [seen[code] - at for code, at in committed.items()]
