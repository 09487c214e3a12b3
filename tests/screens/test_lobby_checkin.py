"""A booked visitor at the lobby kiosk: booked through the service, then "I have an appointment",
the code typed on the keypad (taps) or scanned (the scanner types the slip's QR text and Enter),
down to the ticket marked with the booked time, on screen and on the printed paper; and the codes
that do not check in: too early, too late, wrong, used, cancelled."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Label, Static

from harness.decode import decode_job
from kiosk.bookings.checkin_guard import CheckInGuard
from kiosk.domain.codes import number_code
from kiosk.domain.languages import LANGUAGES
from kiosk.domain.tickets import BookingView
from kiosk.presentation.i18n import translations
from printer.layout import band, marks
from printer.printing import TicketPrinter
from screens.lobby.checkin import KEYPAD, CheckInScreen
from screens.lobby.dialogs import NoticeScreen, OfferScreen
from screens.lobby.language import LanguageScreen
from screens.lobby.need import NeedScreen
from screens.lobby.ticket import TicketScreen
from tests.conftest import MONDAY_10, needs_tool
from tests.screens.conftest import Centre, tap
from tests.screens.fit import assert_fits
from tests.screens.test_lobby import shown, to_needs, until
from tests.screens.test_lobby_fit import pictures
from tests.screens.test_lobby_guide import guided_to_the_needs, listening, press, quiet
from tests.test_printer import read_qr

SIZE = (120, 40)
SLOT = MONDAY_10.replace(hour=10, minute=30)


def book(centre: Centre, at: datetime = SLOT, lang: str = "en") -> BookingView:
    return centre.service.book("housing-subsidy", at.replace(tzinfo=None), lang, source="desk")


async def to_checkin(pilot: Pilot[None], lang: str) -> CheckInScreen:
    await tap(pilot, f"#lang-{lang}")
    await shown(pilot, NeedScreen, "#appointment")
    await tap(pilot, "#appointment")
    await shown(pilot, CheckInScreen, "#key-A")
    screen = pilot.app.screen
    assert isinstance(screen, CheckInScreen)
    return screen


async def keys(pilot: Pilot[None], code: str) -> None:
    """Taps on the keypad."""
    for character in code:
        await tap(pilot, f"#key-{character}")


async def typed(pilot: Pilot[None], code: str) -> None:
    """Taps on the keypad, then OK."""
    await keys(pilot, code)
    await tap(pilot, "#key-ok")


async def scanned(pilot: Pilot[None], text: str) -> None:
    """The scanner, a keyboard: the QR's text, then Enter."""
    await pilot.press(*text, "enter")


async def ticket_of(pilot: Pilot[None]) -> TicketScreen:
    await until(pilot, lambda: isinstance(pilot.app.screen, TicketScreen))
    screen = pilot.app.screen
    assert isinstance(screen, TicketScreen)
    await until(pilot, lambda: screen.printed is not None)
    return screen


async def test_typed_code_checks_in_to_a_ticket_marked_booked(centre: Centre) -> None:
    booking = book(centre, lang="en")
    centre.clock.set(SLOT - timedelta(minutes=5))
    async with centre.lobby().run_test(size=SIZE) as pilot:
        screen = await to_checkin(pilot, "uk")
        await keys(pilot, booking.code[:3])
        places = [str(p.content) for p in screen.query(".place").results()]
        assert places[:3] == list(booking.code[:3]) and places[3] == "·"
        await tap(pilot, "#key-delete")
        await tap(pilot, f"#key-{booking.code[2]}")
        await typed(pilot, booking.code[3:])
        ticket = await ticket_of(pilot)
        booked = translations("uk").gettext("Booked {time}").format(time="10:30")
        assert str(ticket.query_one("#booked", Label).content) == booked
        assert ticket.printed is not None and ticket.printed.ok and ticket.printed.job
    issued = ticket.issued.ticket
    assert (issued.service, issued.language) == ("housing-subsidy", "uk")  # the visitor's language
    assert centre.service.booking(booking.code).state == "checked_in"
    # The printed paper carries the booked line, drawn as the layout draws it.
    image, _ = decode_job(Path(ticket.printed.job).read_bytes())
    line = band(marks(ticket.content, 1.0), image.width)
    assert line in image.convert("1").tobytes("raw", "1;I"), "the booked line is on the paper"


