"""The lobby kiosk driven as a visitor would: taps (clicks) and keys, in several languages and
scripts, down to the saved ticket and the printed job whose QR is read back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from textual.app import App
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widgets import Button, Label

from harness.decode import decode_job
from harness.loopback import LoopbackPrinter
from kiosk.presentation.i18n import translations
from kiosk.runtime import open_staff
from kiosk.security.members import SignInRefused
from printer.printing import PrintResult
from screens.lobby.dialogs import IdleScreen, NoticeScreen, OfferScreen
from screens.lobby.language import HEADING, LanguageScreen
from screens.lobby.need import NeedScreen, ServiceScreen
from screens.lobby.ticket import TicketScreen
from tests.conftest import needs_tool
from tests.screens.conftest import ADMIN_PIN, Centre, tap
from tests.test_printer import read_qr

SIZE = (120, 40)


async def until(pilot: Pilot[None], condition: Callable[[], bool], seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("the screen did not get there in time")


async def shown(pilot: Pilot[None], screen: type, selector: str) -> None:
    """Wait until `screen` is on top and has composed and laid out `selector` (a pushed screen
    composes a moment later and is laid out after that: a click before then lands elsewhere)."""

    def ready() -> bool:
        found = pilot.app.screen.query(selector) if isinstance(pilot.app.screen, screen) else None
        return bool(found) and found.first().region.area > 0

    await until(pilot, ready)


async def to_needs(pilot: Pilot[None], lang: str, selector: str = "#larger", larger: bool = False) -> None:
    """From the language screen to the need screen in `lang` (showing `selector`), with larger text
    turned on if asked."""
    await shown(pilot, LanguageScreen, f"#lang-{lang}")
    await tap(pilot, f"#lang-{lang}")
    await shown(pilot, NeedScreen, selector)
    if larger:
        await tap(pilot, "#larger")
        await shown(pilot, NeedScreen, "#larger.-on")


async def choose_service(
    pilot: Pilot[None],
    lang: str,
    menu: str,
    service: str,
    priority: str | None = None,
    interpreter: bool = False,
    larger: bool = False,
) -> None:
    """Walk from the language screen to the service screen showing `service`, as a visitor taps."""
    await to_needs(pilot, lang, f"#menu-{menu}", larger)
    if priority:
        await tap(pilot, "#priority")
        await until(pilot, lambda: pilot.app.screen.query("#priority-none"))
        await tap(pilot, f"#priority-{priority}")
        await shown(pilot, NeedScreen, "#priority.-on")  # the bar shows the right: laid out anew
        await pilot.pause()
    if interpreter:
        await tap(pilot, "#interpreter")
        await shown(pilot, NeedScreen, "#interpreter.-on")
        await pilot.pause()
    await tap(pilot, f"#menu-{menu}")
    await shown(pilot, ServiceScreen, f"#service-{service}")


async def get_ticket(
    pilot: Pilot[None],
    lang: str,
    menu: str,
    service: str,
    priority: str | None = None,
    interpreter: bool = False,
    larger: bool = False,
) -> TicketScreen:
    await choose_service(pilot, lang, menu, service, priority, interpreter, larger)
    await tap(pilot, f"#service-{service}")
    await shown(pilot, TicketScreen, "#print-status")
    screen = pilot.app.screen
    assert isinstance(screen, TicketScreen)
    await until(pilot, lambda: screen.printed is not None)
    return screen


@pytest.mark.parametrize(
    ("lang", "menu", "service", "department"),
    [("uk", "pension", "pension-new", "pensions"), ("vi", "money", "housing-subsidy", "social-policy"),
     ("tr", "work", "job-register", "employment")],
)  # fmt: skip
async def test_three_taps_to_a_printed_ticket(
    centre: Centre, lang: str, menu: str, service: str, department: str
) -> None:
    app = centre.lobby()
    async with app.run_test(size=SIZE) as pilot:
        screen = await get_ticket(pilot, lang, menu, service)
        printed = screen.printed
        assert printed is not None and printed.ok and printed.job
        status = str(screen.query_one("#print-status", Label).content)
        assert status == translations(lang).gettext("Please take your ticket")
    ticket = centre.service.ticket(screen.issued.ticket.id)
    assert (ticket.language, ticket.service, ticket.department) == (lang, service, department)
    image, _ = decode_job(Path(printed.job).read_bytes())
    assert read_qr(image) == screen.issued.qr == centre.service.qr_payload(ticket)


async def test_a_print_done_before_the_ticket_screen_is_built_shows_on_it(centre: Centre) -> None:
    """The printer is given a head start, so its answer often comes before the screen is built."""
    app = centre.lobby()
    issued = centre.service.issue("pension-new", language="uk", source="kiosk")
    async with app.run_test(size=SIZE) as pilot:
        screen = TicketScreen(issued)
        screen.show_print(PrintResult("printed", "preview://", issued.ticket.id, job="x.bin"))
        app.push_screen(screen)
        await shown(pilot, TicketScreen, "#print-status")
        status = screen.query_one("#print-status", Label)
        await until(pilot, lambda: "ok" in status.classes)
        assert str(status.content) == translations(app.lang).gettext("Please take your ticket")


@pytest.mark.parametrize("size", [SIZE, (60, 100)])
async def test_enter_on_the_ticket_screen_is_done(centre: Centre, size: tuple[int, int]) -> None:
    """Where the ticket is stacked (a portrait screen) its scroll took the focus: Enter did nothing."""
    app = centre.lobby()
    async with app.run_test(size=size) as pilot:
        await get_ticket(pilot, "uk", "pension", "pension-new")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, LanguageScreen))


async def test_the_turning_heading_waits_out_a_redraw_of_the_first_screen(centre: Centre) -> None:
    """Larger text in the browser, or a turned screen, redraws the first screen under the others;
    its heading turns every 3 s and once found none mid-redraw: the visitor's session ended."""
    app = centre.lobby()
    async with app.run_test(size=SIZE) as pilot:
        await shown(pilot, LanguageScreen, "#heading")
        screen = app.screen
        assert isinstance(screen, LanguageScreen)
        await screen.query_one("#heading").remove()  # as a redraw leaves it for a moment
        screen._next_heading()
        await pilot.pause()
        assert app.screen is screen and app.return_code is None


