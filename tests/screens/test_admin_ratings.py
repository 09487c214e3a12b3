"""The visitors' ratings on the front desk's statistics tab: hidden while nobody rated, then one table
of plain text per department, window and staff member who served, and all, in the desk's language;
a staff member's name that looks like markup is shown as it is."""

from __future__ import annotations

import io

from rich.console import Console
from textual.widgets import Static

from kiosk.presentation.i18n import translations
from screens.admin.stats import StatsPane
from tests.screens.conftest import Centre, tap
from tests.screens.test_admin import admin, sign_in
from tests.screens.test_lobby import SIZE, until
from tests.test_ratings import served

ODD_NAME = "[bold red]Ivan[/]"


def drawn(widget: Static, width: int) -> str:
    console = Console(width=width, record=True, file=io.StringIO())
    console.print(widget.content)
    return console.export_text()


async def test_the_stats_tab_shows_the_ratings_per_department_window_and_staff(centre: Centre) -> None:
    service = centre.service
    a = served(service, "pension-new", "6", "Olena")
    b = served(service, "pension-new", "7", ODD_NAME)
    app = admin(centre, lang="uk")
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await tap(pilot, "#--content-tab-tab-stats")
        await until(pilot, lambda: bool(app.screen.query(StatsPane)))
        pane = app.screen.query_one(StatsPane)
        await until(pilot, lambda: pane.shown is not None, seconds=5)
        ratings = app.screen.query_one("#stats-ratings", Static)
        assert not ratings.display, "hidden while nobody rated"

        service.rate(a.id, 5, ["staff_helpful"], source="phone")
        service.rate(b.id, 2, ["waited_too_long", "hall_crowded"], source="phone")
        await pilot.wait_for_scheduled_animations()
        await tap(pilot, "#stats-refresh")
        await until(pilot, lambda: ratings.display, seconds=5)
        await pilot.pause()
        text = " ".join(drawn(ratings, ratings.size.width or SIZE[0]).split())
    uk = translations("uk").gettext
    pensions = service.catalogue.dept("pensions").name("uk")
    for expected in (
        uk("Visitors' ratings"), uk("Department"), pensions, uk("Window {window}").format(window="6"),
        uk("Staff member"), "Olena", ODD_NAME, uk("All"), "3.5", "50%", "5.0", "100%",
        f"{uk('Waited too long')}: 1;", f"{uk('Helpful and polite staff')}: 1",
    ):  # fmt: skip
        assert " ".join(expected.split()) in text, (expected, text)
    assert "…" not in text, "no word cut"
