"""Every lobby screen fits every kiosk: 80x24, 100x30, 120x40 and a portrait 60x100, in all seven
languages (the fit checker, tests/screens/fit.py): every option on screen without scrolling, nothing
hidden behind another widget, no label cut, the ticket number never under the QR.

One app run walks all seven languages for one screen at one size (starting over between them), so
the 4 x 12 cases check 336 pictures in about a minute."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Button, Label

from harness.loopback import LoopbackPrinter
from kiosk.presentation.i18n import translations
from kiosk.runtime import open_service
from screens.common.widgets import BigText
from screens.lobby.app import LobbyApp, create_app
from screens.lobby.checkin import CheckInScreen
from screens.lobby.dialogs import IdleScreen, NoticeScreen, OfferScreen
from screens.lobby.language import HEADING, LanguageScreen
from screens.lobby.need import NeedScreen, ServiceScreen
from screens.lobby.rating import RatingDialog
from screens.lobby.ticket import TicketScreen
from tests.screens.conftest import Centre, tap
from tests.screens.english import english_on_screen
from tests.screens.fit import assert_fits
from tests.screens.test_lobby import choose_service, get_ticket, rows_around_the_ticket, shown, until

pytestmark = pytest.mark.slow  # 5 to 20 s a case: started first

SIZES = [(80, 24), (100, 30), (120, 40), (60, 100)]
LANGS = ["en", "uk", "ru", "tr", "ro", "ms", "vi"]

Walk = Callable[[Pilot[None], Centre, str], Awaitable[None]]


async def need(pilot: Pilot[None], centre: Centre, lang: str) -> None:
    await tap(pilot, f"#lang-{lang}")
    await shown(pilot, NeedScreen, ".menu")


async def need_large(pilot: Pilot[None], centre: Centre, lang: str) -> None:
    await need(pilot, centre, lang)
    await tap(pilot, "#larger")
    await until(pilot, lambda: bool(pilot.app.screen.query("#larger.-on")))


async def need_chosen(pilot: Pilot[None], centre: Centre, lang: str) -> None:
    """A priority and the interpreter chosen: the bar's longest texts."""
    await choose_service(pilot, lang, "pension", "pension-new", priority="veteran", interpreter=True)
    await tap(pilot, "#back")
    await shown(pilot, NeedScreen, "#interpreter.-on")


async def services(pilot: Pilot[None], centre: Centre, lang: str) -> None:
    await choose_service(pilot, lang, "money", "housing-subsidy")


async def services_closed(pilot: Pilot[None], centre: Centre, lang: str) -> None:
    centre.clock.set(datetime(2026, 11, 23, 19, 40, tzinfo=ZoneInfo("Europe/Kyiv")))
    await shown(pilot, LanguageScreen, f"#lang-{lang}")
    await tap(pilot, f"#lang-{lang}")
    app = pilot.app
    assert isinstance(app, LobbyApp)

    def drawn_closed() -> bool:
        """The needs drawn with the evening's openings: read again when the screen opened, and the
        screen drawn again with them (a tap while it is drawn again would land on a choice going
        away)."""
        busy = any(w.group in ("openings", "redraw") and not w.is_finished for w in app.workers)
        pensions = app.openings.get("pensions")
        found = app.screen.query("#menu-pension") if isinstance(app.screen, NeedScreen) else None
        return not busy and pensions is not None and not pensions.open and bool(found)

    await until(pilot, drawn_closed)
    await shown(pilot, NeedScreen, "#menu-pension")
    await tap(pilot, "#menu-pension")
    await shown(pilot, ServiceScreen, "#service-pension-new")


async def closed_notice(pilot: Pilot[None], centre: Centre, lang: str) -> None:
    await services_closed(pilot, centre, lang)
    await tap(pilot, "#service-pension-new")
    await until(pilot, lambda: isinstance(pilot.app.screen, NoticeScreen))


