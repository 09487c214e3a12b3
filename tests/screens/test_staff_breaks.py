"""A break needs a reason on the screens: the counter's F9 asks for it (a tap, a digit, or the arrows
and Enter; Escape leaves the window open), the dialog fits the kiosk sizes in every language, the
front desk's Day tab pauses with a reason and shows each window's, and its Statistics tab shows the
staff statistics (a member's name as plain text)."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Static

from kiosk.domain.events import Kind
from screens.admin.app import AdminScreen
from screens.admin.stats import StatsPane
from screens.common.pause import PauseScreen
from screens.counter.window import CounterScreen
from tests.screens.conftest import Centre, tap
from tests.screens.fit import misfits
from tests.screens.test_admin import admin
from tests.screens.test_admin import sign_in as desk_sign_in
from tests.screens.test_admin_ratings import drawn
from tests.screens.test_counter import counter, settle, sign_in
from tests.screens.test_lobby import SIZE, until
from tests.screens.test_staff_fit import show_tab
from tests.screens.test_terminal_fit import LANGS, SIZES

ODD_NAME = "[b]Petro[/]"  # a name that looks like markup is shown as it is


def breaks(centre: Centre) -> list[tuple[str | None, str | None, object]]:
    kinds = (Kind.WINDOW_PAUSED, Kind.WINDOW_RESUMED)
    return [(e.kind, e.staff, e.data.get("reason")) for e in centre.service.audit()[::-1] if e.kind in kinds]


async def open_dialog(pilot: Pilot[None]) -> PauseScreen:
    await pilot.press("f9")
    await until(pilot, lambda: isinstance(pilot.app.screen, PauseScreen))
    dialog = pilot.app.screen
    assert isinstance(dialog, PauseScreen)
    await until(pilot, lambda: dialog.query_one("#reason-other").region.area > 0)
    return dialog


async def test_the_counter_asks_why_by_tap_digit_and_arrows(centre: Centre) -> None:
    centre.service.issue("pension-new")
    app = counter(centre)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await sign_in(pilot)
        await open_dialog(pilot)
        await pilot.press("escape")  # cancelled: the window stays open
        await until(pilot, lambda: app.screen is screen)
        assert not centre.service.window_paused("6")

        dialog = await open_dialog(pilot)
        assert [str(b.label) for b in dialog.query(".pause-reason").results(Button)] == [
            "1  Short break", "2  Lunch", "3  Paperwork", "4  Training or meeting", "5  Other",
        ]  # fmt: skip
        await tap(pilot, "#reason-lunch")
        await settle(pilot, "On a break")
        await until(pilot, lambda: screen.query_one("#act-call", Button).disabled)
        await pilot.press("f9")  # back at once: no question
        await settle(pilot, "Back from the break")
        await until(pilot, lambda: not screen.paused)

        await open_dialog(pilot)
        await pilot.press("3")  # a reason's digit
        await until(pilot, lambda: screen.paused)
        await pilot.press("f9")
        await until(pilot, lambda: not screen.paused)

        await open_dialog(pilot)
        await pilot.press("down", "down", "down", "enter")  # from the first reason to the fourth
        await until(pilot, lambda: screen.paused)
        await pilot.press("f9")
        await until(pilot, lambda: not screen.paused)
        await pilot.press("f1")
        await settle(pilot, "Called P-001")
    paused, resumed = Kind.WINDOW_PAUSED, Kind.WINDOW_RESUMED
    assert breaks(centre) == [
        (paused, "Ivan", "lunch"), (resumed, "Ivan", None), (paused, "Ivan", "paperwork"),
        (resumed, "Ivan", None), (paused, "Ivan", "training"), (resumed, "Ivan", None),
    ]  # fmt: skip


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_reasons_fit_in_every_language(centre: Centre, size: tuple[int, int]) -> None:
    app = counter(centre)
    async with app.run_test(size=size) as pilot:
        screen = await sign_in(pilot)
        problems = []
        for lang in LANGS:
            app.lang = lang
            dialog = await open_dialog(pilot)
            await pilot.pause()
            problems += [f"{lang}: {p}" for p in misfits(pilot)]
            buttons = list(dialog.query(Button).results(Button))
            assert all(b.region.height >= 3 for b in buttons), "big enough for a finger"
            await pilot.press("escape")
            await until(pilot, lambda: app.screen is screen)
        assert not problems, "\n".join(problems)
        assert isinstance(app.screen, CounterScreen)


async def test_the_desk_pauses_with_a_reason_and_shows_it(centre: Centre) -> None:
    service = centre.service
    service.pause_window("7", True, staff="Ivan", reason="paperwork")
    app = admin(centre)
    async with app.run_test(size=SIZE) as pilot:
        await desk_sign_in(pilot)
        await tap(pilot, "#--content-tab-tab-day")
        await until(pilot, lambda: app.screen.query_one("#window-toggle").region.area > 0)
        windows = app.screen.query_one("#window-table", DataTable)
        await until(pilot, lambda: windows.row_count > 0 and str(windows.get_row("7")[3]) == "Paperwork")
        windows.move_cursor(row=windows.get_row_index("6"))
        await tap(pilot, "#window-toggle")
        await until(pilot, lambda: isinstance(app.screen, PauseScreen))
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, PauseScreen))
        await tap(pilot, "#window-toggle")
        await until(pilot, lambda: bool(app.screen.query("#reason-lunch")))
        await tap(pilot, "#reason-lunch")
        await until(pilot, lambda: service.window_paused("6"), seconds=3)
        await until(pilot, lambda: [str(c) for c in windows.get_row("6")[2:]] == ["paused", "Lunch"])
        windows.move_cursor(row=windows.get_row_index("7"))
        await tap(pilot, "#window-toggle")  # a break ends at once
        await until(pilot, lambda: [str(c) for c in windows.get_row("7")[2:]] == ["open", ""])
    assert service.day_board().reasons == {"6": "lunch"}
    assert breaks(centre)[1:] == [
        (Kind.WINDOW_PAUSED, "Olena", "lunch"),
        (Kind.WINDOW_RESUMED, "Olena", None),
    ]


@pytest.mark.parametrize("size", [SIZE, (80, 24)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_desk_shows_the_staff_statistics(centre: Centre, size: tuple[int, int]) -> None:
    service, clock = centre.service, centre.clock
    ticket = service.issue("pension-new").ticket
    service.pause_window("7", True, staff=ODD_NAME, reason="lunch")
    clock.advance(minutes=2)
    service.call_next("6", staff="Ivan")
    service.start(ticket.id, staff="Ivan")
    clock.advance(minutes=9)
    service.finish(ticket.id, staff="Ivan")
    clock.advance(minutes=20)  # the lunch goes on: 31 min
    app = admin(centre)
    async with app.run_test(size=size) as pilot:
        await desk_sign_in(pilot)
        assert isinstance(app.screen, AdminScreen)
        await show_tab(pilot, app.screen, "stats")
        assert app.screen.query_one(StatsPane).staff is not None
        table = app.screen.query_one("#stats-staff", Static)
        await until(pilot, lambda: table.display)
        await pilot.pause()
        text = " ".join(drawn(table, table.size.width or size[0]).split())
        assert app.screen.query_one("#stats-staff-note").display
        assert misfits(pilot, scrolling=True) == [], (
            "whole, when scrolled to (a narrow view scrolls sideways)"
        )
    wide = ["Staff member", "Idle while visitors waited", "Lunch 31"] if size == SIZE else []  # else wrapped
    for expected in (*wide, "Ivan", "9", ODD_NAME, "Lunch", "31"):
        assert expected in text, (expected, text)
    assert "…" not in text, "no word cut"
