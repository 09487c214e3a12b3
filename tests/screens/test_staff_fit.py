"""The staff screens fit every kiosk size (80×24, 100×30, 120×40 and a portrait 60×100) in every
language: the counter (serving, its transfer dialog) and the front desk (every tab and every dialog).
Nothing outside the terminal or behind another widget, no label cut (`tests/screens/fit.py`); long
data lists (the desk's tables, the statistics) may scroll, the buttons of actions may not.

One Pilot run a size: the app is signed in once, then each language is shown by drawing the screen
again in it (as a terminal started in that language draws it). Every problem of every language and
screen is listed in one failure."""

from __future__ import annotations

import dataclasses
import io
from datetime import date, datetime, timedelta

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.screen import ModalScreen, Screen
from textual.widgets import Static, TabbedContent

from kiosk.domain.tickets import BookingView
from kiosk.presentation.figures import DESK_BOOKED, DESK_DAY
from kiosk.presentation.i18n import translations
from screens.admin.app import AdminApp, AdminScreen
from screens.admin.booking_dialogs import CodeScreen, ConfirmDialog, SlotDialog
from screens.admin.dialogs import (
    IssueDialog,
    LastTicketDialog,
    PriorityDialog,
    ReasonDialog,
    SendDialog,
    StaffDialog,
)
from screens.admin.panes import Pane
from screens.admin.queue import QueueTable
from screens.admin.stats import StatsPane
from screens.common.signin import SignInScreen
from screens.common.transfer import TransferScreen
from screens.counter.window import CounterScreen
from tests.screens.conftest import Centre, workers_done
from tests.screens.fit import misfits
from tests.screens.test_admin import admin
from tests.screens.test_admin import sign_in as admin_sign_in
from tests.screens.test_counter import counter, sign_in
from tests.screens.test_lobby import shown, until
from tests.screens.test_terminal_fit import LANGS, SIZES

pytestmark = pytest.mark.slow  # 10 to 30 s a case: started first


class Problems(list[str]):
    def check(self, pilot: Pilot[None], context: str, *, scrolling: bool = False) -> None:
        """The top screen's misfits, if any, noted under `context`."""
        found = misfits(pilot, scrolling=scrolling)
        if found:
            size = pilot.app.size
            self.append(f"{context} at {size.width}x{size.height}:\n  " + "\n  ".join(found))

    def assert_none(self) -> None:
        if self:
            raise AssertionError("\n".join(self))


async def dialog(pilot: Pilot[None], screen: ModalScreen[object], problems: Problems, context: str) -> None:
    """`screen` on top, checked, then closed."""
    await pilot.app.push_screen(screen)
    await pilot.pause()
    await until(pilot, lambda: screen.query_one("#cancel").region.area > 0)
    problems.check(pilot, context)
    screen.dismiss(None)
    await pilot.pause()
    assert pilot.app.screen is not screen


async def redrawn(pilot: Pilot[None], lang: str, screen: Screen[None]) -> None:
    """The top screen replaced by `screen`, drawn in `lang`."""
    app = pilot.app
    app.lang = lang  # type: ignore[attr-defined]
    app.pop_screen()
    await app.push_screen(screen)


# The counter -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_counter_fits(centre: Centre, size: tuple[int, int]) -> None:
    """Serving a priority ticket with an interpreter (the longest details), its line behind it, and
    the transfer dialog."""
    service = centre.service
    service.issue("pension-new")
    service.issue("pension-recalc", priority="aged-80", interpreter=True, language="vi")
    service.issue("pension-certificate")
    booked = service.book("pension-new", datetime(2026, 11, 23, 10, 20), "tr")
    centre.clock.advance(minutes=6)
    service.check_in(booked.code)  # "booked 10:20" in the line
    problems = Problems()
    app = counter(centre)
    async with app.run_test(size=size) as pilot:
        await sign_in(pilot)
        await pilot.press("f1")
        await until(
            pilot, lambda: isinstance(app.screen, CounterScreen) and app.screen.counter_ticket is not None
        )
        for lang in LANGS:
            screen = CounterScreen()
            await redrawn(pilot, lang, screen)
            await until(pilot, lambda: screen.counter_ticket is not None)  # noqa: B023
            await until(pilot, lambda: screen.query_one("#act-call").region.area > 0)  # noqa: B023
            await pilot.pause()
            problems.check(pilot, f"counter {lang}")
            assert screen.counter_ticket is not None
            await dialog(pilot, TransferScreen(screen.counter_ticket), problems, f"counter transfer {lang}")
    problems.assert_none()