async def test_scanned_code_checks_in_at_once(centre: Centre) -> None:
    booking = book(centre)
    centre.clock.set(SLOT)
    async with centre.lobby().run_test(size=SIZE) as pilot:
        screen = await to_checkin(pilot, "en")
        await tap(pilot, "#key-A")  # a tap first: the focus is on a key, the scan still checks in
        await tap(pilot, "#key-clear")
        assert screen.code == ""
        await scanned(pilot, booking.code)
        ticket = await ticket_of(pilot)
        assert str(ticket.query_one("#booked", Label).content) == "Booked 10:30"
    assert ticket.issued.ticket.booked_at == booking.at


async def test_typed_on_a_cyrillic_keyboard_in_lower_case(centre: Centre) -> None:
    booking = book(centre)
    centre.clock.set(SLOT)
    to_cyrillic = str.maketrans("ACEHKMPTXY", "асенкмртху")
    async with centre.lobby().run_test(size=SIZE) as pilot:
        screen = await to_checkin(pilot, "ru")
        await pilot.press(*booking.code.lower().translate(to_cyrillic))
        assert screen.code == booking.code
        await pilot.press("enter")
        await ticket_of(pilot)


async def test_too_early_says_when_or_gives_a_walk_in_ticket(centre: Centre) -> None:
    booking = book(centre)
    async with centre.lobby().run_test(size=SIZE) as pilot:  # 10:00, the slot at 10:30
        await to_checkin(pilot, "en")
        await scanned(pilot, booking.code)
        await until(pilot, lambda: isinstance(pilot.app.screen, OfferScreen))
        offer = pilot.app.screen
        assert isinstance(offer, OfferScreen)
        assert "10:30" in offer.message and "from 10:15" in offer.message
        await tap(pilot, "#offer")
        ticket = await ticket_of(pilot)
        assert not ticket.query("#booked")
    assert ticket.issued.ticket.service == "housing-subsidy" and ticket.issued.ticket.booked_at is None
    assert centre.service.booking(booking.code).state == "booked"  # it can still check in at 10:15


async def test_too_late_offers_a_walk_in_ticket(centre: Centre) -> None:
    booking = book(centre)
    centre.clock.set(SLOT + timedelta(minutes=11))
    async with centre.lobby().run_test(size=SIZE) as pilot:
        screen = await to_checkin(pilot, "tr")
        await typed(pilot, booking.code)
        await until(pilot, lambda: isinstance(pilot.app.screen, OfferScreen))
        offer = pilot.app.screen
        assert isinstance(offer, OfferScreen) and "10:30" in offer.message
        await tap(pilot, "#decline")
        await until(pilot, lambda: pilot.app.screen is screen)
        assert screen.code == booking.code  # nothing lost


async def refused(centre: Centre, code: str, lang: str = "en") -> str:
    async with centre.lobby().run_test(size=SIZE) as pilot:
        await to_checkin(pilot, lang)
        await scanned(pilot, code)
        await until(pilot, lambda: isinstance(pilot.app.screen, NoticeScreen))
        notice = pilot.app.screen
        assert isinstance(notice, NoticeScreen)
        return notice.message


async def test_wrong_used_and_cancelled_codes_send_to_the_front_desk(centre: Centre) -> None:
    used = book(centre)
    cancelled = book(centre, SLOT + timedelta(minutes=30))
    centre.clock.set(SLOT)
    number = centre.service.check_in(used.code).ticket.code
    centre.service.cancel_booking(cancelled.code)
    wrong = await refused(centre, "KKKKKK")
    assert wrong.startswith("We cannot find this code") and "ask at the front desk" in wrong
    assert number in await refused(centre, used.code)
    assert "cancelled" in await refused(centre, cancelled.code)
    uk = await refused(centre, cancelled.code, "uk")
    assert uk == translations("uk").gettext("This appointment was cancelled. Please ask at the front desk.")
    assert uk != "This appointment was cancelled. Please ask at the front desk."