async def priority(pilot: Pilot[None], centre: Centre, lang: str) -> None:
    await need(pilot, centre, lang)
    await tap(pilot, "#priority")
    await until(pilot, lambda: bool(pilot.app.screen.query("#priority-none")))


async def ticket(pilot: Pilot[None], centre: Centre, lang: str) -> None:
    await get_ticket(pilot, lang, "pension", "pension-new", priority="veteran", interpreter=True)


async def ticket_large(pilot: Pilot[None], centre: Centre, lang: str) -> None:
    """Larger text on, then a ticket: the number must still be whole."""
    await need_large(pilot, centre, lang)
    await tap(pilot, "#menu-pension")
    await shown(pilot, ServiceScreen, "#service-pension-new")
    await tap(pilot, "#service-pension-new")
    await shown(pilot, TicketScreen, "#print-status")


async def idle(pilot: Pilot[None], centre: Centre, lang: str) -> None:
    await need(pilot, centre, lang)
    centre.ticks.now += centre.settings.idle_seconds + 1
    await until(pilot, lambda: isinstance(pilot.app.screen, IdleScreen))


async def offer(pilot: Pilot[None], centre: Centre, lang: str) -> None:
    await need(pilot, centre, lang)
    app = pilot.app
    assert isinstance(app, LobbyApp)
    app.offer_normal_ticket("pension-new")
    await until(pilot, lambda: isinstance(app.screen, OfferScreen))


async def staff_pin(pilot: Pilot[None], centre: Centre, lang: str) -> None:
    await tap(pilot, "#staff")
    await until(pilot, lambda: bool(pilot.app.screen.query("#pin-input")))


async def checkin(pilot: Pilot[None], centre: Centre, lang: str) -> None:
    """The check-in keypad with three characters typed."""
    await need(pilot, centre, lang)
    await tap(pilot, "#appointment")
    await shown(pilot, CheckInScreen, "#key-K")
    await pilot.press("k", "m", "t")


async def checkin_early(pilot: Pilot[None], centre: Centre, lang: str) -> None:
    """A booked visitor a day early (the longest text: the date too): when to come back, or a
    walk-in ticket now."""
    day = centre.clock.now().astimezone(centre.settings.zone).date() + timedelta(days=1)
    at = datetime.combine(day, time(10, 0)) + timedelta(minutes=30 * LANGS.index(lang))
    code = ("KMT74X", "HNR39W", "PCY67A", "VEF43J", "AMK3RT", "WUN69C", "FEJ47P")[LANGS.index(lang)]
    row = f"housing-subsidy,{at:%Y-%m-%dT%H:%M},{lang},,,{code}"  # a fixed code: a stable picture
    centre.service.import_bookings(f"service,at,language,name,phone,code\n{row}\n", "walk.csv")
    await checkin(pilot, centre, lang)
    await pilot.press("backspace", "backspace", "backspace", *code, "enter")
    await until(pilot, lambda: isinstance(pilot.app.screen, OfferScreen))


async def rating(pilot: Pilot[None], centre: Centre, lang: str, large: bool = False) -> None:
    """A ticket in `lang` served, its QR scanned: the faces (checked here), then the reasons of a low
    score, the longest list (checked by the walk)."""
    service = centre.service
    if large:
        await need_large(pilot, centre, lang)
    issued = service.issue("pension-new", language=lang)
    assert service.call_next("6").id == issued.ticket.id
    service.start(window="6")
    service.finish(window="6")
    app = pilot.app
    assert isinstance(app, LobbyApp)
    app.ratings.scanned(issued.qr)  # as the scanner's Enter does (typed whole in test_lobby_rating)
    await shown(pilot, RatingDialog, "#face-1")
    await pilot.pause(0.1)
    assert_fits(pilot, skip=pictures, context=f"rating faces in {lang}, larger text {large}")
    await tap(pilot, "#face-2")
    await shown(pilot, RatingDialog, "#send")


async def rating_large(pilot: Pilot[None], centre: Centre, lang: str) -> None:
    await rating(pilot, centre, lang, large=True)