# The front desk ----------------------------------------------------------------------------------------

MONDAY = date(2026, 11, 23)
TABS = ["queue", "bookings", "stats", "staff", "day", "audit"]


def busy_day(centre: Centre) -> None:
    """Five tickets in five languages: one served at window 6, one called at window 9 a while ago."""
    service = centre.service
    for code, lang in (("pension-new", "uk"), ("job-register", "tr"), ("housing-subsidy", "ro"),
                       ("pension-recalc", "vi"), ("psych-talk", "ms")):  # fmt: skip
        service.issue(code, language=lang)
        centre.clock.advance(minutes=4)
    service.call_next("6")
    centre.clock.advance(minutes=2)
    service.start(window="6")
    centre.clock.advance(minutes=6)
    service.finish(window="6")
    centre.clock.advance(minutes=4)
    service.call_next("9")  # 8 minutes ago: not yet a stale call the terminals' chores send back
    centre.clock.advance(minutes=8)


def booked_day(centre: Centre) -> list[BookingView]:
    """Three bookings today with the longest name and phone a booking takes, and one cancelled."""
    service = centre.service
    name = "Олександра-Вікторія Ковальчук-Шевченко"
    booked = [
        service.book("housing-subsidy", datetime(2026, 11, 23, 10, 30), "uk", name, "+380 (50) 123-45-67"),
        service.book("pension-new", datetime(2026, 11, 23, 11, 0), "vi"),
        service.book("job-register", datetime(2026, 11, 23, 14, 0), "tr", "Ayşe Yılmaz"),
    ]
    service.cancel_booking(booked[2].code)
    return booked


async def desk(pilot: Pilot[None], lang: str) -> AdminScreen:
    """A fresh desk in `lang`, on the queue, with the day read."""
    app = pilot.app
    assert isinstance(app, AdminApp)
    app.desk = screen = AdminScreen()
    await redrawn(pilot, lang, screen)
    await until(pilot, lambda: screen.query_one(QueueTable).table.row_count == 5)
    await pilot.pause()
    return screen


