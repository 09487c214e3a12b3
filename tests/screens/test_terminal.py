"""The terminal base every app shares: the centre's housekeeping runs from each terminal's own timer
(so it no longer rides on the display), and database calls go through one path with one failure
handler (an outage shows as one calm line)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kiosk.domain.tickets import State
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


async def test_an_unexpected_error_in_the_background_is_logged_and_the_terminal_goes_on(
    centre: Centre, caplog: pytest.LogCaptureFixture
) -> None:
    """A fault that is no refusal (a bug, a row nobody foresaw): its traceback to the log, the outage's
    calm line on the screen, and the next call is served."""
    app = counter(centre)
    said: list[tuple[str, bool]] = []
    done: list[int] = []
    app.say = lambda text, problem=False: said.append((text, problem))  # type: ignore[method-assign]

    def broken() -> int:
        raise ZeroDivisionError("Ivan Petrenko +380501234567")

    async with app.run_test(size=SIZE) as pilot:
        app.run_db(broken, done.append)
        await until(pilot, lambda: bool(said))
        assert said == [("The database is away: reconnecting...", True)] and done == []
        app.run_db(lambda: 7, done.append)
        await until(pilot, lambda: done == [7])
        assert app.is_running
    assert "Traceback" in caplog.text and "ZeroDivisionError: Ivan Petrenko" in caplog.text


async def test_an_error_no_handler_caught_stops_the_terminal_with_1_and_no_traceback_shown(
    centre: Centre, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    """It cannot go on: return code 1 for the supervisor, the traceback (with whoever's data its
    locals held) in the log only, and one calm line left on the screen."""
    app = counter(centre, lang="uk")

    def broken() -> None:
        raise ZeroDivisionError("Ivan Petrenko +380501234567")

    with pytest.raises(ZeroDivisionError):  # run_test hands a test the error that stopped the app
        async with app.run_test(size=SIZE) as pilot:
            app.call_later(broken)
            await until(pilot, lambda: not app.is_running)
    assert app.return_code == 1
    shown = capsys.readouterr()  # what the app leaves on the terminal as it ends
    assert "Цей термінал зупинився через помилку" in shown.out + shown.err
    assert "Traceback" not in shown.out + shown.err and "Petrenko" not in shown.out + shown.err
    assert "Traceback" in caplog.text and "ZeroDivisionError: Ivan Petrenko" in caplog.text
