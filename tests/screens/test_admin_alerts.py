"""The front desk's live alerts: a wait past the warning chimes and shows whichever tab is open, the
Alerts tab lists it with what would help and its title counts it; the call that resolves it drops
it. The counter says how many of its line wait past the warning."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.widgets import TabbedContent

from screens.admin.alerts import AlertsPane
from tests.screens.conftest import Centre
from tests.screens.test_admin import admin, sign_in
from tests.screens.test_counter import counter
from tests.screens.test_counter import sign_in as counter_sign_in
from tests.screens.test_lobby import SIZE, until


def checking(app: App[None]) -> bool:
    return any(w.group == "alerts" and not w.is_finished for w in app.workers)


async def test_a_long_wait_chimes_is_listed_and_goes_when_called(centre: Centre) -> None:
    first = centre.service.issue("pension-new").ticket
    centre.clock.advance(minutes=5)
    second = centre.service.issue("pension-new").ticket
    app = admin(centre)
    rings: list[int] = []
    app.bell = lambda: rings.append(1)  # type: ignore[method-assign]  # the terminal's BEL, counted
    notes: list[str] = []  # what the desk pops up, kept (a notification goes after a few seconds)
    notify = app.notify

    def noted(message: str, **options: Any) -> None:
        notes.append(message)
        notify(message, **options)

    app.notify = noted  # type: ignore[method-assign,assignment]
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        tabs = app.screen.query_one(TabbedContent)
        await until(pilot, lambda: app.alerts_seen and not checking(app))  # the first check, after the day
        assert str(tabs.get_tab("tab-alerts").label) == "Alerts" and rings == []

        centre.clock.advance(minutes=6)  # the first has waited 11 minutes, the second 6
        app.check_alerts()
        await until(pilot, lambda: str(tabs.get_tab("tab-alerts").label) == "Alerts (1)")
        assert rings == [1], "a new alert chimes once"
        assert any(f"{first.code} has waited 11 min" in note for note in notes)

        tabs.active = "tab-alerts"
        await until(pilot, lambda: bool(app.screen.query(AlertsPane)))
        pane = app.screen.query_one(AlertsPane)
        await until(pilot, lambda: len(pane.rows) == 1)
        assert pane.rows[0][:2] == ("Warning", f"{first.code} has waited 11 min (target 15 min)")
        assert "P-001 has waited 11 min" in str(app.screen.query_one("#alerts-list").render())

        centre.clock.advance(minutes=5)  # the first past the target now (the same alert), the second warned
        app.check_alerts()
        await until(pilot, lambda: len(pane.rows) == 2)
        assert [row[0] for row in pane.rows] == ["Past the target", "Warning"]
        assert pane.rows[0][2] == "call P-001 next"
        assert len(rings) == 2, "the second's alert is new: one more chime"

        centre.service.call_next("6")  # the first is called: resolved
        app.check_alerts()
        await until(pilot, lambda: len(pane.rows) == 1)
        assert second.code in pane.rows[0][1]
        assert str(tabs.get_tab("tab-alerts").label) == "Alerts (1)"


async def test_the_counter_says_how_many_wait_past_the_warning(centre: Centre) -> None:
    for _ in range(2):
        centre.service.issue("pension-new")
    centre.clock.advance(minutes=12)
    centre.service.issue("pension-new")
    app = counter(centre, "7")
    async with app.run_test(size=SIZE) as pilot:
        await counter_sign_in(pilot)
        label = app.screen.query_one("#waiting-count")
        await until(pilot, lambda: "over" in str(label.content))  # type: ignore[attr-defined]
        assert str(label.content) == "3 waiting · 2 waiting over 10 min"  # type: ignore[attr-defined]
        assert label.has_class("problem")