async def show_tab(pilot: Pilot[None], screen: AdminScreen, tab: str) -> None:
    """`tab` shown, with its data read."""
    screen.query_one(TabbedContent).active = f"tab-{tab}"
    await until(pilot, lambda: screen.query_one(f"#tab-{tab}").region.area > 0)
    if tab != "queue":  # a tab is built when first chosen
        await until(pilot, lambda: bool(screen.query_one(f"#tab-{tab}").query(Pane)))
    pane = screen.query_one(f"#tab-{tab}").query(Pane).first() if tab != "queue" else None
    if pane is not None:
        await until(pilot, lambda: pane.opened)
    await workers_done(pilot)
    if isinstance(pane, StatsPane):
        await until(pilot, lambda: pane.shown is not None)
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_front_desk_fits(centre: Centre, size: tuple[int, int]) -> None:
    """Every tab: its tables and statistics may scroll, its buttons may not."""
    booked_day(centre)
    busy_day(centre)
    problems = Problems()
    app = admin(centre)
    async with app.run_test(size=size) as pilot:
        await admin_sign_in(pilot)
        for lang in LANGS:
            screen = await desk(pilot, lang)
            for tab in TABS:
                await show_tab(pilot, screen, tab)
                problems.check(pilot, f"desk {tab} {lang}", scrolling=True)
                unseen = [p for p in misfits(pilot) if p.startswith("Button")]  # without scrolling
                if unseen:
                    problems.append(
                        f"desk {tab} {lang}: buttons seen only by scrolling\n  " + "\n  ".join(unseen)
                    )
    problems.assert_none()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_front_desk_dialogs_fit(centre: Centre, size: tuple[int, int]) -> None:
    """Every dialog of the desk (the counter's transfer dialog among them), with the longest title each
    can have. A dialog covers what is under it, so they are opened over the light sign-in screen."""
    ticket = centre.service.issue("pension-recalc", priority="aged-80").ticket
    booking = booked_day(centre)[0]
    widest = dataclasses.replace(booking, code="WMWMWM")  # codes are drawn at random: the widest
    catalogue = centre.service.catalogue
    days = [MONDAY + timedelta(days=n) for n in range(61)]
    problems = Problems()
    app = admin(centre)
    async with app.run_test(size=size) as pilot:
        await shown(pilot, SignInScreen, ".member")
        for lang in LANGS:
            app.lang = lang
            t = translations(lang)
            for screen in (
                IssueDialog(lang, catalogue, list(centre.settings.languages)),
                PriorityDialog(lang, catalogue, ticket.code, "aged-80"),
                ReasonDialog(
                    lang,
                    t.gettext("Cancel {number}").format(number=ticket.code),
                    t.gettext("Cancel the ticket"),
                ),
                SendDialog(lang, ticket.code, catalogue.windows),
                TransferScreen(ticket),
                LastTicketDialog(lang, catalogue.dept("pensions"), "17:00"),
                ReasonDialog(
                    lang, t.gettext("End of day"), t.gettext("Close the day"), t.gettext("end of day")
                ),
                StaffDialog(lang),
                StaffDialog(lang, "Olena"),
                SlotDialog(
                    lang,
                    t.gettext("Book a visit"),
                    t.gettext("Book"),
                    catalogue,
                    days,
                    MONDAY,
                    list(centre.settings.languages),
                ),
                SlotDialog(
                    lang,
                    t.gettext("Move {code}").format(code=booking.code),
                    t.gettext("Move"),
                    catalogue,
                    days,
                    MONDAY,
                    None,
                    booking.service,
                ),
                ConfirmDialog(
                    lang,
                    t.gettext("Cancel the booking {code}?").format(code=booking.code),
                    t.gettext("Cancel the booking"),
                    ["23.11.2026 10:30 · Disability and care allowance"],
                ),
                CodeScreen(lang, widest, ["23.11.2026 10:30 · Disability and care allowance"]),
            ):
                await dialog(pilot, screen, problems, f"desk {type(screen).__name__} {lang}")
    problems.assert_none()


async def test_the_statistics_show_every_column_whole_at_120x40_in_every_language(centre: Centre) -> None:
    """Service time, no-shows and the share over the target were past the right edge at 120x40:
    headers and names now wrap at their spaces, and no word is cut."""
    booked_day(centre)
    busy_day(centre)
    app = admin(centre)
    async with app.run_test(size=(120, 40)) as pilot:
        await admin_sign_in(pilot)
        for lang in LANGS:
            screen = await desk(pilot, lang)
            await show_tab(pilot, screen, "stats")
            view = screen.query_one("#stats-scroll")
            assert view.max_scroll_x == 0, f"the statistics scroll sideways in {lang}"
            for selector, figures in (("#stats-table", DESK_DAY), ("#stats-booked", DESK_BOOKED)):
                table = screen.query_one(selector, Static)
                console = Console(width=table.size.width, record=True, file=io.StringIO())
                console.print(table.content)
                drawn = console.export_text()
                assert "…" not in drawn, f"a word cut in {lang}:\n{drawn}"
                headers = ["Department", *(str(f.label) for f in figures)]
                words = " ".join(translations(lang).gettext(h) for h in headers).split()
                assert all(word in drawn for word in words), f"a header missing in {lang}:\n{drawn}"