async def test_the_first_screen_shows_its_words_in_one_language_at_a_time(centre: Centre) -> None:
    """The first screen opens in the centre's main language (Ukrainian here) and its heading turns
    through the languages; Read aloud and the staff's key turn with it, so the screen never shows an
    English heading over Ukrainian keys, as it did once the heading had turned."""
    settings = centre.settings
    by_heading = {translations(lang).gettext(HEADING): lang for lang in settings.languages}
    app = centre.lobby()
    async with app.run_test(size=SIZE) as pilot:
        await shown(pilot, LanguageScreen, "#staff")
        screen = app.screen
        assert isinstance(screen, LanguageScreen)
        seen = []
        for _ in range(len(settings.languages) + 1):  # every language, and round to the first again
            lang = by_heading[str(screen.query_one("#heading", Label).content)]
            t = translations(lang)
            keys = [screen.query_one(f"#{i}", Button).label.plain for i in ("read-aloud", "staff")]
            assert keys == [t.gettext("Read aloud"), t.gettext("Staff")], f"keys not in {lang}, the heading's"
            seen.append(lang)
            screen._next_heading()
            await pilot.pause()
    assert seen[0] == settings.main_language and set(seen) == set(settings.languages)


def rows_around_the_ticket(screen: TicketScreen) -> tuple[int, int]:
    """The empty rows above and below what the ticket shows (its words, number, buttons and QR)."""
    shown = [w.region for w in screen.query("#ticket-text > *, #qr") if w.display and w.region.area]
    content = Region.from_union(shown)
    return content.y - screen.region.y, screen.region.bottom - content.bottom


# The browser's screens in cells (`kiosk lobby --web`, tests/test_web.py's font of 23 px): 1280x900,
# and with larger text; a portrait 1080x1920, and with larger text.
BROWSER_SIZES = {"1280x900": ((98, 28), False), "1280x900-larger": ((80, 24), True),
                 "1080x1920": ((83, 60), False), "1080x1920-larger": ((63, 46), True)}  # fmt: skip


