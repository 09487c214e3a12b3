"""Spoken guidance at the lobby kiosk, as a visitor who cannot see the screen uses it: a plain numeric
keypad only (digits, Enter, the minus key), every word checked as sent to espeak-ng (its text and
its language's voice) and as the WAV files espeak-ng wrote."""

from __future__ import annotations

import wave
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from textual.pilot import Pilot

from kiosk.presentation.i18n import translations
from kiosk.presentation.speech import Utterance
from screens.common.widgets import Choice
from screens.lobby.app import LobbyApp
from screens.lobby.checkin import CheckInScreen
from screens.lobby.dialogs import IdleScreen, NoticeScreen, OfferScreen
from screens.lobby.guide import APPOINTMENT_KEY, HINT, KEYS
from screens.lobby.language import LanguageScreen
from screens.lobby.need import NeedScreen, ServiceScreen
from screens.lobby.priority import PriorityScreen
from screens.lobby.ticket import TicketScreen
from tests.conftest import needs_tool
from tests.screens.conftest import Centre, tap
from tests.screens.test_lobby import SIZE, shown, until

pytestmark = needs_tool("espeak-ng")

MAIN_FIRST = ["uk", "en", "ru", "tr", "ro", "ms", "vi"]  # the first screen's voices: main_language first


def listening(app: LobbyApp) -> list[Utterance]:
    heard: list[Utterance] = []
    app.speaker.on_spoken = heard.append
    return heard


async def quiet(pilot: Pilot[None], app: LobbyApp) -> None:
    """Until the kiosk has said everything it queued (screens speak after their first refresh)."""
    await pilot.pause(0.1)
    await until(pilot, lambda: app.speaker.idle)


async def press(pilot: Pilot[None], app: LobbyApp, heard: list[Utterance], *keys: str) -> list[Utterance]:
    """Press `keys` as on the keypad; what the kiosk said after them."""
    before = len(heard)
    await pilot.press(*keys)
    await quiet(pilot, app)
    return heard[before:]


async def guided_to_the_needs(pilot: Pilot[None], app: LobbyApp, heard: list[Utterance], digit: str) -> None:
    """Guidance started with the star key, language number `digit` taken: the needs, all heard."""
    await shown(pilot, LanguageScreen, "#lang-en")
    await press(pilot, app, heard, "asterisk", digit, "enter")
    await until(pilot, lambda: isinstance(app.screen, NeedScreen))
    await quiet(pilot, app)


def wavs(centre: Centre) -> list[Path]:
    return sorted((centre.tmp / "speech").glob("*.wav"))


async def test_a_blind_visitor_gets_a_ticket_with_the_keypad_alone(centre: Centre) -> None:
    app = centre.lobby()
    heard = listening(app)
    uk = translations("uk").gettext
    async with app.run_test(size=SIZE) as pilot:
        await shown(pilot, LanguageScreen, "#lang-uk")
        said = await press(pilot, app, heard, "asterisk")  # the star key starts the guidance
        assert app.guide.on
        assert [u.lang for u in said] == MAIN_FIRST, said
        assert said[0].text == "Українська: натисніть 2."
        assert said[1].text == "For English, press 1."

        said = await press(pilot, app, heard, "2")
        assert said == [Utterance("Українська: натисніть Enter.", "uk")]  # picked: Enter takes it
        said = await press(pilot, app, heard, "enter")
        assert isinstance(app.screen, NeedScreen) and app.lang == "uk"
        intro = " ".join(u.text for u in said)
        assert [u.lang for u in said] == ["uk", "uk"]
        catalogue = centre.service.catalogue
        pension = next(m for m in catalogue.menu if m.code == "pension")
        assert catalogue.menu.index(pension) == 1
        numbered = f"2. {pension.name('uk')}. {pension.hint('uk')}"
        assert intro.startswith(f"{uk('What do you need?')} 1. "), intro
        assert f"2. {pension.name('uk')}. 3. " in intro, "numbered, by name: the hint when picked"
        assert said[-1].text == uk(KEYS)

        said = await press(pilot, app, heard, "2")
        assert len(said) == 1 and said[0].text.startswith(numbered) and said[0].lang == "uk"
        await press(pilot, app, heard, "enter")
        assert isinstance(app.screen, ServiceScreen)
        said = await press(pilot, app, heard, "1")
        service = catalogue.service("pension-new")[0].name("uk")
        assert said[0].text.startswith(f"1. {service}. ")

        said = await press(pilot, app, heard, "enter")  # chosen: the visitor hears it and confirms
        assert isinstance(app.screen, OfferScreen)
        assert said[0].text.startswith(f"Ви вибрали: {service}. Натисніть Enter")
        assert centre.service.day_view() == [], "nothing issued before the visitor confirms"

        said = await press(pilot, app, heard, "minus")  # back: still nothing issued
        assert isinstance(app.screen, ServiceScreen) and centre.service.day_view() == []
        assert said[0].text.startswith(f"1. {service}. "), "where the visitor is, again"
        await press(pilot, app, heard, "enter")
        assert isinstance(app.screen, OfferScreen)
        await pilot.press("enter")  # confirmed
        await shown(pilot, TicketScreen, "#print-status")
        screen = app.screen
        assert isinstance(screen, TicketScreen)
        await until(pilot, lambda: screen.printed is not None)
        await quiet(pilot, app)
        ticket = heard[-1]
        assert ticket.lang == "uk"
        for part in (
            "Ваш номер",
            screen.content.department,
            screen.content.windows,
            screen.content.queue,
            uk("Please take your ticket"),
        ):
            assert part in ticket.text
    issued = centre.service.day_view()
    assert [(t.service, t.language) for t in issued] == [("pension-new", "uk")]
    names = [f.name.split("-", 1)[1] for f in wavs(centre)]
    assert names[:7] == [f"{lang}.wav" for lang in MAIN_FIRST]  # the main language first
    lengths = [seconds(path) for path in wavs(centre)[:7]]
    assert sum(lengths) <= 20, f"the seven languages' keys took {sum(lengths):.1f} s, their pauses included"
    assert set(names[7:]) == {"uk.wav"} and len(names) == len(heard)


