"""The staff window driven as a clerk would: sign in, the keys and buttons of the whole cycle, the
transfer dialog, a break, and the scan field with good and bad codes."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Button, Input, Label, Select, Static

from kiosk.presentation.i18n import translations
from kiosk.security import signing
from screens.common.signin import SignInScreen
from screens.counter.app import CounterApp, create_app
from screens.counter.window import CounterScreen
from tests.screens.conftest import Centre, tap, workers_done
from tests.screens.test_lobby import SIZE, shown, until


def counter(centre: Centre, window: str = "6", lang: str = "en") -> CounterApp:
    return create_app(centre.settings, window, centre.service, lang=lang)


async def sign_in(pilot: Pilot[None], name: str = "Ivan", pin: str = "5555") -> CounterScreen:
    await shown(pilot, SignInScreen, ".member")
    index = [m.name for m in pilot.app.screen.members].index(name)  # type: ignore[attr-defined]
    await tap(pilot, f"#member-{index}")
    await until(pilot, lambda: bool(pilot.app.screen.query("#pin-input")))
    await pilot.press(*pin, "enter")
    await shown(pilot, CounterScreen, "#act-call")
    screen = pilot.app.screen
    assert isinstance(screen, CounterScreen)
    return screen


def status(pilot: Pilot[None]) -> str:
    return str(pilot.app.screen.query_one("#status", Label).content)


async def settle(pilot: Pilot[None], text: str) -> None:
    await until(pilot, lambda: text in status(pilot))
    await pilot.pause(0.1)
    await workers_done(pilot)


async def test_sign_in_needs_the_right_pin(centre: Centre) -> None:
    app = counter(centre)
    async with app.run_test(size=SIZE) as pilot:
        await shown(pilot, SignInScreen, ".member")
        await tap(pilot, "#member-0")  # Ivan (names are sorted: Ivan, Olena)
        await until(pilot, lambda: bool(app.screen.query("#pin-input")))
        await pilot.press("1", "1", "1", "1", "enter")
        wrong = translations(app.lang).gettext("Wrong name or PIN")
        await until(pilot, lambda: str(app.screen.query_one("#pin-error", Label).content) == wrong)
        await pilot.press("5", "5", "5", "5", "enter")
        await shown(pilot, CounterScreen, "#act-call")
        assert app.member is not None and app.member.name == "Ivan"


async def test_the_whole_cycle_with_keys(centre: Centre) -> None:
    service = centre.service
    first = service.issue("pension-new").ticket
    veteran = service.issue("pension-recalc", priority="veteran", interpreter=True).ticket
    third = service.issue("pension-certificate").ticket
    app = counter(centre)
    async with app.run_test(size=SIZE) as pilot:
        screen = await sign_in(pilot)
        await pilot.press("f1")
        await settle(pilot, f"Called {veteran.code}")
        details = str(screen.query_one("#current-details", Static).content)
        assert "War veteran" in details and "interpreter requested" in details
        for key, word in (("f2", "recalled (1×)"), ("f3", "being served"), ("f4", "served")):
            await pilot.press(key)
            await settle(pilot, f"{veteran.code}: {word}")
        await pilot.press("f1")
        await settle(pilot, f"Called {first.code}")
        await pilot.press("f5")
        await settle(pilot, f"{first.code}: did not come")
        await pilot.press("f1")
        await settle(pilot, f"Called {third.code}")
        await pilot.press("f8")
        await settle(pilot, f"{third.code}: waiting")
        await pilot.press("f1")
        await settle(pilot, f"Called {third.code}")
        await pilot.press("f3", "f6")
        await settle(pilot, f"{third.code}: on hold")
        await pilot.press("f1")
        await settle(pilot, "nobody is waiting for window 6")
        assert "problem" in screen.query_one("#status", Label).classes
    kinds = [e.kind for e in service.history(veteran.id)]
    assert kinds == ["issued", "called", "recalled", "started", "finished"]
    assert {e.staff for e in service.history(veteran.id)[1:]} == {"Ivan"}
    assert service.ticket(first.id).state == "no_show"
    assert service.ticket(third.id).state == "on_hold"


async def test_transfer_dialog_keeps_the_number(centre: Centre) -> None:
    ticket = centre.service.issue("pension-new").ticket
    app = counter(centre)
    async with app.run_test(size=SIZE) as pilot:
        screen = await sign_in(pilot)
        await tap(pilot, "#act-call")
        await settle(pilot, f"Called {ticket.code}")
        await pilot.press("f7")  # opened and left with Escape: nothing moves
        await until(pilot, lambda: bool(app.screen.query("#department")))
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
        await pilot.press("f7")
        await until(pilot, lambda: bool(app.screen.query("#department")))
        dialog = app.screen
        dialog.query_one("#department", Select).value = "employment"
        await pilot.pause(0.1)
        dialog.query_one("#service", Select).value = "job-benefit"
        dialog.query_one("#note", Input).value = "needs the benefit form"
        await pilot.pause(0.1)
        await tap(pilot, "#confirm")
        await settle(pilot, f"{ticket.code} moved to")
    moved = centre.service.ticket(ticket.id)
    assert (moved.code, moved.department, moved.service, moved.state) == (
        "P-001",
        "employment",
        "job-benefit",
        "waiting",
    )
    last = centre.service.history(ticket.id)[-1]
    assert (
        last.kind == "transferred" and last.data["note"] == "needs the benefit form" and last.staff == "Ivan"
    )


async def test_a_break_stops_calls_here(centre: Centre) -> None:
    centre.service.issue("pension-new")
    app = counter(centre)
    async with app.run_test(size=SIZE) as pilot:
        screen = await sign_in(pilot)
        await pilot.press("f9")  # asks why (tests/screens/test_staff_breaks.py)
        await tap(pilot, "#reason-break")
        await settle(pilot, "On a break")
        await until(pilot, lambda: screen.query_one("#act-call", Button).disabled)
        assert centre.service.window_paused("6")
        await pilot.press("f9")
        await settle(pilot, "Back from the break")
        await until(pilot, lambda: not screen.query_one("#act-call", Button).disabled)
        await pilot.press("f1")
        await settle(pilot, "Called P-001")


async def test_scan_field_good_and_bad_codes(centre: Centre) -> None:
    service = centre.service
    waiting = service.issue("pension-new")
    served = service.issue("pension-recalc")
    service.call(served.ticket.id, "7")
    service.start(served.ticket.id)
    service.finish(served.ticket.id)
    app = counter(centre)
    async with app.run_test(size=SIZE) as pilot:
        screen = await sign_in(pilot)

        async def scan(text: str, expect: str) -> None:
            field = screen.query_one("#scan", Input)
            field.value = text
            await tap(pilot, "#scan")
            await pilot.press("enter")
            await settle(pilot, expect)

        await scan(waiting.qr, f"{waiting.ticket.code}: called")  # the visitor stands at the window
        await scan(waiting.qr, f"{waiting.ticket.code}: being served")  # scanned again: start
        forged = waiting.qr[:-1] + ("A" if waiting.qr[-1] != "A" else "B")
        await scan(forged, "forged")
        await scan(served.qr, f"{served.ticket.code} is served")
        await scan("hello there", "not a ticket code")
        await scan("[/] [b]x", "not a ticket code")
        screen.say("refused: [/] [SQL: x]", problem=True)  # a message with brackets shows as it is
        await pilot.pause()
        assert str(screen.query_one("#status", Label).content) == "refused: [/] [SQL: x]"
        other_day = signing.Payload(
            waiting.ticket.id, waiting.ticket.day.replace(day=20), waiting.ticket.code, "pensions", ("6",)
        )
        await scan(signing.sign(service.secret, other_day), "not from today")
        assert "problem" in screen.query_one("#status", Label).classes
    assert service.ticket(waiting.ticket.id).state == "serving"


async def test_scan_refuses_a_ticket_of_another_department_or_over_in_the_clerks_language(
    centre: Centre,
) -> None:
    service = centre.service
    job_seeker = service.issue("job-register")  # employment: windows 9, 10
    cancelled = service.issue("pension-new")
    service.cancel(cancelled.ticket.id, reason="left")
    app = counter(centre, lang="uk")
    async with app.run_test(size=SIZE) as pilot:
        screen = await sign_in(pilot)

        async def scan(text: str, expect: str) -> None:
            screen.query_one("#scan", Input).value = text
            await tap(pilot, "#scan")
            await pilot.press("enter")
            await settle(pilot, expect)

        await scan(job_seeker.qr, "E-001 обслуговують у вікні 9, 10, не тут")
        await scan("E-001", "E-001 обслуговують у вікні 9, 10, не тут")  # a typed number too
        await scan(cancelled.qr, "P-001 скасовано")
        assert "problem" in screen.query_one("#status", Label).classes
    assert service.ticket(job_seeker.ticket.id).state == "waiting"


async def test_other_terminals_tickets_show_up(centre: Centre) -> None:
    """Tickets issued elsewhere reach the window through its event follower. How fast is a figure
    of `kiosk bench` (call to display, goal 1 s), not a bound here: `until` only guards a hang."""
    app = counter(centre)
    async with app.run_test(size=SIZE) as pilot:
        screen = await sign_in(pilot)
        await until(pilot, lambda: "0 waiting" in str(screen.query_one("#waiting-count", Label).content))
        centre.service.issue("pension-new")  # the kiosk, elsewhere
        centre.service.issue("pension-new", priority="aged-80")
        await until(pilot, lambda: "2 waiting" in str(screen.query_one("#waiting-count", Label).content))
        assert str(screen.query_one("#next", Static).content).splitlines()[0].startswith("P-002")


def details(screen: CounterScreen) -> str:
    return str(screen.query_one("#current-details", Static).content)


async def test_the_note_goes_with_the_ticket_and_a_recall_says_so(centre: Centre) -> None:
    service = centre.service
    ticket = service.issue("job-register").ticket
    service.call_next("10", staff="Ivan")
    service.transfer(ticket.code, to="pensions", staff="Ivan", note="needs the disability form")
    app = counter(centre)
    async with app.run_test(size=SIZE) as pilot:
        screen = await sign_in(pilot)
        await tap(pilot, "#act-call")
        await settle(pilot, f"Called {ticket.code}")
        await until(pilot, lambda: "Note: needs the disability form" in details(screen))
        await pilot.press("f2")
        await until(pilot, lambda: details(screen).startswith("recalled (1×)"))
        await pilot.press("f2")
        await until(pilot, lambda: details(screen).startswith("recalled (2×)"))
        await settle(pilot, f"{ticket.code}: recalled (2×)")  # the status line, not "called"


async def test_a_long_line_says_how_many_more_wait(centre: Centre) -> None:
    for _ in range(40):
        centre.service.issue("pension-new")
    app = counter(centre)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await sign_in(pilot)
        nexts = screen.query_one("#next", Static)

        async def filled() -> int:
            """The tickets listed once the list fills its rows, the count under them."""
            await until(pilot, lambda: len(str(nexts.content).splitlines()) == nexts.size.height)
            lines = str(nexts.content).splitlines()
            listed = len(lines) - 1
            assert lines[0] == "P-001" and lines[-1] == f"+{40 - listed} more"
            return listed

        small = await filled()
        assert small >= 6
        await pilot.resize_terminal(120, 40)  # a taller list: more listed, the count follows
        await until(pilot, lambda: nexts.size.height > small + 1)
        assert await filled() > small
