"""Text from outside is shown as text on every terminal: a booking's name and phone, staff names,
a clerk's transfer note and the catalogue's own names holding Rich markup (`[/]` made the desk exit
with a MarkupError when its Bookings tab opened) are drawn literally, and each terminal keeps
running. Control characters and over-long notes are refused by the core with a clear message."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Select, TabbedContent

from kiosk.clock import FixedClock
from kiosk.errors import KioskError
from kiosk.runtime import initialise, open_service, open_staff
from screens.admin.app import AdminScreen
from screens.admin.bookings import BookingsPane
from screens.admin.panes import AuditPane, StaffPane
from screens.admin.stats import StatsPane
from screens.common.widgets import BigText
from screens.display.app import create_app as create_display
from screens.lobby.need import NeedScreen
from tests.conftest import KYIV, MONDAY_10, make_settings
from tests.screens.conftest import ADMIN_PIN, Centre, Ticks, tap, workers_done
from tests.screens.test_admin import admin, sign_in
from tests.screens.test_counter import counter, settle
from tests.screens.test_counter import sign_in as counter_sign_in
from tests.screens.test_lobby import get_ticket, shown, until

NAME = "[/] [bold]Ivan[/bold] [@click=app.quit]x[/]"
PHONE = "+380 (50) 123-45-67"  # a phone holds digits, spaces and + - ( ) only (checked when booked)
NOTE = "[/] [red]red[/red] [link=https://example.test]l[/link]"
STAFF = "[b]Oksana[/b] [/]"
CENTRE = "[/] Centre [b]x[/b]"
DEPARTMENT = "Pensions [/][bold]"  # the catalogue's texts, as an administrator may write them
SERVICE = "Apply [@click=app.quit]now[/]"
MENU = "Pension [i]x[/i]"
VETERAN = "[b]War veteran[/b]"
SIZE = (160, 50)


@pytest.fixture
def hostile(tmp_path: Path) -> Centre:
    """A centre whose catalogue, name and staff hold markup."""
    text = (Path(__file__).parents[2] / "data" / "catalogue.toml").read_text(encoding="utf-8")
    for old, new in (('en = "Pensions"', DEPARTMENT), ('en = "Apply for a pension"', SERVICE),
                     ('en = "Pension"', MENU), ('en = "War veteran or combatant"', VETERAN)):  # fmt: skip
        assert old in text
        text = text.replace(old, f'en = "{new}"', 1)
    catalogue = tmp_path / "catalogue.toml"
    catalogue.write_text(text, encoding="utf-8")
    settings = make_settings(
        tmp_path, f"sqlite:///{tmp_path / 'kiosk.sqlite3'}", centre_name=CENTRE, catalogue=catalogue,
        speech=False,
    )  # fmt: skip
    clock = FixedClock(MONDAY_10)
    initialise(settings, clock)
    service = open_service(settings, clock)
    staff = open_staff(service)
    staff.add("Olena", "admin", ADMIN_PIN)
    staff.add("Ivan", "staff", "5555")
    staff.add(STAFF, "staff", "1234")
    return Centre(settings, service, clock, Ticks(), tmp_path)


def drawn(app: App[None]) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def shows(pilot: Pilot[None], app: App[None], *texts: str) -> None:
    """Wait until each of `texts` is drawn literally, the app still running."""
    for text in texts:
        for _ in range(200):
            if text in drawn(app):
                break
            await pilot.pause(0.05)
        else:
            raise AssertionError(f"{text!r} is not on the screen:\n{drawn(app)}")
    assert app.is_running


def test_control_characters_and_long_notes_are_refused_with_a_clear_message(centre: Centre) -> None:
    service = centre.service
    ticket = service.issue("pension-new").ticket
    for note, message in (("x" * 10_000, r"note: at most 200 characters \(10000 given\)"),
                          ("a\x1b[31mb", "note: control or format characters"),
                          ("\u202eevil", "note: control or format characters")):  # fmt: skip
        with pytest.raises(KioskError, match=message):
            service.transfer(ticket.code, to="employment", note=note)
    with pytest.raises(KioskError, match="reason: at most 200"):
        service.change_priority(ticket.code, "veteran", "y" * 10_000)
    with pytest.raises(KioskError, match="name: control or format"):
        service.book("housing-subsidy", datetime(2026, 11, 23, 10, 30, tzinfo=KYIV), "uk", "\u200fIvan")
    assert service.history(ticket.id)[-1].kind == "issued", "nothing refused was written"


async def test_the_lobby_draws_catalogue_and_centre_names_as_text(hostile: Centre) -> None:
    app = hostile.lobby()
    async with app.run_test(size=SIZE) as pilot:
        await shows(pilot, app, CENTRE)
        await tap(pilot, "#lang-en")
        await shown(pilot, NeedScreen, "#menu-pension")
        await shows(pilot, app, MENU)
        await tap(pilot, "#back")  # back to the start, then with a priority right
        await get_ticket(pilot, "en", "pension", "pension-new", priority="veteran")
        await shows(pilot, app, DEPARTMENT, SERVICE, VETERAN)


async def test_the_counter_and_the_display_draw_names_and_notes_as_text(hostile: Centre) -> None:
    service = hostile.service
    ticket = service.issue("job-register").ticket
    service.call_next("10", staff="Ivan")
    service.transfer(ticket.code, to="pensions", service="pension-new", staff="Ivan", note=NOTE)
    app = counter(hostile, window="6")
    async with app.run_test(size=SIZE) as pilot:
        await counter_sign_in(pilot, name=STAFF, pin="1234")
        await tap(pilot, "#act-call")
        await settle(pilot, f"Called {ticket.code}")
        await shows(pilot, app, NOTE, DEPARTMENT, SERVICE, STAFF)
        await pilot.press("f7")  # the transfer dialog lists the departments by name
        await until(pilot, lambda: bool(app.screen.query("#department")))
        app.screen.query_one("#department", Select).expanded = True
        await until(pilot, lambda: "Employment" in drawn(app))
        assert app.is_running
    display = create_display(hostile.settings, service, lang="en", interval=0.5)
    service.issue("pension-recalc")
    async with display.run_test(size=SIZE) as pilot:
        await shows(pilot, display, CENTRE, DEPARTMENT)
        assert display.query_one("#now-number", BigText).text == ticket.code


async def test_outside_text_is_drawn_as_text_on_every_tab_of_the_front_desk(hostile: Centre) -> None:
    service = hostile.service
    service.book("housing-subsidy", datetime(2026, 11, 23, 10, 30, tzinfo=KYIV), "uk", NAME, PHONE)
    service.issue("pension-new")
    service.call_next("6", staff="Ivan")
    service.transfer("P-001", to="employment", staff="Ivan", note=NOTE)
    service.issue("pension-new")
    app = admin(hostile)
    async with app.run_test(size=(200, 50)) as pilot:
        await sign_in(pilot)
        screen = app.screen
        assert isinstance(screen, AdminScreen)
        await shows(pilot, app, CENTRE)
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
            await workers_done(pilot)
            await pilot.pause()
            expected = {"bookings": [NAME, PHONE], "staff": [STAFF], "audit": [NOTE], "stats": [DEPARTMENT],
                        "day": [DEPARTMENT], "queue": [SERVICE, NOTE]}  # fmt: skip
            await shows(pilot, app, *expected[tab])