@pytest.mark.parametrize("screen_size", list(BROWSER_SIZES))
async def test_the_ticket_stands_in_the_middle_of_the_browsers_screens(
    centre: Centre, screen_size: str
) -> None:
    """The "Your number" label stood against the top edge at 1280x900 (with larger text too) and the ticket at
    the top of a portrait screen, most of it empty below, its number only 4 rows tall beside the QR:
    now the ticket stands in the middle, a blank row at least above "Your number", the number and
    the QR whole, and on the portrait screen the number larger, above the QR."""
    size, large = BROWSER_SIZES[screen_size]
    for lang in ("en", "uk"):
        app = centre.lobby()
        async with app.run_test(size=size) as pilot:
            screen = await get_ticket(pilot, lang, "pension", "pension-new", larger=large)
            await pilot.pause(0.2)
            bounds, your_number = screen.region, screen.query_one("#your-number").region
            number, qr = screen.query_one("#number").region, screen.query_one("#qr")
            assert your_number.y >= 1, f"'Your number' against the top edge in {lang}"
            above, below = rows_around_the_ticket(screen)
            assert abs(below - above) <= 2, f"not in the middle in {lang}: {above} rows above, {below} below"
            assert bounds.contains_region(number) and qr.display and bounds.contains_region(qr.region)
            assert not number.overlaps(qr.region)
            if size == (83, 60):
                assert number.height == 6 and number.bottom <= qr.region.y, "the number larger, above the QR"
        centre.clock.advance(minutes=10)


async def test_priority_and_interpreter_reach_the_ticket(centre: Centre) -> None:
    app = centre.lobby()
    async with app.run_test(size=SIZE) as pilot:
        screen = await get_ticket(
            pilot, "ro", "pension", "pension-recalc", priority="veteran", interpreter=True
        )
        marks = [str(label.content) for label in screen.query(".mark").results(Label)]
        assert any("Veteran" in m for m in marks) and len(marks) == 2
    ticket = centre.service.ticket(screen.issued.ticket.id)
    assert (ticket.priority, ticket.interpreter, ticket.language) == ("veteran", True, "ro")


async def test_a_second_priority_claim_at_this_kiosk_goes_to_the_front_desk(centre: Centre) -> None:
    first = centre.service.issue("pension-new", priority="aged-80", source="kiosk")  # this terminal
    app = centre.lobby()
    async with app.run_test(size=SIZE) as pilot:
        await choose_service(pilot, "uk", "pension", "pension-recalc", priority="aged-80")
        await tap(pilot, "#service-pension-recalc")
        await shown(pilot, OfferScreen, "#offer")
        notice = str(app.screen.query_one("#notice", Label).content)
        assert notice.startswith("Такий пріоритетний талон щойно видано в цьому кіоску.")
        assert "Взяти звичайний талон" in str(app.screen.query_one("#offer", Button).label)
        await tap(pilot, "#decline")  # back to the services: nothing issued
        await shown(pilot, ServiceScreen, "#service-pension-recalc")
        assert [t.id for t in centre.service.day_view()] == [first.ticket.id]
        await tap(pilot, "#service-pension-recalc")
        await shown(pilot, OfferScreen, "#offer")
        await tap(pilot, "#offer")
        await shown(pilot, TicketScreen, "#print-status")
        screen = app.screen
        assert isinstance(screen, TicketScreen)
    ticket = centre.service.ticket(screen.issued.ticket.id)
    assert (ticket.service, ticket.priority, ticket.language) == ("pension-recalc", None, "uk")


async def test_keyboard_alone_gets_a_ticket(centre: Centre) -> None:
    app = centre.lobby()
    async with app.run_test(size=SIZE) as pilot:
        await shown(pilot, LanguageScreen, "#lang-en")
        await pilot.press("tab", "enter")  # English is focused first; tab: Українська
        await until(pilot, lambda: isinstance(app.screen, NeedScreen))
        await pilot.press("enter")  # the first category has the focus
        await until(pilot, lambda: isinstance(app.screen, ServiceScreen))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, TicketScreen))
    assert [t.language for t in centre.service.day_view()] == ["uk"]


