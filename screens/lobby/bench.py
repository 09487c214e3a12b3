"""Measure the kiosk as a visitor meets it: from a tap on a service to the print job handed over."""

from __future__ import annotations

import asyncio
import time

from kiosk.config import Settings
from kiosk.runtime import open_service


def tap_to_print(settings: Settings, taps: int) -> list[float]:
    """Seconds from the tap on a service to the whole job handed to the printer (preview here)."""
    from textual.events import Click

    from screens.lobby.app import create_app
    from screens.lobby.messages import PrintDone
    from screens.lobby.need import ServiceScreen
    from screens.lobby.ticket import TicketScreen

    service = open_service(settings)
    app = create_app(settings, service)
    times: list[float] = []
    tapped = 0.0

    def hook(message: object) -> None:
        nonlocal tapped
        if isinstance(message, Click):  # a tap: the driver makes the Click when the finger lifts
            tapped = time.perf_counter()
        elif isinstance(message, PrintDone):
            times.append(message.result.sent_at - tapped)

    async def run() -> None:
        async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
            for _ in range(taps):
                await pilot.click("#lang-en")
                await pilot.click("#menu-pension")
                while not isinstance(app.screen, ServiceScreen):
                    await pilot.pause(0.01)
                done = len(times)
                await pilot.click("#service-pension-new")
                while len(times) == done:
                    await asyncio.sleep(0.001)
                while not isinstance(app.screen, TicketScreen):
                    await pilot.pause(0.01)
                app.start_over()
                await pilot.pause(0.01)

    asyncio.run(run())
    service.db.dispose()
    return times