async def first(pilot: Pilot[None], centre: Centre, lang: str) -> None:
    """The language screen (the same in every language): checked once."""


WALKS: dict[str, tuple[Walk, bool]] = {  # the walk, and whether it runs once only
    "language": (first, True),
    "need": (need, False),
    "need-large": (need_large, False),
    "need-chosen": (need_chosen, False),
    "services": (services, False),
    "services-closed": (services_closed, False),
    "closed-notice": (closed_notice, False),
    "priority": (priority, False),
    "ticket": (ticket, False),
    "ticket-printer-failed": (ticket, False),
    "ticket-large": (ticket_large, False),
    "ticket-url": (ticket, False),  # with public_url the QR holds the page's address: it grows
    "idle": (idle, False),
    "offer": (offer, False),
    "staff-pin": (staff_pin, True),
    "checkin": (checkin, False),
    "checkin-early": (checkin_early, False),
    "rating": (rating, False),
    "rating-large": (rating_large, False),
}


def lobby_for(centre: Centre, walk: str, printer: LoopbackPrinter | None) -> LobbyApp:
    """The kiosk a walk runs on: for "ticket-url" the QR holds the phone page's address (only drawn,
    never asked), which makes it larger."""
    if walk != "ticket-url":
        return centre.lobby(printer_url=printer.url if printer else None)
    settings = centre.settings.model_copy(update={"public_url": "https://cnap.lutsk-rada.gov.ua/cherha"})
    return create_app(settings, open_service(settings, centre.clock), monotonic=centre.ticks)


def main_language_only(app: App[Any], centre: Centre) -> None:
    """No English on a screen drawn in the centre's main language (Ukrainian here) before a visitor
    chose theirs; the first screen's own words (heading, Read aloud, the staff's key) turn through
    every language together by design (3 s each), so words that have turned are left out."""
    main = centre.settings.main_language
    assert main != "en", "the centre's main language is English: nothing to find"
    names = [centre.settings.centre_name]
    if isinstance(app.screen, LanguageScreen):
        heading = str(app.screen.query_one("#heading", Label).content)
        if heading != translations(main).gettext(HEADING):
            names.append(heading)
            names += [str(app.screen.query_one(f"#{i}", Button).label) for i in ("read-aloud", "staff")]
    found = english_on_screen(app, main, tuple(names))
    assert not found, f"English on {type(app.screen).__name__} in {main}: {found}"


def ticket_in_the_middle(screen: TicketScreen, context: str) -> None:
    """The ticket stands in the middle of the screen, top to bottom (the QR's margin or an odd row
    may make a side two rows larger), and "Your number" is not against the top edge where the
    screen has rows to spare: the ticket once stood at the top of a portrait screen with most of it
    empty below, and at 80x24 "Your number" touched the top edge."""
    above, below = rows_around_the_ticket(screen)
    assert abs(below - above) <= 2, f"not in the middle ({context}): {above} rows above, {below} below"
    your_number = screen.query_one("#your-number").region
    assert your_number.y > screen.region.y or below <= 1, f"'Your number' against the top edge ({context})"


def places_apart(screen: CheckInScreen, context: str) -> None:
    """A blank row between the check-in's instructions and the code's places (they touched)."""
    words, place = screen.query_one("#subheading").region, screen.query_one("#place-0").region
    assert place.y > words.bottom, f"the code's places touch the words above them ({context})"


def pictures(widget: Widget) -> bool:
    """The QR code and the big number are pictures: their text is not words."""
    return widget.id in ("qr", "number")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("walk", list(WALKS))
