"""The terminal base every app shares: the centre's housekeeping runs from each terminal's own timer
(so it no longer rides on the display), and database calls go through one path with one failure
handler (an outage shows as one calm line)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kiosk.domain import State
from kiosk.errors import StorageUnavailable
from screens.common.terminal import HOUSEKEEPING_SECONDS, TerminalApp
from tests.screens.conftest import Centre
from tests.screens.test_admin import admin
from tests.screens.test_counter import counter
from tests.screens.test_display import display
from tests.screens.test_lobby import SIZE, until

TERMINALS: dict[str, Callable[[Centre], TerminalApp]] = {
    "lobby": lambda centre: centre.lobby(),
    "counter": counter,
    "admin": admin,
    "display": display,
}


@pytest.mark.parametrize("terminal", TERMINALS)
async def test_every_terminal_returns_a_call_nobody_answered(
    centre: Centre, monkeypatch: pytest.MonkeyPatch, terminal: str
) -> None:
    """Every 30 s each terminal runs the centre's housekeeping, which sends calls older than
    stale_call_minutes back into the queue. The test runs the base's own timer, asking for 30 s,
    at 0.1 s; the service's clock is moved on."""
    asked: list[float] = []
    set_interval = TerminalApp.set_interval

    def quick(app: TerminalApp, interval: float, callback: Any = None, **options: Any) -> Any:
        if callback == app.housekeeping:
            asked.append(interval)
            interval = 0.1
        return set_interval(app, interval, callback, **options)

    monkeypatch.setattr(TerminalApp, "set_interval", quick)
    ticket = centre.service.issue("pension-new").ticket
    centre.service.call_next("6")
    fresh = centre.service.issue("pension-new").ticket
    centre.clock.advance(minutes=centre.settings.stale_call_minutes - 1)
    centre.service.call_next("7")  # called a minute before the sweep: not stale
    centre.clock.advance(minutes=2)
    app = TERMINALS[terminal](centre)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: centre.service.ticket(ticket.id).state == State.WAITING)
    assert asked == [HOUSEKEEPING_SECONDS]
    last = centre.service.history(ticket.id)[-1]
    assert (last.staff, last.data["reason"]) == ("housekeeping", "called too long ago with no answer")
    assert centre.service.ticket(fresh.id).state == State.CALLED


async def test_a_refused_call_is_one_calm_line(centre: Centre) -> None:
    app = counter(centre)
    said: list[tuple[str, bool]] = []
    done: list[int] = []
    app.say = lambda text, problem=False: said.append((text, problem))  # type: ignore[method-assign]

    def away() -> int:
        raise StorageUnavailable("connection refused by 10.0.0.1 [SQL: select 1]")

    async with app.run_test(size=SIZE) as pilot:
        app.run_db(away, done.append)
        await until(pilot, lambda: bool(said))
        assert said == [("The database is away: reconnecting...", True)] and done == []
        app.run_db(lambda: 7, done.append)
        await until(pilot, lambda: done == [7])