async def test_double_tap_issues_one_ticket(centre: Centre) -> None:
    app = centre.lobby()
    async with app.run_test(size=SIZE) as pilot:
        await choose_service(pilot, "en", "pension", "pension-new")
        app.issue_ticket("pension-new")
        app.issue_ticket("pension-new")
        await until(pilot, lambda: isinstance(app.screen, TicketScreen))
        await pilot.pause(0.3)
    assert len(centre.service.day_view()) == 1


async def test_printer_failure_keeps_the_number_on_screen(centre: Centre) -> None:
    fake = LoopbackPrinter("paper_out")
    app = centre.lobby(printer_url=fake.url)
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = await get_ticket(pilot, "uk", "pension", "pension-new")
            assert screen.printed is not None and screen.printed.reason == "paper_out"
            status = screen.query_one("#print-status", Label)
            assert "problem" in status.classes
            expected = translations("uk").gettext(
                "The printer is not working right now. Take a photo of this screen or remember "
                "your number. The front desk knows."
            )
            assert str(status.content) == expected
            assert screen.query_one("#qr")
            centre.ticks.now += centre.settings.ticket_seconds + 1  # a printed ticket would reset by now
            await pilot.pause(0.2)
            assert isinstance(app.screen, TicketScreen), "a failed print stays up longer"
            centre.ticks.now += centre.settings.ticket_failed_seconds
            await until(pilot, lambda: isinstance(app.screen, LanguageScreen))
    finally:
        fake.close()
    kinds = [e.kind for e in centre.service.history(screen.issued.ticket.id)]
    assert kinds == ["issued", "print_failed"]


async def test_printed_ticket_resets_after_a_short_time(centre: Centre) -> None:
    app = centre.lobby()
    async with app.run_test(size=SIZE) as pilot:
        await get_ticket(pilot, "en", "pension", "pension-new")
        centre.ticks.now += centre.settings.ticket_seconds + 1
        await until(pilot, lambda: isinstance(app.screen, LanguageScreen))
        assert app.lang == centre.settings.languages[0] and app.priority is None


async def test_closed_department_says_so_before_it_is_chosen_and_when_tapped(centre: Centre) -> None:
    centre.clock.set(datetime(2026, 11, 23, 19, 40, tzinfo=ZoneInfo("Europe/Kyiv")))
    app = centre.lobby()
    async with app.run_test(size=SIZE) as pilot:
        await shown(pilot, LanguageScreen, "#lang-en")
        await tap(pilot, "#lang-en")
        await shown(pilot, NeedScreen, "#menu-not-sure")
        assert "Closed now" in str(app.screen.query_one("#menu-pension", Button).label)
        assert "Closed now" not in str(app.screen.query_one("#menu-not-sure", Button).label)  # desk: 19:45
        await tap(pilot, "#menu-pension")
        await shown(pilot, ServiceScreen, "#service-pension-new")
        button = app.screen.query_one("#service-pension-new", Button)
        assert button.has_class("-closed")
        why = "No more tickets today (last ticket 19:30). Hours: 08:00-14:00, 14:00-20:00"
        assert why in str(button.label)
        await tap(pilot, "#service-pension-new")  # not chosen: a notice says why and when
        await until(pilot, lambda: isinstance(app.screen, NoticeScreen))
        assert str(app.screen.query_one("#notice", Label).content) == why
        await tap(pilot, "#ok")
        await until(pilot, lambda: isinstance(app.screen, ServiceScreen))
    assert centre.service.day_view() == []


async def test_a_last_ticket_moved_by_the_front_desk_reaches_the_kiosk(centre: Centre) -> None:
    centre.service.set_last_ticket("pensions", time(9, 30), staff="Olena")  # it is 10:00
    app = centre.lobby()
    async with app.run_test(size=SIZE) as pilot:
        await choose_service(pilot, "en", "pension", "pension-new")
        button = app.screen.query_one("#service-pension-new", Button)
        assert button.has_class("-closed")
        assert "No more tickets today (last ticket 09:30)" in str(button.label)
    assert centre.service.day_view() == []


