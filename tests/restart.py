"""A staff terminal or the hall display as a real process, for the restart test: `python -m
tests.restart TERMINAL PHASE SETTINGS_JSON`. Phase "work" signs in and works (the counter calls
the next ticket, the desk opens its Bookings tab), prints one JSON line and waits to be killed;
phase "after" starts the terminal again and prints, as JSON, where it came back."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Static, TabbedContent

from kiosk.config import Settings

SIZE = (120, 40)


async def until(pilot: Pilot[None], condition: Any, seconds: float = 20.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)


def report(values: dict[str, Any]) -> None:
    print(json.dumps(values), flush=True)


async def counter(settings: Settings, phase: str) -> None:
    from screens.counter.app import create_app
    from screens.counter.window import CounterScreen

    app = create_app(settings, "6", lang="en")
    async with app.run_test(size=SIZE) as pilot:
        if phase == "work":
            app.signed_in(app.staff.sign_in("Ivan", "5555"))
            await until(
                pilot, lambda: isinstance(app.screen, CounterScreen) and bool(app.screen.query("#status"))
            )
            await pilot.press("f1")
            await until(pilot, lambda: getattr(app.screen, "counter_ticket", None) is not None)
            report({"called": app.screen.counter_ticket.code})  # type: ignore[attr-defined]
            await asyncio.sleep(3600)
        await until(pilot, lambda: getattr(app.screen, "counter_ticket", None) is not None)
        ticket = getattr(app.screen, "counter_ticket", None)
        report({
            "screen": type(app.screen).__name__,
            "member": app.member.name if app.member else None,
            "ticket": ticket.code if ticket else None,
        })  # fmt: skip


async def desk(settings: Settings, phase: str) -> None:
    from screens.admin.app import create_app
    from screens.admin.bookings import BookingsPane

    app = create_app(settings, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        if phase == "work":
            app.signed_in(app.staff.sign_in("Olena", "2468", role="admin"))
            await until(pilot, lambda: bool(app.screen.query(TabbedContent)))
            app.screen.query_one(TabbedContent).active = "tab-bookings"
            await until(pilot, lambda: bool(app.screen.query(BookingsPane)))
            report({"tab": app.screen.query_one(TabbedContent).active})
            await asyncio.sleep(3600)
        await until(pilot, lambda: bool(app.screen.query(BookingsPane)))
        tabs = app.screen.query(TabbedContent)
        report({
            "screen": type(app.screen).__name__,
            "member": app.member.name if app.member else None,
            "tab": tabs.first().active if tabs else None,
        })  # fmt: skip


async def display(settings: Settings, phase: str) -> None:
    from screens.display.app import create_app

    app = create_app(settings, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        history = app.screen.query_one("#history", Static)
        await until(pilot, lambda: app.calls and str(history.content))
        report({"now": app.calls[0].code, "window": app.calls[0].window, "history": str(history.content)})
        if phase == "work":
            await asyncio.sleep(3600)


def main() -> None:
    terminal, phase, values = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    run = {"counter": counter, "desk": desk, "display": display}[terminal]
    asyncio.run(run(Settings(**values), phase))


if __name__ == "__main__":
    main()
