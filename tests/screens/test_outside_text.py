"""Text from outside is shown as text at the front desk: a booking's name and phone, a staff member's
name and a clerk's transfer note holding Rich markup (`[/]` made the desk exit with a MarkupError when
its Bookings tab opened) are drawn literally, and the desk keeps running on every tab. (A catalogue
with square brackets is refused when it is loaded.)"""

from __future__ import annotations

from datetime import datetime

from textual.widgets import TabbedContent

from kiosk.runtime import open_staff
from screens.admin.app import AdminScreen
from screens.admin.bookings import BookingsPane
from screens.admin.panes import AuditPane, StaffPane
from screens.admin.stats import StatsPane
from tests.conftest import KYIV
from tests.screens.conftest import Centre
from tests.screens.test_admin import admin, sign_in
from tests.screens.test_lobby import until

NAME = "[/] [bold]Ivan[/bold] [@click=app.quit]x[/]"
PHONE = "+380 (50) 123-45-67"  # a phone holds digits, spaces and + - ( ) only (checked when booked)
NOTE = "[/]\x1b[31m red [/red]"
STAFF = "[b]Oksana[/b]"


def drawn(pilot_app: object) -> str:
    screen = pilot_app.screen  # type: ignore[attr-defined]
    return "\n".join(strip.text for strip in screen._compositor.render_strips())


async def test_outside_text_is_drawn_as_text_on_every_tab(centre: Centre) -> None:
    service = centre.service
    service.book("housing-subsidy", datetime(2026, 11, 23, 10, 30, tzinfo=KYIV), "uk", NAME, PHONE)
    open_staff(service).add(STAFF, "staff", "1234")
    service.issue("pension-new")
    service.call_next("6", staff="Ivan")
    service.transfer("P-001", to="employment", staff="Ivan", note=NOTE)
    app = admin(centre)
    async with app.run_test(size=(200, 50)) as pilot:
        await sign_in(pilot)
        screen = app.screen
        assert isinstance(screen, AdminScreen)
        tabs = screen.query_one(TabbedContent)
        for tab, pane_type in (("bookings", BookingsPane), ("staff", StaffPane), ("audit", AuditPane),
                               ("stats", StatsPane), ("day", None), ("queue", None)):  # fmt: skip
            tabs.active = f"tab-{tab}"
            await until(pilot, lambda: screen.query_one(f"#tab-{tab}").region.area > 0)  # noqa: B023
            if pane_type is not None:
                pane = screen.query_one(pane_type)
                await until(pilot, lambda: pane.opened)  # noqa: B023
                if isinstance(pane, StatsPane):
                    await until(pilot, lambda: pane.shown is not None)  # noqa: B023
            await app.workers.wait_for_complete()
            await pilot.pause()
            expected = {"bookings": [NAME, PHONE], "staff": [STAFF], "audit": ["[/]", "red [/red]"]}
            for words in expected.get(tab, []):  # drawn once the rows are read and laid out
                await until(pilot, lambda: words in drawn(app))  # noqa: B023
            assert app.is_running, f"the desk stopped on the {tab} tab"