async def test_wrong_codes_slow_the_kiosk_down_and_are_recorded(centre: Centre) -> None:
    booking = book(centre)
    centre.clock.set(SLOT)
    terminal = centre.settings.terminal
    async with centre.lobby().run_test(size=SIZE) as pilot:
        await to_checkin(pilot, "en")
        answers = []
        for guess in ("KKKKKK", "KKKKKM", "KKKKKN", booking.code):  # the last while it waits
            await scanned(pilot, guess)
            await until(pilot, lambda: isinstance(pilot.app.screen, NoticeScreen))
            notice = pilot.app.screen
            assert isinstance(notice, NoticeScreen)
            answers.append(notice.message)
            await tap(pilot, "#ok")
            await shown(pilot, CheckInScreen, "#key-A")
        assert all(a.startswith("We cannot find this code") for a in answers[:3]), answers
        assert answers[3] == (
            "Too many wrong codes were typed here. Please try again in 5 seconds, or ask at the front desk."
        ), "the third wrong one in a short time makes it wait"
        centre.clock.advance(seconds=5)
        await scanned(pilot, booking.code)  # waited: the right code checks in
        await ticket_of(pilot)
    tries = [(e.kind, e.data) for e in centre.service.events_since(0) if e.kind.startswith("checkin_")]
    assert tries == [
        *[("checkin_code_refused", {"terminal": terminal, "wrong_in_a_row": n}) for n in (1, 2, 3)],
        ("checkin_too_soon", {"terminal": terminal, "wrong_in_a_row": 3}),
    ], "each wrong code an event, never the code itself"
    centre.clock.advance(minutes=16)
    assert CheckInGuard(centre.service, terminal).wait_left() == 0, "forgotten after a quarter of an hour"


async def test_an_unfinished_code_is_not_sent(centre: Centre) -> None:
    async with centre.lobby().run_test(size=SIZE) as pilot:
        await to_checkin(pilot, "en")
        await scanned(pilot, "KMT")
        await until(pilot, lambda: isinstance(pilot.app.screen, NoticeScreen))
        notice = pilot.app.screen
        assert isinstance(notice, NoticeScreen) and "all 6 characters" in notice.message


async def test_digits_type_and_backspace_deletes_then_goes_back(centre: Centre) -> None:
    async with centre.lobby().run_test(size=SIZE) as pilot:
        screen = await to_checkin(pilot, "en")
        await pilot.press("asterisk")  # spoken guidance on: its digit keys pick nothing here
        assert pilot.app.guide.on  # type: ignore[attr-defined]
        await pilot.press("3", "4", "k", "1")
        assert screen.code == "34K"  # 1 is in no code: after a letter it types nothing
        await pilot.press("backspace", "backspace", "backspace")
        assert screen.code == "" and pilot.app.screen is screen
        await pilot.press("1", "0", "k")  # digits no code has begin a number code, which has no letters
        assert screen.code == "10" and screen.numeric()
        await pilot.press("backspace", "backspace")
        await pilot.press("backspace")
        await until(pilot, lambda: isinstance(pilot.app.screen, NeedScreen))


async def test_the_printed_slips_qr_scanned_at_the_kiosk_checks_in(centre: Centre) -> None:
    booking = book(centre, lang="ms")
    printer = TicketPrinter(centre.service, f"preview://{centre.tmp / 'slips'}")
    printed = printer.print_slip(booking)
    printer.close()
    assert printed.ok and printed.job
    image, _ = decode_job(Path(printed.job).read_bytes())
    centre.clock.set(SLOT - timedelta(minutes=15))  # the first minute it checks in
    async with centre.lobby().run_test(size=SIZE) as pilot:
        await to_checkin(pilot, "ms")
        await scanned(pilot, read_qr(image))
        ticket = await ticket_of(pilot)
    assert ticket.issued.ticket.booked_at == booking.at
    assert centre.service.booking(booking.code).ticket == ticket.issued.ticket.code