async def test_inactivity_warns_then_resets(centre: Centre) -> None:
    app = centre.lobby()
    async with app.run_test(size=SIZE) as pilot:
        await shown(pilot, LanguageScreen, "#lang-uk")
        await tap(pilot, "#lang-uk")
        await shown(pilot, NeedScreen, "#interpreter")
        await tap(pilot, "#interpreter")
        centre.ticks.now += centre.settings.idle_seconds + 1
        await shown(pilot, IdleScreen, "#continue")
        warning = app.screen
        assert isinstance(warning, IdleScreen) and warning.seconds >= 20
        await tap(pilot, "#continue")  # the visitor is still there
        await shown(pilot, NeedScreen, "#interpreter")
        assert app.interpreter, "continuing keeps the visitor's choices"
        centre.ticks.now += centre.settings.idle_seconds + 1
        await until(pilot, lambda: isinstance(app.screen, IdleScreen))
        centre.ticks.now += centre.settings.idle_warning_seconds - 5
        await pilot.pause(0.2)
        assert isinstance(app.screen, IdleScreen) and app.screen.seconds <= 5
        centre.ticks.now += 6
        await until(pilot, lambda: isinstance(app.screen, LanguageScreen))
        assert not app.interpreter and len(app.screen_stack) == 1


async def test_the_warning_gives_at_least_20_seconds(centre: Centre, tmp_path: Path) -> None:
    """idle_warning_seconds below 20 is refused; at 20 the kiosk's warning says 20 s and the screen
    stays until 20 s have passed on the kiosk's clock."""
    from kiosk.config import load_settings
    from kiosk.errors import ConfigError

    config = tmp_path / "centre.toml"
    config.write_text("idle_warning_seconds = 19\n")
    with pytest.raises(ConfigError, match="idle_warning_seconds"):
        load_settings(config, environ={})
    app = centre.lobby(idle_warning_seconds=20)
    async with app.run_test(size=SIZE) as pilot:
        await shown(pilot, LanguageScreen, "#lang-en")
        await tap(pilot, "#lang-en")
        await shown(pilot, NeedScreen, "#interpreter")
        centre.ticks.now += centre.settings.idle_seconds
        await shown(pilot, IdleScreen, "#continue")
        assert "20 s" in str(app.screen.query_one("#countdown", Label).content)
        centre.ticks.now += 19.5
        await until(pilot, lambda: "1 s" in str(app.screen.query_one("#countdown", Label).content))
        assert isinstance(app.screen, IdleScreen), "still warning after 19.5 s"
        centre.ticks.now += 0.5
        await until(pilot, lambda: isinstance(app.screen, LanguageScreen))


@pytest.mark.parametrize(
    "keys", [["ctrl+q"], ["ctrl+c"], ["ctrl+p"], ["escape"], ["ctrl+backslash"], ["f10"]]
)
async def test_no_key_leaves_kiosk_mode(centre: Centre, keys: list[str]) -> None:
    app = centre.lobby()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*keys)
        await pilot.pause(0.2)
        assert app.is_running and isinstance(app.screen, LanguageScreen)
        assert len(app.screen_stack) == 1, "no command palette or other screen opened"
    assert app.ENABLE_COMMAND_PALETTE is False and app.ALLOW_SELECT is False


async def test_staff_leave_only_with_an_admin_pin(centre: Centre) -> None:
    app = centre.lobby()
    async with app.run_test(size=SIZE) as pilot:
        await shown(pilot, LanguageScreen, "#staff")
        await tap(pilot, "#staff")
        await until(pilot, lambda: app.screen.query("#pin-input"))
        for digit in "5555":  # a counter clerk's PIN is not enough
            await tap(pilot, f"#key-{digit}")
        await tap(pilot, "#pin-ok")
        await until(
            pilot,
            lambda: (
                bool(app.screen.query("#pin-error"))
                and bool(str(app.screen.query_one("#pin-error", Label).content))
            ),
        )
        assert app.is_running
        await pilot.press(*ADMIN_PIN, "enter")
        await until(pilot, lambda: not app.is_running)