async def test_the_first_screen_says_how_to_start_the_guidance(centre: Centre) -> None:
    """Untouched, the first screen says in every language, each in its own voice, how to start the
    guidance, at the settings' interval; a touch starts the count again. The centre's main language
    comes first, and all seven are said in about 20 s (it took 47 s)."""
    app = centre.lobby()
    heard = listening(app)
    every = centre.settings.guide_hint_seconds
    async with app.run_test(size=SIZE) as pilot:
        await shown(pilot, LanguageScreen, "#lang-en")
        centre.ticks.now += every - 1
        await quiet(pilot, app)
        assert heard == []
        centre.ticks.now += 1
        await until(pilot, lambda: len(heard) == len(centre.settings.languages))
        await quiet(pilot, app)
        assert heard == [Utterance(translations(lang).gettext(HINT), lang) for lang in MAIN_FIRST]
        assert heard[0].text == "Для голосу: зірочка або утримуйте екран."
        centre.ticks.now += every - 1
        await quiet(pilot, app)
        assert len(heard) == 7, "not again before the interval"
        centre.ticks.now += 1
        await until(pilot, lambda: len(heard) == 14)
        await quiet(pilot, app)
    lengths = [seconds(path) for path in wavs(centre)[:7]]
    assert all(length > 2.0 for length in lengths), f"whole sentences: {lengths}"
    assert sum(lengths) < 25, f"{sum(lengths):.1f} s for seven languages, their pauses included"


async def test_a_touch_held_on_the_first_screen_starts_the_guidance(centre: Centre) -> None:
    app = centre.lobby()
    heard = listening(app)
    async with app.run_test(size=SIZE) as pilot:
        await shown(pilot, LanguageScreen, "#lang-tr")
        await pilot.mouse_down("#lang-tr")
        centre.ticks.now += centre.settings.guide_hold_seconds
        await until(pilot, lambda: app.guide.on)
        await pilot.click("#lang-tr")  # let go: the terminal reports the release as a click
        await quiet(pilot, app)
        assert isinstance(app.screen, LanguageScreen), "the held touch chose no language"
        assert [u.lang for u in heard] == MAIN_FIRST
        centre.ticks.now += 1
        await until(
            pilot, lambda: not app.screen.query(".-active")
        )  # a button ignores a tap while it shows one
        await tap(pilot, "#lang-tr")  # a tap still chooses
        await shown(pilot, NeedScreen, "#menu-work")
        await quiet(pilot, app)
        assert heard[-1] == Utterance(translations("tr").gettext(KEYS), "tr")
        await pilot.press("minus")  # back to the first screen: still guided, heard again
        await until(pilot, lambda: isinstance(app.screen, LanguageScreen))
        await quiet(pilot, app)
        assert app.guide.on and [u.lang for u in heard[-7:]] == MAIN_FIRST