@needs_tool("espeak-ng")
async def test_a_guided_visitor_checks_in_with_the_keypad_and_hears_it_all(centre: Centre) -> None:
    booking = book(centre)
    centre.clock.set(SLOT)
    app = centre.lobby()
    heard = listening(app)
    async with app.run_test(size=SIZE) as pilot:
        await guided_to_the_needs(pilot, app, heard, "1")
        said = await press(pilot, app, heard, *["0"] * 9)  # zero moves to the next choice
        assert said[-1].text.startswith("I have an appointment. Check in with the code")
        said = await press(pilot, app, heard, "enter")
        assert isinstance(app.screen, CheckInScreen)
        intro = " ".join(u.text for u in said)
        assert intro.startswith("I have an appointment. On the keypad, type the 9 digits"), intro
        said = await press(pilot, app, heard, *booking.code[:5])  # digits type here, letters too
        assert said[-1].text == booking.code[4]
        said = await press(pilot, app, heard, booking.code[5])
        spelled = " ".join(booking.code)
        assert said[-1].text == f"Your code: {spelled}. Press Enter to check in."
        said = await press(pilot, app, heard, "enter")
        ticket = await ticket_of(pilot)
        await quiet(pilot, app)
        assert "Booked 10:30" in heard[-1].text
    assert ticket.issued.ticket.booked_at == booking.at


async def test_larger_text_keeps_the_code_typed_and_a_number_code_is_tapped_in_threes(centre: Centre) -> None:
    """Larger text (the screen drawn again) keeps the code typed. The keypad has all ten digits:
    KMT74X's number code 032 688 803 (0, 2 and 8 are in no code) tapped shows in three groups of
    three places as on the slip, fits the narrowest kiosk and checks in; a digit no code has types
    nothing after a letter."""
    rows = "service,at,language,name,phone,code\nhousing-subsidy,2026-11-23T10:30,vi,,,KMT74X\n"
    centre.service.import_bookings(rows, "outside.csv")
    centre.clock.set(SLOT)
    async with centre.lobby().run_test(size=(60, 100)) as pilot:
        await to_checkin(pilot, "vi")
        await pilot.press("k", "m")
        await tap(pilot, "#larger")
        await until(pilot, lambda: bool(pilot.app.screen.query("#larger.-on")))
        screen = pilot.app.screen
        assert isinstance(screen, CheckInScreen) and screen.code == "KM"
        assert [str(p.content) for p in screen.query(".place").results(Static)][:3] == ["K", "M", "·"]
        await tap(pilot, "#key-0")
        assert screen.code == "KM"
        await tap(pilot, "#key-clear")
        digits = number_code("KMT74X").replace(" ", "")
        await keys(pilot, digits)
        assert screen.code == digits
        await pilot.pause()
        places = list(screen.query(".place").results(Static))
        assert [str(p.content) for p in places] == list(digits)
        steps = [b.region.x - a.region.x for a, b in pairwise(places)]
        assert steps[2] == steps[5] > steps[0] == steps[1] == steps[3] == steps[4] == steps[6] == steps[7]
        assert_fits(pilot, skip=pictures, context="a number code tapped, larger text")
        await tap(pilot, "#key-ok")
        await until(pilot, lambda: isinstance(pilot.app.screen, TicketScreen))
    assert centre.service.booking("KMT74X").state == "checked_in"


# The fit test walks the check-in at 80x24, 100x30 and 120x40 without larger text, this gap checked
LANDSCAPES = [((98, 28), False)] + [(size, True) for size in ((80, 24), (98, 28), (100, 30), (120, 40))]