async def test_a_visitor_typing_wrong_pins_locks_nobody_out(centre: Centre) -> None:
    """Staff (F12) then wrong PINs, as a visitor would: the dialog answers in the centre's language
    (Ukrainian) and makes this terminal wait; every administrator still signs in everywhere."""
    app = centre.lobby()
    async with app.run_test(size=SIZE) as pilot:
        await shown(pilot, LanguageScreen, "#staff")
        for attempt in range(6):
            if not app.screen.query("#pin-input"):
                await pilot.press("f12")
            await until(pilot, lambda: bool(app.screen.query("#pin-input")))
            await pilot.press(*"000000", "enter")
            await until(pilot, lambda: bool(app.screen.query("#pin-error")) and _pin_error(app) != "")
            if attempt >= 2:
                centre.clock.advance(seconds=300)  # the terminal's growing wait, passed
        assert _pin_error(app) == "Неправильний PIN. Наступна спроба через 40 с."
        staff = open_staff(centre.service)
        assert staff.sign_in("Olena", ADMIN_PIN, role="admin").name == "Olena"
        with pytest.raises(SignInRefused, match="wrong name or PIN"):
            staff.sign_in("Olena", "000000")  # her own count starts from zero: not locked

        # Left open, the PIN dialog resets with the visitor inactivity timer like any other screen.
        centre.ticks.now += centre.settings.idle_seconds + 1
        await until(pilot, lambda: isinstance(app.screen, IdleScreen))
        centre.ticks.now += centre.settings.idle_warning_seconds + 1
        await until(pilot, lambda: isinstance(app.screen, LanguageScreen) and len(app.screen_stack) == 1)
        assert app.is_running


def _pin_error(app: App[None]) -> str:
    return str(app.screen.query_one("#pin-error", Label).content)


@needs_tool("espeak-ng")
async def test_read_aloud_speaks_the_screen_in_its_language(centre: Centre) -> None:
    app = centre.lobby()
    async with app.run_test(size=SIZE) as pilot:
        await shown(pilot, LanguageScreen, "#lang-uk")
        await tap(pilot, "#lang-uk")
        await shown(pilot, NeedScreen, "#read-aloud")
        await tap(pilot, "#read-aloud")
        await pilot.pause(0.1)
        app.speaker.wait()
    files = sorted((centre.tmp / "speech").glob("*.wav"))
    assert [f.name for f in files] == ["0001-uk.wav"]


async def test_database_outage_is_a_calm_message(centre: Centre) -> None:
    app = centre.lobby()
    async with app.run_test(size=SIZE) as pilot:
        await choose_service(pilot, "en", "pension", "pension-new")
        centre.service.db.engine.dispose()
        (centre.tmp / "kiosk.sqlite3").rename(centre.tmp / "elsewhere.sqlite3")
        (centre.tmp / "kiosk.sqlite3").mkdir()  # the file is gone and cannot be created
        await tap(pilot, "#service-pension-new")
        await until(pilot, lambda: bool(app.screen.query("#notice")))
        assert "front desk" in str(app.screen.query_one("#notice", Label).content)
        await tap(pilot, "#ok")
        await until(pilot, lambda: isinstance(app.screen, ServiceScreen))


@needs_tool("rsvg-convert")
async def test_the_qr_on_screen_can_be_scanned(centre: Centre, tmp_path: Path) -> None:
    """Save the ticket screen as SVG, draw it as a PNG (rsvg-convert) and read the code like a phone."""
    import subprocess

    import zxingcpp
    from PIL import Image

    app = centre.lobby()
    async with app.run_test(size=SIZE) as pilot:
        screen = await get_ticket(pilot, "ms", "no-home", "shelter-help")
        svg = tmp_path / "ticket.svg"
        svg.write_text(app.export_screenshot())
    png = tmp_path / "ticket.png"
    subprocess.run(["rsvg-convert", "-w", "1400", str(svg), "-o", str(png)], check=True)
    found = zxingcpp.read_barcodes(Image.open(png).convert("L"))
    assert [code.text for code in found] == [screen.issued.qr]