async def test_every_lobby_screen_fits(centre: Centre, walk: str, size: tuple[int, int]) -> None:
    steps, once = WALKS[walk]
    printer = LoopbackPrinter("cover_open") if walk == "ticket-printer-failed" else None
    app = lobby_for(centre, walk, printer)
    try:
        async with app.run_test(size=size) as pilot:
            for lang in LANGS[:1] if once else LANGS:
                await shown(pilot, LanguageScreen, f"#lang-{lang}")
                await steps(pilot, centre, lang)
                await pilot.pause(0.1)
                assert_fits(pilot, skip=pictures, context=f"{walk} in {lang}")
                if lang != "en":  # every word a visitor reads is in the visitor's language
                    names = (centre.settings.centre_name,)
                    assert not english_on_screen(app, lang, names), f"English on {walk} in {lang}"
                elif once:  # the first screen and the exit PIN open in the centre's main language
                    main_language_only(app, centre)
                if isinstance(app.screen, TicketScreen):
                    await pilot.pause(0.1)  # the QR is left out after the first layout if it does not fit
                    number, qr = app.screen.query_one("#number", BigText), app.screen.query_one("#qr")
                    screen = app.screen.region
                    assert screen.contains_region(number.region), f"the number is cut in {lang} ({walk})"
                    number_lines = str(number.content).splitlines()
                    assert number.region.width >= max(map(len, number_lines)), f"the number is cut in {lang}"
                    if qr.display:
                        assert screen.contains_region(qr.region), f"half a QR in {lang} ({walk})"
                        assert not number.region.overlaps(qr.region)
                    else:
                        assert app.screen.query_one("#qr-note").display or app.screen.printed is not None
                    ticket_in_the_middle(app.screen, f"{walk} in {lang}")
                if isinstance(app.screen, CheckInScreen):
                    places_apart(app.screen, f"{walk} in {lang}")
                app.start_over()
                centre.clock.advance(minutes=10)  # a priority right again: not the same visitor
    finally:
        if printer is not None:
            printer.close()


@pytest.mark.parametrize("size", [(60, 24), (80, 24)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_larger_text_shows_every_need_without_scrolling(centre: Centre, size: tuple[int, int]) -> None:
    """With larger text on the smallest screens (60x24 is as small as the browser's larger font
    makes the kiosk) every need is on a page that fits, and "more" turns through them all; a need's
    key finds it on whichever page it is."""
    app = centre.lobby()
    async with app.run_test(size=size) as pilot:
        for lang in LANGS:
            await shown(pilot, LanguageScreen, f"#lang-{lang}")
            await need_large(pilot, centre, lang)
            expected = [ident for ident, *_ in app.screen.items()]
            seen: list[str] = []
            for _ in expected:  # at most a page a need
                await pilot.pause(0.1)
                assert_fits(pilot, skip=pictures, context=f"larger text in {lang}, page {len(seen)}")
                seen += [c.id for c in app.screen.query(".menu, #appointment") if c.id]
                if not app.screen.query("#more"):
                    break
                turned = app.screen.page + 1
                await tap(pilot, "#more")
                await until(
                    pilot, lambda p=turned: app.screen.arranged.page == p % len(app.screen.arranged.pages)
                )
                if app.screen.arranged.page == 0:
                    break
            assert seen == expected, f"needs missing with larger text in {lang} at {size}"
            if app.screen.arranged.pages:  # the last need's key turns to its page and picks it
                last = len([i for i in expected if i.startswith("menu-")])
                await pilot.press(str(min(last, 9)))
                await until(pilot, lambda: app.screen.focused is not None)
                assert app.screen.focused.id == expected[min(last, 9) - 1]
            app.start_over()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_first_screen_fits_in_every_language_its_words_turn_to(
    centre: Centre, size: tuple[int, int]
) -> None:
    """The first screen's own words (heading, Read aloud, the staff's key) turn through the
    languages together: each turn fits, the staff's two words in its narrow key too."""
    app = centre.lobby()
    async with app.run_test(size=size) as pilot:
        await shown(pilot, LanguageScreen, "#staff")
        screen = app.screen
        assert isinstance(screen, LanguageScreen)
        for _ in LANGS:
            screen._next_heading()
            await pilot.pause()
            heading = screen.query_one("#heading", Label).content
            assert_fits(pilot, context=f"the first screen turned to {heading}")