async def test_a_long_press_reported_as_a_right_click_starts_it_too(centre: Centre) -> None:
    app = centre.lobby()
    listening(app)
    async with app.run_test(size=SIZE) as pilot:
        await shown(pilot, LanguageScreen, "#lang-ro")
        await pilot.click("#lang-ro", button=3)
        await until(pilot, lambda: app.guide.on)
        await pilot.pause(0.2)
        assert isinstance(app.screen, LanguageScreen)


async def test_a_closed_service_says_why_and_cannot_be_taken(centre: Centre) -> None:
    centre.clock.set(datetime(2026, 11, 23, 19, 40, tzinfo=ZoneInfo("Europe/Kyiv")))
    app = centre.lobby()
    heard = listening(app)
    async with app.run_test(size=SIZE) as pilot:
        await shown(pilot, LanguageScreen, "#lang-en")
        await press(pilot, app, heard, "plus")  # the plus key starts it too
        await press(pilot, app, heard, "1", "enter")
        await until(pilot, lambda: isinstance(app.screen, NeedScreen))
        await quiet(pilot, app)
        assert "2. Pension. Closed now. 3. " in heard[-2].text, "introduced by name, closed where so"
        said = await press(pilot, app, heard, "2")
        assert said[0].text.startswith("2. Pension.") and said[0].text.endswith("Closed now.")
        await press(pilot, app, heard, "enter")
        await shown(pilot, ServiceScreen, "#service-pension-new")
        why = "No more tickets today (last ticket 19:30). Hours: 08:00-14:00, 14:00-20:00."
        assert why in heard[-2].text, "the screen says the closed service's reason and hours"
        said = await press(pilot, app, heard, "1")
        assert said[0].text.startswith("1. ") and said[0].text.endswith(why)
        said = await press(pilot, app, heard, "enter")  # Enter takes nothing: the reason again, as a tap
        assert said[0].text.endswith(why) and isinstance(app.screen, NoticeScreen)
        await press(pilot, app, heard, "minus")  # back from the notice to the services
        await shown(pilot, ServiceScreen, "#service-pension-new")
        said = await press(pilot, app, heard, "7")
        assert said == [Utterance("There is no choice 7.", "en")]
    assert centre.service.day_view() == []


async def test_priority_and_interpreter_are_heard_with_their_state(centre: Centre) -> None:
    app = centre.lobby()
    heard = listening(app)
    async with app.run_test(size=SIZE) as pilot:
        await guided_to_the_needs(pilot, app, heard, "1")
        said = [u.text for u in await press(pilot, app, heard, "0")]  # 0 and Tab: the next button
        assert said[0].startswith("2. Pension.")
        for _ in range(20):
            if app.screen.focused is not None and app.screen.focused.id == "priority":
                break
            said = [u.text for u in await press(pilot, app, heard, "tab")]
        assert said == ["I have a priority right. Not chosen."]
        said = [u.text for u in await press(pilot, app, heard, "enter")]
        assert isinstance(app.screen, PriorityScreen)
        assert (
            said[0].startswith("Priority rights. The law gives priority")
            and "6. No priority right. Chosen." in said[0]
        )
        said = [u.text for u in await press(pilot, app, heard, "2", "enter")]
        assert said[-1] == "Priority: War veteran or combatant."  # back on the needs, at the button
        said = [u.text for u in await press(pilot, app, heard, "down", "enter")]
        assert said[-1] == "I need a sign-language interpreter. Chosen."
        assert app.interpreter and app.priority == "veteran"