@pytest.mark.slow  # seven languages a case
@pytest.mark.parametrize(
    ("size", "large"),
    LANDSCAPES,
    ids=[f"{w}x{h}{'-larger' if large else ''}" for (w, h), large in LANDSCAPES],
)
async def test_the_codes_places_stand_a_row_below_the_words(
    centre: Centre, size: tuple[int, int], large: bool
) -> None:
    """The code's places touched the instructions above them on landscape screens (98x28 is the
    browser's 1280x900): a blank row between them now, in every language, with larger text too,
    and the keypad, its actions and the bar still all on screen."""
    async with centre.lobby().run_test(size=size) as pilot:
        for lang in LANGUAGES:
            await to_needs(pilot, lang, "#appointment", large)
            await tap(pilot, "#appointment")
            await shown(pilot, CheckInScreen, "#key-A")
            await pilot.pause(0.1)
            screen = pilot.app.screen
            words, place = screen.query_one("#subheading").region, screen.query_one("#place-0").region
            assert place.y == words.bottom + 1, f"the places touch the words in {lang}"
            assert_fits(pilot, skip=pictures, context=f"check-in in {lang}, larger text {large}")
            pilot.app.start_over()


async def test_booked_visitors_checked_in_at_the_kiosk_are_called_before_an_earlier_walk_in(
    centre: Centre,
) -> None:
    """End to end: two bookings; a walk-in takes a ticket first; both booked visitors check in at the
    kiosk (one typed, one scanned) once their slot has begun; the window calls them before the
    walk-in who came earlier, serves them, and then the walk-in."""
    typed_booking = book(centre, lang="uk")
    scanned_booking = book(centre, lang="en")
    centre.clock.set(SLOT - timedelta(minutes=5))  # within the walk-ins' wait target: no guard yet
    walk_in = centre.service.issue("housing-subsidy", language="ro")
    centre.clock.set(SLOT + timedelta(minutes=1))
    async with centre.lobby().run_test(size=SIZE) as pilot:
        await to_checkin(pilot, "uk")
        await typed(pilot, typed_booking.code)
        first = (await ticket_of(pilot)).issued.ticket
        await tap(pilot, "#done")
        await shown(pilot, type(pilot.app.screen), "#lang-en")
        await to_checkin(pilot, "en")
        await scanned(pilot, scanned_booking.code)
        second = (await ticket_of(pilot)).issued.ticket
    assert first.booked_at is not None and second.booked_at is not None
    assert first.id > walk_in.ticket.id and second.id > walk_in.ticket.id, "the walk-in came first"
    service = centre.service
    called = [service.call_next("3").id]
    service.start(window="3")
    service.finish(window="3")
    called.append(service.call_next("3").id)
    service.start(window="3")
    service.finish(window="3")
    called.append(service.call_next("3").id)
    assert called == [first.id, second.id, walk_in.ticket.id]
    assert [service.booking(b.code).state for b in (typed_booking, scanned_booking)] == ["checked_in"] * 2


def booked_with(centre: Centre, code: str, lang: str) -> None:
    """A 10:30 booking with `code`, as an outside booking system sends it."""
    rows = f"service,at,language,name,phone,code\nhousing-subsidy,2026-11-23T10:30,{lang},,,{code}\n"
    centre.service.import_bookings(rows, "outside.csv")


async def test_a_slip_scanned_on_the_first_screen_checks_in_in_the_bookings_language(
    centre: Centre,
) -> None:
    """The visitor holds the slip under the scanner before choosing anything. The code begins with
    digits, which alone would pick the 4th, 7th and 9th languages, and its Enter would take the 9th:
    the scan is read as a code instead, and the ticket is in the booking's language."""
    booked_with(centre, "479KMA", "ro")
    centre.clock.set(SLOT)
    app = centre.lobby()
    async with app.run_test(size=SIZE) as pilot:
        await shown(pilot, LanguageScreen, "#lang-en")
        await scanned(pilot, "479KMA")
        ticket = await ticket_of(pilot)
    issued = ticket.issued.ticket
    assert (issued.service, issued.language) == ("housing-subsidy", "ro")
    assert app.lang == "ro"
    assert centre.service.booking("479KMA").state == "checked_in"


