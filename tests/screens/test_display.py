"""The lobby display: the state at start, calls made by another process shown within a second and
announced once each (chime, then each announcement language) in order, and a database outage
survived with a quiet mark."""

from __future__ import annotations

import os
import subprocess
import sys
import wave
from pathlib import Path

import pytest
from textual.widgets import Label, Static

from kiosk.domain.tickets import TicketView
from kiosk.presentation.i18n import translations
from kiosk.presentation.speech import CHIME, Utterance
from kiosk.service import QueueService
from screens.common.widgets import BigText
from screens.display.app import SCAN_SECONDS, Call, DisplayApp, HallText, create_app
from tests.conftest import MONDAY_10, needs_tool
from tests.screens.conftest import Centre
from tests.screens.fit import assert_fits
from tests.screens.test_lobby import SIZE, until

needs_espeak = needs_tool("espeak-ng")


def display(centre: Centre) -> DisplayApp:
    settings = centre.settings.model_copy(update={"speech": True, "announce_languages": ["uk", "en"]})
    return create_app(settings, centre.service, lang="en", speech_output=centre.tmp / "speech", interval=0.5)


def kiosk_cli(centre: Centre, *args: str) -> None:
    """Run `kiosk ...` as a separate process on the same database (another terminal), signed in as
    the clerk Ivan."""
    config = centre.tmp / "centre.toml"
    config.write_text(
        f'data_dir = "{centre.settings.data_dir}"\ndatabase_url = "{centre.settings.db_url}"\n'
        f'timezone = "{centre.settings.timezone}"\n'
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env.update(
        KIOSK_CONFIG=str(config), KIOSK_NOW=MONDAY_10.isoformat(), KIOSK_STAFF="Ivan", KIOSK_PIN="5555"
    )
    subprocess.run([sys.executable, "-m", "cli", *args], env=env, check=True, capture_output=True, timeout=60)


def now_number(app: DisplayApp) -> str:
    return app.query_one("#now-number", BigText).text


async def test_started_mid_day_it_shows_the_state_at_once(centre: Centre) -> None:
    service = centre.service
    for _ in range(3):
        service.issue("pension-new")
    service.call_next("6")
    service.call_next("7")
    app = display(centre)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: now_number(app) == "P-002")
        assert app.calls == [Call("P-002", "7"), Call("P-001", "6")]
        assert app.announced == 0, "what was called before the display started is not announced again"


async def test_past_midnight_last_nights_calls_leave_the_hall(centre: Centre) -> None:
    """Numbers start again each day: yesterday's last call must not stand over this morning's
    P-001 (its holder would go to that window)."""
    service = centre.service
    service.issue("pension-new")
    service.call_next("6")
    app = display(centre)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: now_number(app) == "P-001")
        centre.clock.advance(days=1)
        await until(pilot, lambda: app.calls == [] and now_number(app) == "Welcome", seconds=3)
        service.issue("pension-new")
        service.call_next("7")
        await until(pilot, lambda: app.calls == [Call("P-001", "7")], seconds=3)


@needs_espeak
async def test_a_call_from_another_process_is_shown_and_announced_once(centre: Centre) -> None:
    centre.service.issue("pension-new")
    centre.service.issue("job-register")
    app = display(centre)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.follower is not None)
        kiosk_cli(centre, "call", "--window", "6")  # the latency is measured by `kiosk bench`
        await until(pilot, lambda: now_number(app) == "P-001", seconds=5)
        assert app.query_one("#now").has_class("-flash") or app.flash_until > 0
        kiosk_cli(centre, "call", "--window", "9")
        await until(pilot, lambda: now_number(app) == "E-001", seconds=5)
        kiosk_cli(centre, "recall", "--window", "6")
        await until(pilot, lambda: now_number(app) == "P-001", seconds=5)
        assert app.calls == [Call("P-001", "6", recalled=True), Call("E-001", "9")], "each number once"
        assert app.announced == 3
        app.speaker.wait()
    names = sorted(p.name for p in (centre.tmp / "speech").glob("*.wav"))
    assert names == [
        "0001-chime.wav", "0002-uk.wav", "0003-en.wav",
        "0004-chime.wav", "0005-uk.wav", "0006-en.wav",
        "0007-chime.wav", "0008-uk.wav", "0009-en.wav",
    ]  # fmt: skip


async def test_database_outage_shows_a_quiet_mark_and_recovers(centre: Centre) -> None:
    centre.service.issue("pension-new")
    app = display(centre)
    database = Path(str(centre.settings.db_url).removeprefix("sqlite:///"))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.follower is not None)
        centre.service.db.engine.dispose()
        database.rename(database.with_suffix(".away"))
        database.mkdir()  # nothing can open it now
        await until(pilot, lambda: "Reconnecting" in str(app.query_one("#connection", Label).content))
        assert app.is_running
        database.rmdir()
        database.with_suffix(".away").rename(database)
        await until(pilot, lambda: str(app.query_one("#connection", Label).content) == "", seconds=5)
        centre.service.call_next("6")
        await until(pilot, lambda: now_number(app) == "P-001", seconds=5)