async def test_the_inactivity_warning_and_the_reset_are_spoken(centre: Centre) -> None:
    app = centre.lobby()
    heard = listening(app)
    async with app.run_test(size=SIZE) as pilot:
        await guided_to_the_needs(pilot, app, heard, "5")
        centre.ticks.now += centre.settings.idle_seconds + 1
        await shown(pilot, IdleScreen, "#continue")
        await quiet(pilot, app)
        ro = translations("ro").gettext
        seconds = ro("The screen goes back to the start in {seconds} s.").format(
            seconds=centre.settings.idle_warning_seconds
        )
        assert heard[-2:] == [
            Utterance(f"{ro('Are you still there?')} {seconds}", "ro"),
            Utterance(ro("Continue") + ".", "ro"),
        ]
        centre.ticks.now += centre.settings.idle_warning_seconds + 1
        await until(pilot, lambda: isinstance(app.screen, LanguageScreen))
        await quiet(pilot, app)
        assert heard[-1] == Utterance(ro("Time is up. The kiosk has gone back to the start."), "ro")
        assert not app.guide.on, "the next visitor starts without it"
        centre.ticks.now += centre.settings.guide_hint_seconds
        await until(pilot, lambda: heard[-1].lang == "vi")  # and hears the hint after its interval
        assert heard[-7] == Utterance(translations("uk").gettext(HINT), "uk")  # the main language first


async def test_read_aloud_reads_every_dialog_in_its_voice(centre: Centre) -> None:
    """Without guidance: the first screen in each language's own voice, the priority dialog with its
    choices, a notice (spoken by itself with the speech setting on), the staff PIN dialog's title."""
    app = centre.lobby(speech=True)
    heard = listening(app)
    async with app.run_test(size=SIZE) as pilot:
        await shown(pilot, LanguageScreen, "#lang-en")
        said = await press(pilot, app, heard, "f2")
        assert [u.lang for u in said] == MAIN_FIRST
        assert said[2].text == "Русский: нажмите 3."
        await tap(pilot, "#lang-vi")
        await shown(pilot, NeedScreen, "#priority")
        await quiet(pilot, app)
        assert len(heard) == 7, "a screen is spoken by itself only in guided mode"
        await tap(pilot, "#priority")
        await shown(pilot, PriorityScreen, "#priority-none")
        said = await press(pilot, app, heard, "f2")
        vi = translations("vi").gettext
        assert said[0].lang == "vi" and said[0].text.startswith(vi("Priority rights"))
        assert vi("No priority right") in said[0].text
        await pilot.press("minus")
        await shown(pilot, NeedScreen, "#priority")
        app.say(vi("This ticket cannot be given. Please ask at the front desk."))
        await until(pilot, lambda: bool(app.screen.query("#notice")))
        await quiet(pilot, app)
        assert heard[-1] == Utterance(vi("This ticket cannot be given. Please ask at the front desk."), "vi")
        await pilot.press("enter")
        await pilot.press("f12")
        await until(pilot, lambda: bool(app.screen.query("#pin-input")))
        said = await press(pilot, app, heard, "f2")
        assert said == [Utterance("Administrator PIN to close the kiosk", "uk")] or said[0].lang == "uk"


async def test_digits_enter_and_back_work_without_guidance(centre: Centre) -> None:
    app = centre.lobby()
    heard = listening(app)
    async with app.run_test(size=SIZE) as pilot:
        await shown(pilot, LanguageScreen, "#lang-en")
        await pilot.press("6", "ctrl+j")  # the keypad's Enter, as tmux sends it (a newline)
        await until(pilot, lambda: isinstance(app.screen, NeedScreen) and app.lang == "ms")
        await pilot.press("2", "enter")
        await until(pilot, lambda: isinstance(app.screen, ServiceScreen))
        await pilot.press("minus")
        await until(pilot, lambda: isinstance(app.screen, NeedScreen))
        await pilot.press("2", "enter")
        await until(pilot, lambda: isinstance(app.screen, ServiceScreen))
        await pilot.press("3", "enter")  # no confirmation without guidance: as a tap
        await until(pilot, lambda: isinstance(app.screen, TicketScreen))
        await quiet(pilot, app)
    assert heard == []
    assert [(t.service, t.language) for t in centre.service.day_view()] == [("pension-certificate", "ms")]


@pytest.mark.parametrize("text", ["Оберіть мову"])
def test_a_cyrillic_heading_is_read_as_words_not_letters(text: str) -> None:
    """The Ukrainian voice reads the heading as two words (espeak-ng's phonemes); the English voice
    it used to get spells it letter by letter."""
    import subprocess

    def phonemes(voice: str) -> str:
        done = subprocess.run(["espeak-ng", "-v", voice, "-q", "-x", text], capture_output=True, check=True)
        return done.stdout.decode().strip()

    assert len(phonemes("uk").split()) == 2, phonemes("uk")  # "Vb'erit m'ovu"
    assert len(phonemes("en-gb").split()) > 10, phonemes("en-gb")  # "'o: b'E: j'E: 'Er ..."