async def test_a_code_of_digits_alone_is_known_by_the_scanners_speed(centre: Centre) -> None:
    """Six digits and Enter as fast as a scanner types them, on the need screen: a check-in; the same
    keys pressed at a person's pace pick a need and take it."""
    booked_with(centre, "946773", "en")
    centre.clock.set(SLOT)
    app = centre.lobby()
    async with app.run_test(size=SIZE) as pilot:
        await tap(pilot, "#lang-uk")
        await shown(pilot, NeedScreen, "#appointment")
        for key in "946773":  # a person: a second between keys; the last digit picked counts
            await pilot.press(key)
            centre.ticks.now += 1.0
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, NeedScreen))
        assert not isinstance(app.screen, CheckInScreen)  # need 3's services, not a check-in
        await pilot.press("minus")
        await shown(pilot, NeedScreen, "#appointment")
        await scanned(pilot, "946773")  # the scanner: no time between keys
        ticket = await ticket_of(pilot)
    assert ticket.issued.ticket.language == "uk"  # the language the visitor chose
    assert centre.service.booking("946773").state == "checked_in"


async def test_a_slip_scanned_over_the_last_visitors_ticket_starts_a_new_visit(centre: Centre) -> None:
    booking = book(centre, lang="tr")
    centre.clock.set(SLOT)
    app = centre.lobby()
    async with app.run_test(size=SIZE) as pilot:
        await tap(pilot, "#lang-uk")
        await shown(pilot, NeedScreen, "#menu-pension")
        await tap(pilot, "#menu-pension")
        await until(pilot, lambda: not isinstance(app.screen, NeedScreen))
        await tap(pilot, "#service-pension-new")
        first = await ticket_of(pilot)
        await scanned(pilot, booking.code.lower())
        await until(pilot, lambda: app.screen is not first and isinstance(app.screen, TicketScreen))
        second = await ticket_of(pilot)
        stack = [type(screen) for screen in app.screen_stack]
        assert stack == [LanguageScreen, CheckInScreen, TicketScreen], "the last visitor's are gone"
    assert second.issued.ticket.language == "tr" and second.issued.ticket.booked_at == booking.at


async def test_letters_typed_on_the_first_screen_open_check_in_with_them(centre: Centre) -> None:
    """A keyboard (not a scanner): letters typed slowly, then a pause: check-in opens with them, for
    the rest to be typed; nothing was chosen on the way."""
    app = centre.lobby()
    async with app.run_test(size=SIZE) as pilot:
        await shown(pilot, LanguageScreen, "#lang-en")
        for key in "kmt":
            await pilot.press(key)
            centre.ticks.now += 0.5
        centre.ticks.now += 2.0
        await until(pilot, lambda: isinstance(app.screen, CheckInScreen))
        screen = app.screen
        assert isinstance(screen, CheckInScreen) and screen.code == "KMT"
        assert app.lang == "en" and not app.lang_chosen


async def test_a_slip_scanned_too_early_on_the_first_screen_is_answered_in_the_bookings_language(
    centre: Centre,
) -> None:
    booked_with(centre, "KMT74X", "ro")
    centre.clock.set(SLOT - timedelta(hours=2))
    app = centre.lobby()
    async with app.run_test(size=SIZE) as pilot:
        await shown(pilot, LanguageScreen, "#lang-en")
        await scanned(pilot, "KMT74X")
        await until(pilot, lambda: isinstance(app.screen, OfferScreen))
        offer = app.screen
        assert isinstance(offer, OfferScreen)
        early = translations("ro").gettext(
            "Your appointment is at {time}. You can check in from {come_back}: please come "
            "back then. Or take a walk-in ticket now."
        )
        assert offer.message == early.format(time="10:30", come_back="10:15")
        assert app.lang == "ro"
        assert app.screen.focused is not None and app.screen.focused.id == "offer"
        # Scanned again over the answer: its Enter would press "Take a walk-in ticket". Not so: the
        # answer is closed and the code checked again; no ticket is issued.
        await scanned(pilot, "KMT74X")
        await until(pilot, lambda: isinstance(app.screen, OfferScreen) and app.screen is not offer)
        assert [type(screen) for screen in app.screen_stack][-2:] == [CheckInScreen, OfferScreen]
    assert centre.service.day_view() == []