@needs_espeak
async def test_a_call_is_announced_in_the_tickets_own_language_too(centre: Centre) -> None:
    """A Vietnamese visitor's P-001: uk, en (the centre's), then vi; the Ukrainian voice says "ер"."""
    centre.service.issue("pension-new", language="vi")
    centre.service.issue("pension-new", language="en")
    app = display(centre)
    spoken: list[Utterance] = []
    app.speaker.on_spoken = spoken.append
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.follower is not None)
        centre.service.call_next("6")
        await until(pilot, lambda: app.announced == 1, seconds=5)
        centre.service.recall(window="6")
        await until(pilot, lambda: app.announced == 2, seconds=5)
        centre.service.no_show(window="6")
        centre.service.call_next("6")  # P-002, an English visitor: en is said once, not twice
        await until(pilot, lambda: app.announced == 3, seconds=5)
        app.speaker.wait()
    words = [(u.lang, u.text) for u in spoken if u.lang != CHIME]
    first = [
        ("uk", "Талон ер 1, вікно 6"),
        ("en", "Ticket P 1, window 6"),
        ("vi", "Phiếu số P 1, mời đến quầy 6"),
    ]
    second = [("uk", "Талон ер 2, вікно 6"), ("en", "Ticket P 2, window 6")]
    assert words == first + first + second, "a recall is announced the same way"
    names = sorted(p.name for p in (centre.tmp / "speech").glob("*.wav"))
    assert names[:4] == ["0001-chime.wav", "0002-uk.wav", "0003-en.wav", "0004-vi.wav"]
    for name in names:
        with wave.open(str(centre.tmp / "speech" / name)) as audio:
            assert audio.getnframes() / audio.getframerate() > 0.5, name


@pytest.mark.parametrize("size", [(80, 24), (60, 100)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_with_public_url_a_line_invites_to_scan_in_the_displays_languages(
    centre: Centre, size: tuple[int, int]
) -> None:
    invitation = "Scan the QR code on your ticket to follow the queue on your phone"
    settings = centre.settings.model_copy(
        update={"public_url": "http://10.0.0.5:8080", "announce_languages": ["uk", "en"]}
    )
    for lang in ("en", "uk", "ru", "tr", "ro", "ms", "vi"):
        app = create_app(settings, centre.service, lang=lang, monotonic=centre.ticks)
        async with app.run_test(size=size) as pilot:
            line = app.query_one("#scan", Label)
            wanted = [translations(lang).gettext(invitation)] + [
                translations(other).gettext(invitation) for other in ("uk", "en") if other != lang
            ]
            for text in wanted:  # the display's language first, then the announcement languages
                await until(pilot, lambda: str(line.content) == text)  # noqa: B023
                await pilot.pause()
                assert_fits(pilot, context=f"{lang}: {text}")
                centre.ticks.now += SCAN_SECONDS
    async with create_app(centre.settings, centre.service, lang="en").run_test(size=size) as pilot:
        assert not pilot.app.query("#scan"), "without public_url phones cannot follow: no invitation"


async def test_one_clock_timer_however_often_the_display_is_resized(centre: Centre) -> None:
    """Each resize used to start another timer for the clock (they piled up), and a tick landing
    while the screen was not there (taken down at the end here) failed with `NoMatches #clock`: a
    short interval makes both show."""
    app = create_app(centre.settings, centre.service, lang="en", interval=0.01)
    async with app.run_test(size=(100, 30)) as pilot:
        for size in ((80, 24), (60, 100), (120, 40), (100, 30)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
        await until(pilot, lambda: str(app.query_one("#clock", Label).content) != "")
        ticking = [timer for timer in app._timers if getattr(timer, "_callback", None) == app.tick]
        assert len(ticking) == 1, ticking


def recalls_and_a_transfer(service: QueueService) -> tuple[TicketView, TicketView, TicketView]:
    """Three tickets: the first called, recalled, transferred, called at its new window and recalled
    there; the second called at 7; the third at 8 (called now)."""
    first, second, third = (service.issue("pension-new").ticket for _ in range(3))
    service.call_next("6")
    service.recall(window="6")
    service.transfer(first.code, to="employment")
    service.call_next("9")  # the transferred ticket, at its new window
    service.call_next("7")
    service.recall(window="9")
    service.call_next("8")
    return first, second, third


async def test_latest_calls_list_each_number_once_at_its_latest_window(centre: Centre) -> None:
    first, second, third = recalls_and_a_transfer(centre.service)
    app = display(centre)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: now_number(app) == third.code)
        history = str(app.query_one("#history", Static).content).splitlines()
        assert [" ".join(line.split()) for line in history] == [
            f"{first.code} → Window 9 (called again)",
            f"{second.code} → Window 7",
        ]


async def test_the_window_is_drawn_as_large_as_the_number_at_every_size(centre: Centre) -> None:
    """Read across a hall: the window's number in big letters of the called number's height (at
    80x24 it was one line of plain text under the big number)."""
    service = centre.service
    service.issue("pension-new")
    service.call_next("6")
    app = display(centre)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: now_number(app) == "P-001")
        for size in [(80, 24), (100, 30), (120, 40), (60, 100)]:
            await pilot.resize_terminal(*size)
            await pilot.pause(0.3)
            number, window = app.query_one("#now-number", HallText), app.query_one("#now-window", HallText)
            number_rows = str(number.content).splitlines()
            window_rows = str(window.content).splitlines()
            assert window.text == "6" and len(window_rows) == len(number_rows) >= HallText.LEAST, size
            assert window.region.height == number.region.height, size
            assert app.screen.region.contains_region(window.region), size