def seconds(path: Path) -> float:
    with wave.open(str(path)) as sound:
        return sound.getnframes() / sound.getframerate()


async def test_the_needs_are_introduced_by_name_and_heard_in_full_when_picked(centre: Centre) -> None:
    """Guided, the need screen says its heading, each numbered need's name (and "closed" where so)
    and the keys: no hints, so the visitor reaches the choices soon (in Ukrainian, by its WAV files,
    57 s with the hints and 9 s of keys, now 21 s and 9 s); a digit then says that need's hint, Read
    aloud says them all."""
    app = centre.lobby()
    heard = listening(app)
    uk = translations("uk").gettext
    catalogue = centre.service.catalogue
    async with app.run_test(size=SIZE) as pilot:
        await guided_to_the_needs(pilot, app, heard, "2")
        start = len(heard) - 2
        intro = heard[start:]
        names = [f"{n}. {entry.name('uk')}." for n, entry in enumerate(catalogue.menu, 1)]
        # the tenth choice, with no digit: the dot key (and 0 or Tab) reach it
        appointment = f"{uk('I have an appointment')}. {uk(APPOINTMENT_KEY)}"
        assert intro == [
            Utterance(f"{uk('What do you need?')} {' '.join(names)} {appointment}", "uk"),
            Utterance(uk(KEYS), "uk"),
        ]
        for entry in catalogue.menu:
            assert entry.hint("uk") not in intro[0].text
        said = await press(pilot, app, heard, "3")
        assert said == [Utterance(f"{names[2]} {catalogue.menu[2].hint('uk')}.".replace("..", "."), "uk")]
        said = await press(pilot, app, heard, "f2")  # Read aloud: every hint and the options' states
        assert all(entry.hint("uk") in said[0].text for entry in catalogue.menu)
        assert f"{uk('I have a priority right')}. {uk('Not chosen')}." in said[0].text
    files = wavs(centre)[start:]  # the introduction's two lines, the need picked, Read aloud
    assert [f.name.split("-", 1)[1] for f in files] == ["uk.wav"] * 4
    names, keys, _, everything = (seconds(f) for f in files)
    print(f"Ukrainian: heading and names {names:.1f} s, keys {keys:.1f} s, Read aloud {everything:.1f} s")
    assert names < everything / 2, "the introduction by names takes less than half of reading it all"


async def test_at_80x24_the_hints_the_screen_leaves_out_are_still_heard(centre: Centre) -> None:
    app = centre.lobby()
    heard = listening(app)
    catalogue = centre.service.catalogue
    async with app.run_test(size=(80, 24)) as pilot:
        await guided_to_the_needs(pilot, app, heard, "2")
        shown_text = " ".join(str(c.label) for c in app.screen.query(Choice).results(Choice))
        assert catalogue.menu[2].hint("uk") not in shown_text, "no room for the hints on screen"
        said = await press(pilot, app, heard, "3")
        assert catalogue.menu[2].hint("uk") in said[0].text
        said = await press(pilot, app, heard, "f2")
        assert all(entry.hint("uk") in said[0].text for entry in catalogue.menu)


async def test_the_dot_key_takes_a_booked_visitor_to_check_in(centre: Centre) -> None:
    """With nine departments "I have an appointment" is the tenth choice: no digit of its own. The
    keypad's dot picks it and says it (Enter then takes it), guided or not, and a comma (the dot key
    of some layouts) too."""
    app = centre.lobby()
    heard = listening(app)
    uk = translations("uk").gettext
    async with app.run_test(size=SIZE) as pilot:
        await guided_to_the_needs(pilot, app, heard, "2")
        assert len(app.screen.query(Choice)) == 10
        said = await press(pilot, app, heard, "full_stop")
        assert said[0].text.startswith(f"{uk('I have an appointment')}. ")
        assert app.screen.focused is not None and app.screen.focused.id == "appointment"
        await press(pilot, app, heard, "enter")
        await until(pilot, lambda: isinstance(app.screen, CheckInScreen))
        await press(pilot, app, heard, "minus")  # back to the needs; then without guidance
        await until(pilot, lambda: isinstance(app.screen, NeedScreen))
        app.guide.stop()
        await pilot.press("comma")
        await pilot.pause()
        assert app.screen.focused is not None and app.screen.focused.id == "appointment"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CheckInScreen))