@needs_tool("espeak-ng")
async def test_a_blind_visitor_checks_in_with_the_number_code_in_fifteen_key_presses(centre: Centre) -> None:
    """From the first screen to the ticket on the numeric keypad alone: the star key, the language's
    digit and Enter, the dot key and Enter, the booking's 9-digit number code and Enter. The
    keypad's use is heard when the check-in opens (it took about 80 presses by stepping to letters)."""
    booking = book(centre, lang="uk")
    centre.clock.set(SLOT)
    app = centre.lobby()
    heard = listening(app)
    uk = translations("uk").gettext
    digits = number_code(booking.code).replace(" ", "")
    presses = ["asterisk", str(LANGUAGES.index("uk") + 1), "enter", "full_stop", "enter", *digits, "enter"]
    async with app.run_test(size=SIZE) as pilot:
        await shown(pilot, LanguageScreen, "#lang-uk")
        said = await press(pilot, app, heard, *presses[:3])
        assert isinstance(app.screen, NeedScreen)
        said = await press(pilot, app, heard, *presses[3:5])
        assert isinstance(app.screen, CheckInScreen)
        assert uk(KEYPAD) in " ".join(u.text for u in said), said
        said = await press(pilot, app, heard, *presses[5:9])
        assert [u.text for u in said][-1] == digits[3]  # each digit heard as it is typed
        screen = app.screen
        assert sum(p.display for p in screen.query(".place")) == 9  # nine places for a number code
        said = await press(pilot, app, heard, *presses[9:14])
        assert said[-1].text.endswith(uk("Press Enter to check in.")), said
        await press(pilot, app, heard, presses[14])
        ticket = await ticket_of(pilot)
    assert len(presses) == 15
    assert ticket.issued.ticket.booked_at == booking.at
    assert centre.service.booking(booking.code).state == "checked_in"


@needs_tool("espeak-ng")
async def test_typed_letters_are_named_as_the_visitors_readers_name_them_and_enter_checks_in(
    centre: Centre,
) -> None:
    """A letter is heard by the visitor's own name for it (Ukrainian "ер" for P, as the hall's
    calls say it, not English "pee"); minus deletes; Enter on a whole code checks in, also with a
    key of the keypad focused (it typed that key again, silently)."""
    rows = "service,at,language,name,phone,code\nhousing-subsidy,2026-11-23T10:30,uk,,,PHK47N\n"
    centre.service.import_bookings(rows, "outside.csv")
    centre.clock.set(SLOT)
    app = centre.lobby()
    heard = listening(app)
    async with app.run_test(size=SIZE) as pilot:
        await guided_to_the_needs(pilot, app, heard, str(LANGUAGES.index("uk") + 1))
        await press(pilot, app, heard, "full_stop", "enter")
        assert isinstance(app.screen, CheckInScreen)
        said = await press(pilot, app, heard, "p")
        assert said[-1].text == "ер"
        said = await press(pilot, app, heard, "h", "x")
        assert said[-1].text == "ха"
        said = await press(pilot, app, heard, "minus")
        assert app.screen.code == "PH" and "ер ен" in said[-1].text
        said = await press(pilot, app, heard, "k", "4", "7", "n")
        assert "ер ен ка 4 7 ен" in said[-1].text
        await press(pilot, app, heard, "tab")  # the focus on a key of the keypad
        await press(pilot, app, heard, "enter")
        await ticket_of(pilot)
    assert centre.service.booking("PHK47N").state == "checked_in"
